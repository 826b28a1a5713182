"""考核: the weighted score, the rankings of streets and departments, the weights' record."""

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import HandlingUnit
from dashboards.models import SCHEME_IS_IMMUTABLE, AssessmentScheme
from dashboards.selectors import department_ranking, street_ranking
from govportal.periods import Period
from incidents.models import Ticket
from incidents.services import (
    ticket_accept, ticket_close, ticket_dispatch, ticket_handle, ticket_rate, ticket_return, ticket_verify,
)
from incidents.sweeps import overdue_escalate

from ..factories import log_in_verified
from .conftest import START

pytestmark = pytest.mark.dated


def test_score_weighs_the_rates_and_leaves_out_missing_ones():
    scheme = AssessmentScheme(on_time_weight=40, overdue_weight=20, return_weight=10, satisfaction_weight=30)
    assert scheme.score(on_time_rate=1, overdue_rate=0, return_rate=0, satisfaction_rate=1) == 100
    assert scheme.score(on_time_rate=0.5, overdue_rate=0.25, return_rate=0.5, satisfaction_rate=0.9) == 67.0
    # Nothing closed and nothing rated: only overdue and returns count.
    assert scheme.score(on_time_rate=None, overdue_rate=1, return_rate=0, satisfaction_rate=None) == 33.3
    assert scheme.score(on_time_rate=None, overdue_rate=None, return_rate=None, satisfaction_rate=None) is None


def test_schemes_are_kept_as_a_record(actors):
    assert AssessmentScheme.current().note == "Default weights"  # seeded by the migration
    scheme = AssessmentScheme.objects.create(on_time_weight=50, overdue_weight=50, return_weight=0,
                                             satisfaction_weight=0, created_by=actors.admin)
    assert AssessmentScheme.current() == scheme
    scheme.note = "changed"
    with pytest.raises(ValidationError) as error:
        scheme.save()
    assert error.value.messages == [str(SCHEME_IS_IMMUTABLE)]
    with pytest.raises(ValidationError):
        AssessmentScheme(on_time_weight=0, overdue_weight=0, return_weight=0, satisfaction_weight=0).full_clean()


def test_admin_adds_weights_and_cannot_edit_old_ones(client, actors):
    log_in_verified(client, actors.admin)
    old = AssessmentScheme.current()
    response = client.post(reverse("admin:dashboards_assessmentscheme_add"), {
        "on_time_weight": "60", "overdue_weight": "10", "return_weight": "10", "satisfaction_weight": "20",
        "note": "2027"})
    assert response.status_code == 302
    new = AssessmentScheme.current()
    assert (new.on_time_weight, new.created_by, new.note) == (Decimal("60"), actors.admin, "2027")
    page = client.get(reverse("admin:dashboards_assessmentscheme_change", args=[old.pk]))
    assert page.status_code == 200 and b'name="on_time_weight"' not in page.content  # read-only


@pytest.fixture
def month_of_work(tree, report, staff, actors):
    """West street: one ticket closed on time and rated satisfied. East street: one dispatched to a
    department, which returns it, and one that misses its deadline."""
    departments = {unit.name: unit for unit in HandlingUnit.objects.filter(kind=HandlingUnit.Kind.DEPARTMENT)}
    with time_machine.travel(START, tick=False) as clock:
        good = report(tree.grids[0])
        ticket_accept(ticket_id=good.pk, actor=staff[good.handling_unit_id])
        ticket_handle(ticket_id=good.pk, actor=staff[good.handling_unit_id], feedback="已清理")
        ticket_verify(ticket_id=good.pk, actor=actors.community_staff)
        ticket_close(ticket_id=good.pk, actor=actors.community_staff)
        ticket_rate(ticket_id=good.pk, actor=actors.community_staff, satisfaction="satisfied")
        returned = report(tree.grids[2], code="0103")
        street_staff = staff[returned.handling_unit_id]
        ticket_accept(ticket_id=returned.pk, actor=street_staff)
        water = departments["测试区水务局"]
        ticket_dispatch(ticket_id=returned.pk, actor=street_staff, unit=water)
        ticket_return(ticket_id=returned.pk, actor=staff[water.pk], reason_code="not_our_duty", reason="不属本局")
        late = report(tree.grids[3])
        clock.shift(timedelta(days=3))
        overdue_escalate()
    return good, returned, late, water


