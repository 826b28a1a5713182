"""manage.py import_components FILE: load city components from GeoJSON or CSV, all or nothing."""

import csv
from pathlib import Path

from django.contrib.gis.gdal import DataSource, GDALException
from django.contrib.gis.geos import Point
from django.core.management.base import BaseCommand, CommandError

from components.models import Component
from components.services import IMPORT_FIELDS, ComponentRow, components_import


class Command(BaseCommand):
    help = (
        "Import city components from GeoJSON (point features) or CSV (columns lng, lat in WGS-84). Each one "
        "needs `code` (16 digits: district, major class, minor class, sequence) and `owner_unit` (a handling "
        "unit's code); `name`, `address` and `state` (good/damaged/lost/occupied/scrapped, good by default) "
        "are optional. Components are upserted by code in one transaction: if any row is invalid, nothing "
        "is stored."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="GeoJSON (.geojson/.json) or CSV (.csv, UTF-8)")

    def handle(self, *args, file, **options):
        rows = list(read_csv(file) if Path(file).suffix.lower() == ".csv" else read_geojson(file))
        report = components_import(rows)
        if report.errors:
            for index, code, message in report.errors:
                self.stderr.write(f"row {index} ({code}): {message}")
            raise CommandError(f"{len(report.errors)} error(s) in {file}; nothing was imported.")
        self.stdout.write(self.style.SUCCESS(
            f"Imported {len(rows)} components: {report.created} created, {report.updated} updated."))


def _row(index, values, location):
    values = {name: str(values.get(name) or "").strip() for name in IMPORT_FIELDS}
    return ComponentRow(index=index, location=location, **{**values, "state": values["state"] or Component.State.GOOD})


def read_geojson(path):
    """Yield a ComponentRow for every feature of the file's first layer (a point in WGS-84)."""
    try:
        layer = DataSource(path)[0]
    except (GDALException, IndexError) as exc:
        raise CommandError(f"Cannot read {path}: {exc}") from None
    for index, feature in enumerate(layer):
        values = {name: feature.get(name) for name in IMPORT_FIELDS if name in layer.fields}
        try:
            geom = feature.geom.geos
        except (GDALException, ValueError):
            geom = None
        if geom is not None and geom.srid and geom.srid != 4326:
            geom = geom.transform(4326, clone=True)
        yield _row(index, values, geom if isinstance(geom, Point) else None)


def read_csv(path):
    """Yield a ComponentRow for every line of the CSV file (header: code, owner_unit, lng, lat, …); rows count
    from 0 after the header, like features."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            lines = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"Cannot read {path}: {exc}") from None
    for index, values in enumerate(lines):
        yield _row(index, values, _point(values.get("lng"), values.get("lat")))


def _point(lng, lat):
    """Return the WGS-84 point of the two strings, or None unless both are numbers in range."""
    try:
        x, y = float(lng), float(lat)
    except (TypeError, ValueError):
        return None
    return Point(x, y, srid=4326) if -180 <= x <= 180 and -90 <= y <= 90 else None
