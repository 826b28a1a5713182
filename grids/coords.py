"""Coordinate systems of Chinese phone maps: convert GCJ-02 input to WGS-84 before storage.

GPS gives WGS-84; AMap and Tencent SDKs give GCJ-02, an obfuscated datum offset by tens to
hundreds of metres inside China (domain.md §7). The forward formula is the published one;
the inverse has no closed form, so it is found by fixed-point iteration to below a millimetre.
"""

import math

from django.contrib.gis.geos import Point

WGS84 = "wgs84"
GCJ02 = "gcj02"
SUPPORTED_CRS = (WGS84, GCJ02)

_KRASOVSKY_A = 6378245.0
_KRASOVSKY_EE = 0.00669342162296594323
_INVERSE_TOLERANCE_DEGREES = 1e-9


def out_of_china(lng, lat):
    """Return whether the point lies outside the box where GCJ-02 applies an offset."""
    return not (72.004 <= lng <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _offset(lng, lat):
    x, y = lng - 105.0, lat - 35.0
    shared = (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    d_lat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x)) + shared
    d_lat += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    d_lat += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    d_lng = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x)) + shared
    d_lng += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    d_lng += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    rad_lat = lat / 180.0 * math.pi
    magic = 1 - _KRASOVSKY_EE * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_KRASOVSKY_A * (1 - _KRASOVSKY_EE)) / (magic * sqrt_magic) * math.pi)
    d_lng = (d_lng * 180.0) / (_KRASOVSKY_A / sqrt_magic * math.cos(rad_lat) * math.pi)
    return d_lng, d_lat


def wgs84_to_gcj02(lng, lat):
    """Return the GCJ-02 (lng, lat) of a WGS-84 point."""
    if out_of_china(lng, lat):
        return lng, lat
    d_lng, d_lat = _offset(lng, lat)
    return lng + d_lng, lat + d_lat


def gcj02_to_wgs84(lng, lat):
    """Return the WGS-84 (lng, lat) of a GCJ-02 point, exact to below 1e-9 degrees."""
    if out_of_china(lng, lat):
        return lng, lat
    wgs_lng, wgs_lat = lng, lat
    for _ in range(30):
        gcj_lng, gcj_lat = wgs84_to_gcj02(wgs_lng, wgs_lat)
        error_lng, error_lat = gcj_lng - lng, gcj_lat - lat
        if abs(error_lng) < _INVERSE_TOLERANCE_DEGREES and abs(error_lat) < _INVERSE_TOLERANCE_DEGREES:
            break
        wgs_lng, wgs_lat = wgs_lng - error_lng, wgs_lat - error_lat
    return wgs_lng, wgs_lat


def wgs84_point(*, lng, lat, crs=WGS84):
    """Return a WGS-84 Point (SRID 4326) for input in `crs`; GCJ-02 is converted first."""
    if crs == GCJ02:
        lng, lat = gcj02_to_wgs84(lng, lat)
    elif crs != WGS84:
        raise ValueError(f"unsupported coordinate system {crs!r}")
    return Point(lng, lat, srid=4326)
