"""The visit schedule by level: the next visit falls due one interval — the shortest of the person's
groups and levels — after the last visit, or after registration. The clock is anchored."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from carelist.models import VISIT_IS_IMMUTABLE, CareEvent, CareLevel, CarePerson, CareVisit
from carelist.services import (
    PLACE_REQUIRED, VISIT_BEFORE_REGISTRATION, VISIT_IN_FUTURE, care_person_close, care_schedule_refresh,
    care_visit_record,
)
from carelist.workflow import NOT_A_HELPER, CareInputError
from govportal.workflow import TransitionNotAllowed

from .conftest import REGISTERED

NOW = datetime(2026, 4, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def anchored():
    with time_machine.travel(NOW, tick=False):
        yield


def visit(person, actor, visited_on, **fields):
    return care_visit_record(person_id=person.pk, actor=actor, visited_on=visited_on, place="家中",
                             way=CareVisit.Way.HOME, condition=CareVisit.Condition.STABLE, **fields)


@pytest.mark.parametrize("levels, interval", [
    ((("community_correction", 1),), 7),
    ((("community_correction", 2),), 15),
    ((("community_correction", 3),), 30),
    ((("lonely_elderly", 3), ("severe_mental_illness", 1)), 7),  # the shortest interval wins
])
def test_the_first_visit_is_due_one_interval_after_registration(person_make, levels, interval):
    person = person_make(levels=levels)
    assert person.next_visit_due == REGISTERED + timedelta(days=interval)


def test_a_visit_moves_the_next_one_and_a_late_entry_of_an_earlier_visit_does_not(person, care):
    visit(person, care.helper, date(2026, 4, 18), note="情绪稳定")
    person.refresh_from_db()
    assert (person.last_visited_on, person.next_visit_due) == (date(2026, 4, 18), date(2026, 4, 25))
    visit(person, care.helper, date(2026, 4, 10))  # entered late
    person.refresh_from_db()
    assert (person.last_visited_on, person.next_visit_due) == (date(2026, 4, 18), date(2026, 4, 25))
    assert person.visits.count() == 2
    assert list(person.events.values_list("action", flat=True)) == ["register", "record_visit", "record_visit"]


def test_a_changed_interval_moves_the_schedule(person):
    CareLevel.objects.filter(group__code="community_correction", level=1).update(visit_interval_days=10)
    care_schedule_refresh(person=person)
    assert CarePerson.objects.get(pk=person.pk).next_visit_due == REGISTERED + timedelta(days=10)


@pytest.mark.parametrize("visited_on, place, field, message", [
    (date(2026, 4, 21), "家中", "visited_on", VISIT_IN_FUTURE),
    (REGISTERED - timedelta(days=1), "家中", "visited_on", VISIT_BEFORE_REGISTRATION),
    (date(2026, 4, 18), "  ", "place", PLACE_REQUIRED),
])
def test_bad_visits_are_refused_with_the_field_at_fault(person, care, visited_on, place, field, message):
    with pytest.raises(CareInputError) as refused:
        care_visit_record(person_id=person.pk, actor=care.helper, visited_on=visited_on, place=place,
                          way=CareVisit.Way.PHONE, condition=CareVisit.Condition.STABLE)
    assert (refused.value.field, str(refused.value)) == (field, str(message))
    assert not CareVisit.objects.exists()


def test_only_helpers_record_visits_and_never_on_a_closed_file(person, care):
    with pytest.raises(PermissionDenied, match=str(NOT_A_HELPER)):
        visit(person, care.community_leader, date(2026, 4, 18))
    care_person_close(person_id=person.pk, actor=care.community_leader, reason="矫正期满")
    assert CarePerson.objects.get(pk=person.pk).next_visit_due is None
    with pytest.raises(TransitionNotAllowed):
        visit(person, care.helper, date(2026, 4, 18))
    assert CareEvent.objects.filter(person=person, action="close", reason="矫正期满",
                                    actor=care.community_leader).exists()


def test_a_visit_is_never_overwritten(person, care):
    recorded = visit(person, care.helper, date(2026, 4, 18)).visits.get()
    recorded.note = "改写"
    with pytest.raises(ValidationError) as refused:
        recorded.save()
    assert refused.value.messages == [str(VISIT_IS_IMMUTABLE)]
