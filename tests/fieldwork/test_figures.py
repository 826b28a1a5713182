"""Patrol figures: per worker and grid, the share of each grid covered by tracks (checked against GEOS
in a metric projection), work orders found on patrol against other sources, today's tracks; who may read them."""

from datetime import timedelta

import pytest
from django.contrib.gis.geos import LineString
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from fieldwork import selectors, services
from govportal.periods import Period
from incidents.models import Ticket
from tests.factories import TicketFactory

from .conftest import WALK, track_points

pytestmark = [pytest.mark.django_db, pytest.mark.dated]  # "today" read from the clock: also on the chosen days

UTM_49N = 32649  # the UTM zone of 113.7° E


def today():
    return Period(timezone.localdate(), timezone.localdate())


def walked(actors, catalogue=None):
    patrol = services.patrol_start(worker=actors.grid_worker)
    services.patrol_points_add(patrol_id=patrol.pk, worker=actors.grid_worker, points=track_points(WALK))
    if catalogue:
        category = next(c for c in catalogue.values() if c.parent_id)
        services.patrol_problem_report(patrol_id=patrol.pk, worker=actors.grid_worker, category=category,
                                       description="井盖缺失", location=patrol.grid.geom.point_on_surface)
    return services.patrol_end(patrol_id=patrol.pk, actor=actors.grid_worker)


def test_coverage_is_the_buffered_track_within_the_grid_over_its_area(actors, tree):
    walked(actors)

    coverage = {code: share for code, _name, share in selectors.grid_coverage(area=tree.west_street, period=today())}

    grid = tree.grids[0].geom.transform(UTM_49N, clone=True)
    swept = LineString(WALK, srid=4326).transform(UTM_49N, clone=True).buffer(selectors.SWEEP_METRES)
    expected = swept.intersection(grid).area / grid.area
    assert coverage == {tree.grids[0].code: pytest.approx(expected, rel=1e-3), tree.grids[1].code: 0}
    assert 0.015 < expected < 0.025  # ~410 m × 50 m of a ~1.1 km² grid


def test_figures_per_worker_and_sources(actors, tree, catalogue):
    walked(actors, catalogue)
    TicketFactory(category=next(c for c in catalogue.values() if c.parent_id), grid=tree.grids[0],
                  area_code=tree.grids[0].code, sign_minutes=60, handle_minutes=60, verify_minutes=60)

    [row] = selectors.patrol_figures(area=tree.west_community, period=today())
    assert (row["grid"], row["patrols"], row["problems"]) == (tree.grids[0].code, 1, 1)
    assert row["km"] == pytest.approx(0.41, abs=0.01)
    assert selectors.report_sources(area=tree.west_street, period=today()) == {
        Ticket.Source.GRID_WORKER: {"total": 2, "on_patrol": 1}}


def test_a_period_before_the_patrol_counts_nothing(actors, tree):
    walked(actors)
    yesterday = timezone.localdate() - timedelta(days=1)

    assert selectors.patrol_figures(area=tree.west_street, period=Period(yesterday, yesterday)) == []


def test_who_reads_the_figures(api, actors, tree):
    walked(actors)
    url = reverse("api:patrol-figures")

    mine = api(actors.street_coordinator).get(url)
    assert mine.status_code == 200 and mine.data["area"] == tree.west_street.code
    assert [row["grid"] for row in mine.data["workers"]] == [tree.grids[0].code]
    assert api(actors.outsider).get(url).data["workers"] == []  # the other street: none of ours
    assert api(actors.outsider).get(url, {"area": tree.west_street.code}).status_code == 404
    assert api(actors.grid_worker).get(url).status_code == 403
    assert api(actors.department_handler).get(url).status_code == 403
    assert api(actors.leader).get(url, {"start": "2026-02-30"}).status_code == 400
    with pytest.raises(PermissionDenied):
        selectors.figures_area(user=actors.grid_worker)


def test_todays_tracks_as_geojson(api, actors, tree, client):
    patrol = walked(actors)

    tracks = api(actors.leader).get(reverse("api:patrol-tracks")).data
    assert [feature["properties"]["patrol"] for feature in tracks["features"]] == [patrol.pk]
    assert tracks["features"][0]["geometry"]["type"] == "LineString"
    client.force_login(actors.community_staff)
    page = client.get(reverse("patrol-figures"))
    assert page.status_code == 200 and tree.grids[0].name in page.content.decode()
