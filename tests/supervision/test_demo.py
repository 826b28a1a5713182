"""The demo city's programme: about 20 tasks with milestones in every state and tasks in every light."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from supervision.demo import TASKS
from supervision.models import Milestone, Programme, SupervisionOrder
from supervision.selectors import Light, programme_rows

pytestmark = pytest.mark.dated  # "today" read from the clock: also on the chosen days


@pytest.fixture
def demo(db):
    call_command("seed_demo", grids=90, history_days=0)
    return Programme.objects.get()


def test_the_demo_programme_has_every_state_and_every_light(demo, django_user_model):
    assert demo.tasks.count() == len(TASKS) == 20
    assert set(Milestone.objects.values_list("status", flat=True)) == set(Milestone.Status.values)
    assert SupervisionOrder.objects.count() == Milestone.objects.filter(overdue_at__isnull=False).count() == 5
    leader = django_user_model.objects.get(username="demo_leader")
    rows = programme_rows(programme=demo, user=leader, today=timezone.localdate())
    assert {row.standing.light for row in rows} == {Light.GREEN, Light.YELLOW, Light.RED}
    call_command("seed_demo", grids=90, history_days=0)  # idempotent
    assert Programme.objects.count() == 1
