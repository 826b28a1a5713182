"""Patrols: start, points in batches (never doubled, late ones taken), the track built in PostGIS, findings, end."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from fieldwork import services
from fieldwork.models import Patrol, PatrolEvent, PatrolFinding, PatrolPoint
from fieldwork.selectors import patrol_list
from fieldwork.workflow import PatrolInputError
from govportal.errors import DomainConflict
from govportal.workflow import TransitionNotAllowed
from grids.models import GridMember
from incidents.models import Ticket
from tests.factories import UserFactory

from .conftest import WALK, track_points

pytestmark = [pytest.mark.django_db, pytest.mark.dated]  # "today" read from the clock: also on the chosen days


def test_a_worker_starts_a_patrol_of_their_grid(actors, tree):
    patrol = services.patrol_start(worker=actors.grid_worker)

    assert (patrol.grid, patrol.area_code, patrol.status) == (tree.grids[0], tree.grids[0].code, "active")
    assert list(patrol.events.values_list("action", "to_status", "actor")) == [
        ("start", "active", actors.grid_worker.pk)]


def test_one_open_patrol_per_worker(patrol, actors):
    with pytest.raises(DomainConflict) as refused:
        services.patrol_start(worker=actors.grid_worker)
    assert str(refused.value) == services.ALREADY_ON_PATROL


def test_only_grid_workers_of_a_grid_patrol(actors, tree):
    with pytest.raises(PermissionDenied):
        services.patrol_start(worker=actors.community_staff)
    with pytest.raises(PatrolInputError) as not_theirs:
        services.patrol_start(worker=actors.grid_worker, grid=tree.grids[2])
    assert str(not_theirs.value) == services.NOT_YOUR_GRID
    without_grid = UserFactory(role=User.Role.GRID_WORKER, unit=actors.grid_worker.unit)
    with pytest.raises(PatrolInputError) as no_grid:
        services.patrol_start(worker=without_grid)
    assert str(no_grid.value) == services.NO_GRID


def test_a_worker_of_two_grids_names_the_one_patrolled(actors, tree):
    GridMember.objects.create(grid=tree.grids[1], kind=GridMember.Kind.FULL_TIME_WORKER, name="王网格",
                              user=actors.grid_worker)
    with pytest.raises(PatrolInputError) as refused:
        services.patrol_start(worker=actors.grid_worker)
    assert str(refused.value) == services.CHOOSE_GRID
    assert services.patrol_start(worker=actors.grid_worker, grid=tree.grids[1]).grid == tree.grids[1]


def test_points_build_the_track_in_sequence_order_and_a_batch_sent_twice_is_stored_once(patrol, actors):
    points = track_points(WALK)
    services.patrol_points_add(patrol_id=patrol.pk, worker=actors.grid_worker, points=points[3:])  # the later batch first
    services.patrol_points_add(patrol_id=patrol.pk, worker=actors.grid_worker, points=points[:3])
    patrol = services.patrol_points_add(patrol_id=patrol.pk, worker=actors.grid_worker, points=points[:3])  # again

    assert PatrolPoint.objects.filter(patrol=patrol).count() == patrol.point_count == 5
    assert patrol.last_seq == 4
    assert [tuple(round(c, 4) for c in xy) for xy in patrol.track.coords] == WALK
    # 0.004° of longitude at 23.005° N, on the spheroid
    assert patrol.distance_m == pytest.approx(410, abs=2)


def test_one_point_makes_no_track_yet(patrol, actors):
    patrol = services.patrol_points_add(patrol_id=patrol.pk, worker=actors.grid_worker, points=track_points(WALK[:1]))

    assert (patrol.point_count, patrol.track, patrol.distance_m) == (1, None, 0)


def test_points_kept_on_a_phone_are_taken_after_the_end(patrol, actors):
    services.patrol_points_add(patrol_id=patrol.pk, worker=actors.grid_worker, points=track_points(WALK[:2]))
    services.patrol_end(patrol_id=patrol.pk, actor=actors.grid_worker)

    late = track_points(WALK[2:], first_seq=2)
    patrol = services.patrol_points_add(patrol_id=patrol.pk, worker=actors.grid_worker, points=late)

    assert (patrol.status, patrol.point_count) == (Patrol.Status.ENDED, 5)


def test_only_the_walker_adds_points(patrol, actors):
    with pytest.raises(PermissionDenied):
        services.patrol_points_add(patrol_id=patrol.pk, worker=actors.community_staff, points=track_points(WALK))
    assert not PatrolPoint.objects.exists()


def test_a_point_dated_in_the_future_is_refused(patrol, actors):
    future = track_points(WALK[:1], start=timezone.now() + timedelta(hours=1))
    with pytest.raises(PatrolInputError) as refused:
        services.patrol_points_add(patrol_id=patrol.pk, worker=actors.grid_worker, points=future)
    assert str(refused.value) == services.POINT_IN_FUTURE


def test_ending_is_the_walkers_move_once(patrol, actors):
    with pytest.raises(PermissionDenied):
        services.patrol_end(patrol_id=patrol.pk, actor=actors.community_staff)
    ended = services.patrol_end(patrol_id=patrol.pk, actor=actors.grid_worker)
    assert ended.status == Patrol.Status.ENDED and ended.ended_at is not None
    with pytest.raises(TransitionNotAllowed):
        services.patrol_end(patrol_id=patrol.pk, actor=actors.grid_worker)
    assert list(PatrolEvent.objects.filter(patrol=patrol).values_list("action", flat=True)) == ["start", "end"]


def test_the_sweep_ends_patrols_left_open(patrol, actors):
    later = timezone.now() + timedelta(hours=13)

    assert services.patrols_left_open_end(now=later) == 1
    patrol.refresh_from_db()
    assert patrol.status == Patrol.Status.ENDED
    assert patrol.events.last().action == "end_left_open" and patrol.events.last().actor is None
    assert services.patrols_left_open_end(now=later) == 0


def test_a_problem_found_on_patrol_is_a_work_order_linked_to_it(patrol, actors, catalogue):
    category = next(c for c in catalogue.values() if c.parent_id)
    place = patrol.grid.geom.point_on_surface
    finding, created = services.patrol_problem_report(
        patrol_id=patrol.pk, worker=actors.grid_worker, category=category, description="井盖缺失",
        location=place, idempotency_key="7:k1")
    again, created_again = services.patrol_problem_report(
        patrol_id=patrol.pk, worker=actors.grid_worker, category=category, description="井盖缺失",
        location=place, idempotency_key="7:k1")

    assert (created, created_again, again.pk) == (True, False, finding.pk)
    ticket = Ticket.objects.get()
    assert (ticket.source, ticket.reporter, ticket.patrol_finding) == (Ticket.Source.GRID_WORKER, actors.grid_worker,
                                                                       finding)
    assert finding.patrol == patrol and finding.kind == PatrolFinding.Kind.PROBLEM


def test_findings_only_on_an_open_patrol(patrol, actors):
    place = patrol.grid.geom.point_on_surface
    services.patrol_nothing_found(patrol_id=patrol.pk, worker=actors.grid_worker, location=place, note="消防通道畅通")
    services.patrol_end(patrol_id=patrol.pk, actor=actors.grid_worker)

    with pytest.raises(DomainConflict):
        services.patrol_nothing_found(patrol_id=patrol.pk, worker=actors.grid_worker, location=place)
    assert list(patrol.findings.values_list("kind", "note")) == [("nothing_found", "消防通道畅通")]


def test_tracks_are_seen_by_the_worker_and_their_community_and_up_only(patrol, actors):
    seeing = [actors.grid_worker, actors.community_staff, actors.street_coordinator, actors.leader, actors.admin]
    refused = [actors.outsider, actors.department_handler,
               UserFactory(role=User.Role.GRID_WORKER, unit=actors.grid_worker.unit)]  # a colleague

    assert [patrol_list(user=user).filter(pk=patrol.pk).exists() for user in seeing] == [True] * len(seeing)
    assert [patrol_list(user=user).filter(pk=patrol.pk).exists() for user in refused] == [False] * len(refused)


def test_tracks_are_purged_after_their_retention_with_their_points_and_the_tickets_stay(patrol, actors, catalogue,
                                                                                       settings):
    settings.FIELDWORK_TRACK_RETENTION_DAYS = 180
    category = next(c for c in catalogue.values() if c.parent_id)
    services.patrol_points_add(patrol_id=patrol.pk, worker=actors.grid_worker, points=track_points(WALK))
    services.patrol_problem_report(patrol_id=patrol.pk, worker=actors.grid_worker, category=category,
                                   description="路灯不亮", location=patrol.grid.geom.point_on_surface)

    assert services.tracks_purge(now=timezone.now() + timedelta(days=179)) == 0
    assert services.tracks_purge(now=timezone.now() + timedelta(days=181)) == 1
    assert not Patrol.objects.exists() and not PatrolPoint.objects.exists() and not PatrolFinding.objects.exists()
    assert Ticket.objects.count() == 1


class TestApi:
    def test_a_patrol_through_the_api(self, api, actors, tree):
        client = api(actors.grid_worker)
        started = client.post(reverse("api:patrol-list"), {}, format="json")
        assert started.status_code == 201, started.data
        patrol_id = started.data["id"]
        points = [{"seq": n, "lng": lng, "lat": lat, "accuracy": 8, "recorded_at": timezone.now().isoformat()}
                  for n, (lng, lat) in enumerate(WALK)]
        url = reverse("api:patrol-points", args=[patrol_id])

        sent = client.post(url, {"points": points}, format="json")
        resent = client.post(url, {"points": points[:2]}, format="json")

        assert sent.status_code == resent.status_code == 200
        assert (sent.data["confirmed"], sent.data["point_count"], resent.data["point_count"]) == ([0, 1, 2, 3, 4], 5, 5)
        detail = client.get(reverse("api:patrol-detail", args=[patrol_id])).data
        assert detail["track"]["type"] == "LineString" and len(detail["track"]["coordinates"]) == 5
        assert client.post(reverse("api:patrol-end", args=[patrol_id])).data["status"] == "ended"

    def test_bad_points_answer_400_and_others_patrols_404(self, api, actors, patrol):
        url = reverse("api:patrol-points", args=[patrol.pk])
        bad = api(actors.grid_worker).post(url, {"points": [{"seq": -1, "lng": 200, "lat": 23,
                                                             "recorded_at": "yesterday"}]}, format="json")
        assert bad.status_code == 400
        assert set(bad.data["extra"]["fields"]["points"][0]) == {"seq", "lng", "recorded_at"}
        assert api(actors.grid_worker).post(url, {"points": []}, format="json").status_code == 400
        assert api(actors.outsider).post(url, {"points": []}, format="json").status_code == 404
        assert api(actors.outsider).get(reverse("api:patrol-detail", args=[patrol.pk])).status_code == 404
        assert api(actors.community_staff).post(reverse("api:patrol-end", args=[patrol.pk])).status_code == 403

    def test_a_problem_reported_from_the_patrol(self, api, actors, patrol, catalogue):
        category = next(c for c in catalogue.values() if c.parent_id)
        body = {"category": category.code, "description": "垃圾满溢", "lat": 23.005, "lng": 113.705}
        url = reverse("api:patrol-problem", args=[patrol.pk])

        first = api(actors.grid_worker).post(url, body, format="json", headers={"Idempotency-Key": "abc"})
        retry = api(actors.grid_worker).post(url, body, format="json", headers={"Idempotency-Key": "abc"})

        assert (first.status_code, retry.status_code) == (201, 200)
        assert first.data["ticket"] == retry.data["ticket"] == Ticket.objects.get().pk