def test_streets_and_departments_are_ranked(tree, month_of_work):
    good, returned, late, water = month_of_work
    period = Period.month_of(START.date())
    streets = street_ranking(area=tree.city, period=period)
    assert [(row["rank"], row["code"]) for row in streets] == [(1, tree.west_street.code), (2, tree.east_street.code)]
    west, east = streets
    assert (west["on_time_rate"], west["satisfaction_rate"], west["score"]) == (1.0, 1.0, 100.0)
    assert Ticket.objects.get(pk=late.pk).overdue_count == 1
    assert east["overdue"] == 2 and east["return_rate"] == 1.0 and east["score"] == 0.0
    departments = {row["name"]: row for row in department_ranking(area=tree.city, period=period)}
    assert (departments["测试区水务局"]["received"], departments["测试区水务局"]["returned"]) == (1, 1)
    assert departments["测试区城管局"]["score"] is None and departments["测试区城管局"]["rank"] is None


def test_a_street_with_work_received_but_nothing_to_measure_is_unranked_after_the_measured(tree, report, staff, actors):
    with time_machine.travel(START, tick=False):
        good = report(tree.grids[0])  # west: closed on time
        for step in (ticket_accept, ticket_handle, ticket_verify, ticket_close):
            actor = staff[good.handling_unit_id] if step in (ticket_accept, ticket_handle) else actors.community_staff
            step(ticket_id=good.pk, actor=actor, **({"feedback": "已清理"} if step is ticket_handle else {}))
        report(tree.grids[3])  # east: received, still within its deadline
    streets = street_ranking(area=tree.city, period=Period.month_of(START.date()))
    assert [(row["code"], row["rank"], row["score"]) for row in streets] == [
        (tree.west_street.code, 1, 100.0), (tree.east_street.code, None, None)]
    assert streets[1]["reported"] == 1  # received, but neither closed nor late: no score, not 100


def test_excel_columns_are_as_wide_as_their_longest_value():
    from openpyxl import load_workbook

    from dashboards.tables import workbook

    long_name = "某某市某某区生态环境保护综合行政执法局"  # 19 characters, 38 cells wide
    rows = [{"rank": 1, "name": long_name, "area": "某区", "score": 90.0, "overdue": 0}]
    sheet = load_workbook(BytesIO(workbook([("departments", rows)], heading="考核"))).active
    assert sheet["B2"].value and sheet.column_dimensions["B"].width >= 38
    assert sheet.column_dimensions["A"].width < 12  # a rank stays narrow


def test_a_street_sees_no_ranking_of_other_streets(tree, month_of_work):
    rows = street_ranking(area=tree.west_street, period=Period.month_of(START.date()))
    assert [row["code"] for row in rows] == [tree.west_street.code]
    assert department_ranking(area=tree.west_street, period=Period.month_of(START.date())) == []


def test_basically_satisfied_counts_with_the_hotlines_editable_weight(tree, staff, actors, report):
    """The dashboards' satisfaction rate uses the same "basically satisfied" weight as the hotline's rates."""
    from hotline.models import RateWeights

    with time_machine.travel(START, tick=False):
        ticket = report(tree.grids[0])
        for step in (ticket_accept, ticket_handle, ticket_verify, ticket_close):
            actor = staff[ticket.handling_unit_id] if step in (ticket_accept, ticket_handle) else actors.community_staff
            step(ticket_id=ticket.pk, actor=actor, **({"feedback": "已清理"} if step is ticket_handle else {}))
        ticket_rate(ticket_id=ticket.pk, actor=actors.community_staff, satisfaction="basically")
    period = Period.month_of(START.date())
    assert street_ranking(area=tree.west_street, period=period)[0]["satisfaction_rate"] == pytest.approx(0.9)
    RateWeights.objects.update_or_create(category=None, defaults={"basically_factor": Decimal("0.6")})
    assert street_ranking(area=tree.west_street, period=period)[0]["satisfaction_rate"] == pytest.approx(0.6)
