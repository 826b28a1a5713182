"""Tasks (接单): posted by the community or turned from a work order, taken within their places, checked
in on the spot, reported with photos, confirmed with the hours credited; the unclaimed-task sweep."""

from datetime import timedelta

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from incidents.models import Ticket
from govportal.workflow import ROLE_NOT_ALLOWED, TransitionNotAllowed
from participation import services, sweeps
from participation.models import Task, TaskClaim, TaskEvent
from participation.workflow import CLAIMS, ParticipationInputError
from tests.concurrency import run_at_once
from tests.incidents.conftest import report  # noqa: F401  (fixture)
from tests.incidents.photos import jpeg

from .conftest import FAR, NEAR

pytestmark = [pytest.mark.django_db, pytest.mark.dated]  # "today" read from the clock: also on the chosen days


def test_a_volunteer_takes_checks_in_reports_and_the_community_confirms_the_hours(actors, enter, post_task):
    task, volunteer = post_task(), enter()
    claim = services.task_take(task_id=task.pk, participant=volunteer)
    with pytest.raises(ParticipationInputError) as too_far:
        services.claim_check_in(claim_id=claim.pk, actor=volunteer, location=FAR)
    assert too_far.value.field == "location" and "200" in str(too_far.value)
    services.claim_check_in(claim_id=claim.pk, actor=volunteer, location=NEAR)
    with pytest.raises(ParticipationInputError):
        services.claim_report(claim_id=claim.pk, actor=volunteer, report=" ")
    services.claim_report(claim_id=claim.pk, actor=volunteer, report="打扫了厨房", photos=[jpeg()])
    with pytest.raises(PermissionDenied, match=str(ROLE_NOT_ALLOWED)):
        services.claim_confirm(claim_id=claim.pk, actor=volunteer)  # nobody confirms their own work
    services.claim_confirm(claim_id=claim.pk, actor=actors.community_staff)
    claim.refresh_from_db()
    assert claim.status == TaskClaim.Status.CONFIRMED and claim.hours_credited == task.hours
    assert claim.photos.count() == 1 and claim.checked_in_location.equals_exact(NEAR, 1e-9)
    events = list(TaskEvent.objects.filter(task=task).values_list("action", "participant", "actor"))
    assert events == [("post", None, actors.community_staff.pk), ("take", volunteer.pk, None),
                      ("check_in", volunteer.pk, None), ("report", volunteer.pk, None),
                      ("confirm", None, actors.community_staff.pk)]


def test_only_the_taker_moves_their_claim_and_outsiders_do_not_confirm(actors, enter, post_task):
    task, volunteer, other = post_task(), enter("甲"), enter("乙")
    claim = services.task_take(task_id=task.pk, participant=volunteer)
    with pytest.raises(PermissionDenied):  # another's claim lies outside what they see
        services.claim_check_in(claim_id=claim.pk, actor=other, location=NEAR)
    services.claim_check_in(claim_id=claim.pk, actor=volunteer, location=NEAR)
    services.claim_report(claim_id=claim.pk, actor=volunteer, report="完成")
    for refused in (actors.outsider, actors.grid_worker):
        with pytest.raises(PermissionDenied):
            services.claim_confirm(claim_id=claim.pk, actor=refused)
    claim.refresh_from_db()
    assert CLAIMS.allowed_actions(claim, actors.community_staff) == ["send_back", "confirm"]
    assert CLAIMS.allowed_actions(claim, other) == []


def test_a_task_takes_no_more_than_its_places_and_only_confirmed_people_of_its_community(
        actors, tree, enter, post_task):
    task = post_task(quota=1)
    first, second = enter("甲"), enter("乙")
    services.task_take(task_id=task.pk, participant=first)
    with pytest.raises(TransitionNotAllowed, match=str(services.ALREADY_TAKEN)):
        services.task_take(task_id=task.pk, participant=first)
    with pytest.raises(TransitionNotAllowed, match=str(services.NO_PLACE_LEFT)):
        services.task_take(task_id=task.pk, participant=second)
    with pytest.raises(PermissionDenied):
        services.task_take(task_id=post_task().pk, participant=enter("丙", community=tree.east_community))


