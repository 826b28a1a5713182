"""The phone pages: recording a visit, its refusals shown on the form, and the visits due, overdue first."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from carelist.models import CareVisit
from carelist.services import VISIT_IN_FUTURE

NOW = datetime(2026, 4, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
VISIT = {"visited_on": "2026-04-20", "way": "home", "place": "家中", "condition": "stable", "note": "按时报到"}


@pytest.fixture(autouse=True)
def anchored():
    with time_machine.travel(NOW, tick=False):
        yield


def test_a_helper_records_a_visit_and_sees_the_refusals_on_the_form(person, care, client):
    client.force_login(care.helper)
    url = f"/carelist/persons/{person.pk}/visit/"
    form = client.get(url)
    assert form.context["form"].initial == {"visited_on": date(2026, 4, 20), "place": "西社区1号楼101"}
    refused = client.post(url, {**VISIT, "visited_on": "2026-04-21"})
    assert refused.status_code == 200 and refused.context["form"].errors == {"visited_on": [str(VISIT_IN_FUTURE)]}
    assert client.post(url, {**VISIT, "way": "letter", "place": ""}).context["form"].errors.keys() == {"way", "place"}
    assert not CareVisit.objects.exists()
    assert client.post(url, VISIT).url == f"/carelist/persons/{person.pk}/"
    assert CareVisit.objects.get().recorded_by == care.helper


def test_the_visits_due_lead_with_the_overdue_ones(person_make, care, client):
    person_make("陈桂英", levels=(("lonely_elderly", 3),), registered_on=date(2026, 4, 1))  # due 1 May
    person_make("李建国", registered_on=date(2026, 4, 1))  # due 8 April: overdue
    client.force_login(care.helper)
    page = client.get("/carelist/")
    assert [person.name for person in page.context["persons"]] == ["李建国", "陈桂英"]
    assert page.content.decode().count("已逾期") == 1
