"""A patrol of the test tree's grid worker in the west community's first grid (113.70–113.71 E, 23.00–23.01 N)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from fieldwork import services
from fieldwork.services import TrackPoint

# Inside the first grid, a walk eastwards of about 100 m per step.
WALK = [(round(113.7010 + 0.001 * step, 4), 23.005) for step in range(5)]


def track_points(coordinates, *, first_seq=0, start=None):
    """Return TrackPoints along `coordinates`, numbered from `first_seq`, ten seconds apart."""
    start = start or timezone.now() - timedelta(minutes=5)
    return [TrackPoint(seq=first_seq + n, longitude=lng, latitude=lat, recorded_at=start + timedelta(seconds=10 * n))
            for n, (lng, lat) in enumerate(coordinates)]


@pytest.fixture
def patrol(actors):
    return services.patrol_start(worker=actors.grid_worker)
