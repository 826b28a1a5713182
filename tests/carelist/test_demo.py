"""The demo city's special groups: persons in several groups and levels, helped by the demo grid worker
and community staff member, one visit overdue."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from carelist.models import CarePerson
from carelist.selectors import visits_due

pytestmark = pytest.mark.dated  # "today" read from the clock, as `make run` loads the demo: also on the chosen days


@pytest.fixture
def demo(db, django_user_model):
    call_command("seed_demo", grids=90, history_days=0)
    return {name: django_user_model.objects.get(username=name)
            for name in ("demo_gridworker", "demo_community", "demo_leader", "demo_coordinator")}


def test_the_demo_persons_their_helpers_and_one_overdue_visit(demo):
    today = timezone.localdate()
    persons = CarePerson.objects.all()
    assert persons.count() == 4
    assert persons.values("levels__group").distinct().count() >= 4
    assert persons.values("levels__level").distinct().count() == 3
    assert [person.name for person in persons if person.is_overdue(today)] == ["李建国"]
    due = list(visits_due(user=demo["demo_gridworker"]))
    assert due[0].name == "李建国" and len(due) == 3
    assert len(visits_due(user=demo["demo_community"])) == 3
    assert len(visits_due(user=demo["demo_leader"])) == 4  # the street's leadership
    assert not visits_due(user=demo["demo_coordinator"]).exists()
    call_command("seed_demo", grids=90, history_days=0)  # idempotent
    assert CarePerson.objects.count() == 4
