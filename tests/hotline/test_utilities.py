"""Utilities (供水, 供电, 燃气, 供暖) are in the hotline's 2 h / 24 h class (domain.md §4)."""

import pytest

from hotline import selectors, services
from incidents.worktime import working_day_minutes


@pytest.mark.parametrize("code, name", [("1201", "供水"), ("1202", "供电"), ("1203", "燃气"), ("1204", "供暖")])
def test_utility_categories_are_dispatched_in_2_hours_and_replied_in_24(catalogue, actors, operator, call_fields,
                                                                        code, name):
    assert catalogue[code].name == name and catalogue[code].parent.code == "12"
    call = services.call_dispatch(operator=operator, **call_fields(category=catalogue[code], content=name))
    ticket = call.ticket
    assert (ticket.sign_minutes, ticket.handle_minutes, ticket.clock_time) == (120, 24 * 60, True)


def test_a_power_cut_gets_24_hours_not_5_working_days(catalogue, actors, operator, call_fields):
    content = "整栋楼停电一天了"
    suggested = selectors.category_suggest(content=content)[0]
    assert suggested.category.code == "1202" and suggested.keywords == ["停电"]
    call = services.call_dispatch(operator=operator, **call_fields(category=suggested.category, content=content))
    assert call.ticket.handle_minutes == 24 * 60 != 5 * working_day_minutes()
    assert (call.reply_due_at - call.ticket.created_at).total_seconds() == 24 * 3600


def test_a_water_cut_is_suggested_as_supply_before_drainage(catalogue):
    codes = [s.category.code for s in selectors.category_suggest(content="小区停水了")]
    assert codes[:2] == ["1201", "0204"]
