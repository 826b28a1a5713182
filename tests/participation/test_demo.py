"""The demo community's participation: people waiting and confirmed, teams, tasks and claims in every state."""

import pytest

from participation.demo import demo_participation_create
from participation.models import (
    Participant, PointEntry, Redemption, ServiceProject, Task, TaskClaim, TaskEvent, Team,
)
from tests.incidents.conftest import report  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def test_the_demo_has_people_teams_and_every_state_of_tasks_and_claims_once(actors, report):  # noqa: F811
    report()  # a work order in the community, to be given to volunteers
    for user, username in ((actors.community_staff, "demo_community"), (actors.grid_worker, "demo_gridworker"),
                           (actors.street_coordinator, "demo_coordinator")):
        user.username = username  # the demo city's accounts, on the test tree
        user.save(update_fields=["username"])
    assert demo_participation_create() and not demo_participation_create()
    assert set(Participant.objects.values_list("status", flat=True)) == {"pending", "confirmed"}
    assert Team.objects.count() == 3
    assert set(Task.objects.values_list("status", flat=True)) == set(Task.Status.values)
    assert set(TaskClaim.objects.values_list("status", flat=True)) == set(TaskClaim.HOLDING)
    assert TaskEvent.objects.filter(action="unclaimed_warn").count() == 1
    assert Task.objects.filter(ticket__isnull=False).count() == 1
    assert Redemption.objects.count() == 1
    assert set(PointEntry.objects.values_list("reason", flat=True)) == {"confirmed_hour", "redemption", "correction"}
    project = ServiceProject.objects.get()
    assert project.status == ServiceProject.Status.RUNNING and project.approved_application is not None
    assert set(project.applications.values_list("status", flat=True)) == {"approved", "declined"}
    assert project.milestones.filter(done_on__isnull=False).count() == 1
    assert "13760000001" not in "".join(Participant.objects.values_list("phone_encrypted", flat=True))
