import pytest

from grids.coords import GCJ02, gcj02_to_wgs84, wgs84_point, wgs84_to_gcj02

# (wgs_lat, wgs_lng, gcj_lat, gcj_lng), the published reference pairs of the GCJ-02 formula.
REFERENCE = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),  # Shanghai
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),  # Shenzhen
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),  # Beijing
]


@pytest.mark.parametrize(("wgs_lat", "wgs_lng", "gcj_lat", "gcj_lng"), REFERENCE)
def test_wgs84_to_gcj02_matches_reference(wgs_lat, wgs_lng, gcj_lat, gcj_lng):
    lng, lat = wgs84_to_gcj02(wgs_lng, wgs_lat)
    assert lng == pytest.approx(gcj_lng, abs=1e-9)
    assert lat == pytest.approx(gcj_lat, abs=1e-9)


@pytest.mark.parametrize(("wgs_lat", "wgs_lng", "gcj_lat", "gcj_lng"), REFERENCE)
def test_gcj02_to_wgs84_inverts_to_below_a_millimetre(wgs_lat, wgs_lng, gcj_lat, gcj_lng):
    lng, lat = gcj02_to_wgs84(gcj_lng, gcj_lat)
    assert lng == pytest.approx(wgs_lng, abs=1e-8)
    assert lat == pytest.approx(wgs_lat, abs=1e-8)


def test_points_outside_china_are_not_shifted():
    assert wgs84_to_gcj02(2.35, 48.85) == (2.35, 48.85)
    assert gcj02_to_wgs84(2.35, 48.85) == (2.35, 48.85)


def test_wgs84_point_converts_gcj02_input():
    point = wgs84_point(lng=113.9171764808363, lat=22.540796131694766, crs=GCJ02)
    assert point.srid == 4326
    assert (point.x, point.y) == pytest.approx((113.912316, 22.543847), abs=1e-8)


def test_wgs84_point_refuses_an_unknown_crs():
    with pytest.raises(ValueError, match="bd09"):
        wgs84_point(lng=113.9, lat=22.5, crs="bd09")
