"""The track kept up to date batch by batch: appended when the points follow it, rebuilt otherwise, and
always the track (and length) that a rebuild from every stored point gives."""

import pytest
from django.db import transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fieldwork import services
from fieldwork.models import Patrol

from .conftest import track_points

pytestmark = pytest.mark.django_db


def place(seq):
    """Return where fix `seq` was taken: a zigzag eastwards, standing still at fixes 4 and 5 (a point
    repeated across the joint of the batches 0–4 and 5–9)."""
    step = 4 if seq == 5 else seq
    return 113.7010 + 0.0003 * step, 23.005 + 0.0002 * (step % 3)


def batch(seqs):
    """Return the TrackPoints numbered `seqs`, in the order given."""
    return [point for seq in seqs for point in track_points([place(seq)], first_seq=seq)]


def sent_and_kept(patrol, worker, seqs):
    """Send the batch `seqs`; return how the track was kept: "appended", "rebuilt" or "unchanged"."""
    with CaptureQueriesContext(transaction.get_connection()) as queries:
        services.patrol_points_add(patrol_id=patrol.pk, worker=worker, points=batch(seqs))
    updates = [query["sql"] for query in queries if query["sql"].lstrip().startswith("UPDATE fieldwork_patrol")]
    if not updates:
        return "unchanged"
    return "appended" if "added.points" in updates[0] else "rebuilt"


def rebuilt(patrol):
    """Return the patrol as a rebuild from all its stored points makes it, leaving the stored one as it is."""
    with transaction.atomic():
        services.track_rebuild(patrol_id=patrol.pk)
        reference = Patrol.objects.get(pk=patrol.pk)
        transaction.set_rollback(True)
    return reference


CASES = {
    # name: [(sequence numbers of a batch, how the track is kept), ...]
    "in order": [(range(0, 5), "rebuilt"), (range(5, 10), "appended"), (range(10, 15), "appended")],
    "a batch sent twice": [(range(0, 5), "rebuilt"), (range(5, 10), "appended"), (range(5, 10), "unchanged"),
                           (range(10, 15), "appended")],
    "a resend overlapping the next": [(range(0, 5), "rebuilt"), (range(3, 10), "appended")],
    "out of order": [(range(5, 10), "rebuilt"), (range(0, 5), "rebuilt"), (range(10, 15), "appended")],
    "a gap filled later": [(range(0, 5), "rebuilt"), (range(10, 15), "appended"), (range(5, 10), "rebuilt"),
                           (range(15, 20), "appended")],
    "one point, then the rest": [(range(0, 1), "rebuilt"), (range(1, 5), "rebuilt"), (range(5, 10), "appended")],
    "shuffled within a batch": [(range(0, 5), "rebuilt"), ([9, 7, 5, 8, 6], "appended")],
}


@pytest.mark.parametrize("batches", CASES.values(), ids=CASES.keys())
def test_the_kept_track_is_the_rebuilt_one_after_every_batch(patrol, actors, batches):
    for seqs, expected in batches:
        assert sent_and_kept(patrol, actors.grid_worker, seqs) == expected, list(seqs)

        kept, reference = Patrol.objects.get(pk=patrol.pk), rebuilt(patrol)
        assert (kept.point_count, kept.last_seq) == (reference.point_count, reference.last_seq)
        assert (kept.track and kept.track.coords) == (reference.track and reference.track.coords)
        assert kept.distance_m == pytest.approx(reference.distance_m, abs=1e-6)


def test_the_standing_still_point_at_the_joint_stays_on_the_track(patrol, actors):
    services.patrol_points_add(patrol_id=patrol.pk, worker=actors.grid_worker, points=batch(range(0, 5)))
    services.patrol_points_add(patrol_id=patrol.pk, worker=actors.grid_worker, points=batch(range(5, 10)))

    track = Patrol.objects.get(pk=patrol.pk).track
    assert len(track.coords) == 10 and track.coords[4] == track.coords[5]


def test_a_batch_costs_three_statements_and_a_batch_sent_again_two(patrol, actors, django_assert_num_queries):
    services.patrol_points_add(patrol_id=patrol.pk, worker=actors.grid_worker, points=batch(range(0, 5)))

    # The savepoint and its release (the test's transaction), the lock, the insert, the append.
    with django_assert_num_queries(5):
        services.patrol_points_add(patrol_id=patrol.pk, worker=actors.grid_worker, points=batch(range(5, 10)))
    # The same without the append: nothing new was stored.
    with django_assert_num_queries(4):
        kept = services.patrol_points_add(patrol_id=patrol.pk, worker=actors.grid_worker, points=batch(range(5, 10)))
    assert (kept.point_count, kept.last_seq) == (10, 9)



def test_a_batch_through_the_api_reads_the_patrol_once_for_access(api, actors, patrol, django_assert_num_queries):
    url = reverse("api:patrol-points", args=[patrol.pk])
    body = {"points": [{"seq": point.seq, "lng": point.longitude, "lat": point.latitude,
                        "recorded_at": point.recorded_at.isoformat()} for point in batch(range(0, 5))]}
    client = api(actors.grid_worker)
    client.post(url, body, format="json")
    body["points"] = [{**fix, "seq": fix["seq"] + 5} for fix in body["points"]]

    # The patrol's id among those the worker may see (no track, no grid), then the service's five.
    with django_assert_num_queries(6) as queries:
        answer = client.post(url, body, format="json")
    assert answer.status_code == 200 and answer.data["point_count"] == 10
    assert "track" not in queries.captured_queries[0]["sql"]
