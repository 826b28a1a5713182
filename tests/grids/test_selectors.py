import pytest
from django.contrib.gis.geos import Point

from grids.coords import GCJ02, wgs84_point, wgs84_to_gcj02
from grids.models import Area
from grids.selectors import PointOutsideGrids, grid_locate, grid_locate_many


def test_interior_point_finds_its_grid_and_the_whole_chain(tree):
    location = grid_locate(Point(113.705, 23.005, srid=4326))
    assert location.grid == tree.grids[0]
    assert [area.code for area in location.chain] == [
        "441901001001001", "441901001001", "441901001", "441901", "441900",
    ]
    assert location.at(Area.Level.STREET) == tree.west_street


def test_point_on_a_shared_edge_resolves_to_the_lowest_code(tree):
    # x = 113.71 is the edge between the west street's two grids.
    assert grid_locate(Point(113.71, 23.005, srid=4326)).grid == tree.grids[0]
    # x = 113.72 is the edge between two streets: the west one's code is lower.
    assert grid_locate(Point(113.72, 23.005, srid=4326)).grid == tree.grids[1]


def test_point_on_a_shared_vertex_resolves_deterministically(tree):
    corner = Point(113.72, 23.01, srid=4326)  # a corner of grids[1] and grids[2]
    assert {grid_locate(corner).grid.code for _ in range(5)} == {tree.grids[1].code}


def test_point_on_the_outer_boundary_still_belongs_to_a_grid(tree):
    assert grid_locate(Point(113.74, 23.005, srid=4326)).grid == tree.grids[3]


def test_point_outside_every_grid_is_an_error(tree):
    with pytest.raises(PointOutsideGrids):
        grid_locate(Point(113.745, 23.005, srid=4326))  # inside the city, in no grid
    with pytest.raises(PointOutsideGrids):
        grid_locate(Point(0, 0, srid=4326))


def test_gcj02_input_is_converted_before_locating(tree):
    gcj_lng, gcj_lat = wgs84_to_gcj02(113.715, 23.005)  # in the west street's second grid
    # Taken as WGS-84, the GCJ-02 coordinates land ~500 m east, in the east street.
    assert grid_locate(Point(gcj_lng, gcj_lat, srid=4326)).grid == tree.grids[2]
    assert grid_locate(wgs84_point(lng=gcj_lng, lat=gcj_lat, crs=GCJ02)).grid == tree.grids[1]


def test_located_areas_load_their_boundary_on_access(tree):
    location = grid_locate(Point(113.705, 23.005, srid=4326))
    assert location.grid.geom.equals(tree.grids[0].geom)
    assert location.chain[-1].parent is None
    assert location.grid.parent.parent == tree.west_street


def test_many_points_are_located_in_one_query_like_one_by_one(tree, django_assert_num_queries):
    points = [
        Point(113.705, 23.005, srid=4326),  # interior
        Point(113.745, 23.005, srid=4326),  # in no grid
        Point(113.72, 23.01, srid=4326),  # a vertex shared by two grids
        Point(113.71, 23.005, srid=4326),  # a shared edge
        Point(113.705, 23.005, srid=4326),  # the first point again
    ]
    with django_assert_num_queries(1):
        located = grid_locate_many(points)
    assert [location and [area.code for area in location.chain] for location in located] == [
        [area.code for area in grid_locate(point).chain] if index != 1 else None
        for index, point in enumerate(points)
    ]
    assert located[2].grid == tree.grids[1] and located[3].grid == tree.grids[0]
    assert grid_locate_many([]) == []
