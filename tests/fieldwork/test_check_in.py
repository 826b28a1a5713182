"""The daily check-in: inside the worker's grid or within the tolerance of its edge, once a day."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from fieldwork import services
from fieldwork.models import CheckIn
from fieldwork.workflow import PatrolInputError

pytestmark = pytest.mark.django_db

# The first grid's east edge is 113.71 E; at 23° N, 0.0001° of longitude is about 10.2 m.
INSIDE = Point(113.705, 23.005, srid=4326)
JUST_OUTSIDE = Point(113.7103, 23.005, srid=4326)  # ~31 m east of the edge
FAR_OUTSIDE = Point(113.7150, 23.005, srid=4326)  # ~513 m east, inside the neighbouring grid
CST = ZoneInfo("Asia/Shanghai")


def test_a_check_in_inside_the_grid(actors, tree):
    check_in, created = services.check_in(worker=actors.grid_worker, location=INSIDE, accuracy_m=12)

    assert created and (check_in.grid, check_in.area_code) == (tree.grids[0], tree.grids[0].code)


def test_within_the_tolerance_of_the_edge_counts(actors, settings):
    settings.FIELDWORK_CHECK_IN_TOLERANCE_M = 50
    assert services.check_in(worker=actors.grid_worker, location=JUST_OUTSIDE)[1]


def test_outside_the_tolerance_is_refused_naming_the_distance(actors, settings):
    settings.FIELDWORK_CHECK_IN_TOLERANCE_M = 20
    with pytest.raises(PatrolInputError) as refused:
        services.check_in(worker=actors.grid_worker, location=JUST_OUTSIDE)

    assert str(refused.value) == services.OUTSIDE_GRID % {"distance": 31, "grid": "西社区第1网格"}
    assert refused.value.field == "location" and not CheckIn.objects.exists()


def test_once_a_day(actors):
    with time_machine.travel(datetime(2026, 12, 1, 8, 0, tzinfo=CST), tick=False):
        first, _ = services.check_in(worker=actors.grid_worker, location=INSIDE)
        again, created = services.check_in(worker=actors.grid_worker, location=INSIDE)
    with time_machine.travel(datetime(2026, 12, 2, 8, 0, tzinfo=CST), tick=False):
        next_day, next_created = services.check_in(worker=actors.grid_worker, location=INSIDE)

    assert (again.pk, created) == (first.pk, False)
    assert next_created and next_day.day.isoformat() == "2026-12-02"


def test_only_grid_workers_check_in(actors):
    with pytest.raises(PermissionDenied):
        services.check_in(worker=actors.community_staff, location=INSIDE)


def test_the_api_answers_400_with_the_refusal_on_location(api, actors):
    url = reverse("api:check-in")
    refused = api(actors.grid_worker).post(url, {"lat": 23.005, "lng": 113.715}, format="json")
    assert refused.status_code == 400
    assert refused.data["extra"]["fields"]["location"] == [
        services.OUTSIDE_GRID % {"distance": 513, "grid": "西社区第1网格"}]

    done = api(actors.grid_worker).post(url, {"lat": 23.005, "lng": 113.705, "accuracy": 9}, format="json")
    assert (done.status_code, done.data["grid_name"]) == (201, "西社区第1网格")
    assert api(actors.grid_worker).post(url, {"lat": 23.005, "lng": 113.705}, format="json").status_code == 200
    assert api(actors.grid_worker).post(url, {"lat": 95, "lng": 113.705}, format="json").status_code == 400
