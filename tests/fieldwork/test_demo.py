"""The demo city's field work: a week of the demo grid worker's patrols, covering more of the grid each day."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from fieldwork.demo import DAYS, demo_fieldwork_create
from fieldwork.models import CheckIn, Patrol
from fieldwork.selectors import grid_coverage
from govportal.periods import Period

pytestmark = [pytest.mark.django_db, pytest.mark.dated]  # "today" read from the clock: also on the chosen days


def test_a_week_of_patrols_inside_the_grid_once(db):
    call_command("seed_demo", grids=90, history_days=0)

    patrols = list(Patrol.objects.order_by("started_at"))
    assert len(patrols) == CheckIn.objects.count() == DAYS
    assert all(patrol.track and patrol.grid.geom.covers(patrol.track) for patrol in patrols)
    assert [p.distance_m < q.distance_m for p, q in zip(patrols, patrols[1:])] == [True] * (DAYS - 1)
    week = Period(timezone.localdate() - timedelta(days=DAYS), timezone.localdate())
    shares = {code: share for code, _name, share in grid_coverage(area=patrols[0].grid, period=week)}
    assert 0.5 < shares[patrols[0].grid.code] <= 1
    assert demo_fieldwork_create() is False