@pytest.mark.django_db(transaction=True)
def test_two_volunteers_at_once_never_overrun_the_last_place(actors, enter, post_task):
    task, people = post_task(quota=1), [enter("甲"), enter("乙")]

    def take():
        try:
            services.task_take(task_id=task.pk, participant=people.pop())
        except TransitionNotAllowed:
            return "full"
        return "taken"

    assert sorted(run_at_once(take)) == ["full", "taken"] and task.claims.count() == 1


def test_a_withdrawn_place_is_free_again(enter, post_task):
    task, first, second = post_task(quota=1), enter("甲"), enter("乙")
    claim = services.task_take(task_id=task.pk, participant=first)
    services.claim_withdraw(claim_id=claim.pk, actor=first)
    assert services.task_take(task_id=task.pk, participant=second).status == TaskClaim.Status.TAKEN


def test_posting_checks_the_times_and_the_place(actors, tree, post_task):
    now = timezone.now()
    with pytest.raises(ParticipationInputError) as late:
        post_task(take_by=now + timedelta(days=3))
    assert late.value.field == "take_by"
    with pytest.raises(ParticipationInputError) as outside:
        post_task(place=Point(113.73, 23.005, srid=4326))  # in the east community
    assert outside.value.field == "place"
    with pytest.raises(PermissionDenied):
        services.task_post(actor=actors.outsider, community=tree.west_community, kind="patrol", title="巡逻",
                           description="", place=NEAR, place_name="", starts_at=now + timedelta(days=2),
                           take_by=now + timedelta(days=1), quota=1, hours=1)


def test_a_grid_worker_turns_a_work_order_into_a_task_once(actors, tree, report):  # noqa: F811
    ticket = report()
    Ticket.objects.filter(pk=ticket.pk).update(description="帮独居老人搬煤气罐，电话13812345678")
    now = timezone.now()
    values = {"title": "帮老人搬煤气罐", "starts_at": now + timedelta(days=1), "take_by": now + timedelta(hours=12),
              "quota": 1, "hours": 1}
    task = services.task_from_ticket(actor=actors.grid_worker, ticket_id=ticket.pk, **values)
    assert task.ticket == ticket and ticket.participation_task == task and task.community == tree.west_community
    assert "13812345678" not in task.description and "138****5678" in task.description
    with pytest.raises(ParticipationInputError, match=str(services.ALREADY_A_TASK)):
        services.task_from_ticket(actor=actors.grid_worker, ticket_id=ticket.pk, **values)
    with pytest.raises(Ticket.DoesNotExist):
        services.task_from_ticket(actor=actors.outsider, ticket_id=ticket.pk, **values)


def test_the_sweep_warns_once_about_tasks_with_free_places_at_their_take_by_time(enter, post_task):
    full, free, later = post_task(quota=1), post_task(quota=2), post_task()
    services.task_take(task_id=full.pk, participant=enter("甲"))
    services.task_take(task_id=free.pk, participant=enter("乙"))
    Task.objects.filter(pk=later.pk).update(take_by=later.take_by + timedelta(days=1), starts_at=later.starts_at
                                           + timedelta(days=1))
    at = free.take_by + timedelta(minutes=1)
    assert sweeps.unclaimed_tasks_warn(now=at) == [free.pk]
    assert sweeps.unclaimed_tasks_warn(now=at) == []
    event = TaskEvent.objects.get(action="unclaimed_warn")
    assert (event.task_id, event.system, event.actor, event.participant) == (
        free.pk, "unclaimed task sweep", None, None)
    free.refresh_from_db()
    assert free.unclaimed_warned_at == at
