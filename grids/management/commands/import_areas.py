"""manage.py import_areas FILE: load areas from GeoJSON or a Shapefile, all or nothing."""

from django.contrib.gis.gdal import DataSource, GDALException
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from grids.models import Area
from grids.services import AreaFeature, areas_import, level_from_code, parent_code_from_code


class Command(BaseCommand):
    help = (
        "Import areas from a GeoJSON file or Shapefile (any format GDAL reads). Each feature needs "
        "`code` and `name`; `level` and `parent_code` are derived from the code when absent; "
        "`grid_kind` (general/dedicated) is optional. Areas are upserted by code in one transaction: "
        "if any feature is invalid, nothing is stored."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="GeoJSON (.geojson/.json) or Shapefile (.shp)")
        parser.add_argument("--no-progress", action="store_true", help="do not show progress bars")

    def handle(self, *args, file, no_progress, **options):
        features = read_features(file)
        progress = _quiet if no_progress else _bar(self.stderr)
        report = areas_import(features, progress=progress)
        if report.errors:
            for index, code, message in report.errors:
                self.stderr.write(f"feature {index} ({code}): {message}")
            raise CommandError(f"{len(report.errors)} error(s) in {file}; nothing was imported.")
        self.stdout.write(
            self.style.SUCCESS(f"Imported {len(features)} areas: {report.created} created, {report.updated} updated.")
        )


def read_features(path):
    """Return an AreaFeature for every feature of the file's first layer.

    A city without a `parent_code` goes under the province its code names when that province is
    in the file or already stored, else it is a root.
    """
    rows = list(_read_rows(path))
    provinces = {row["code"] for row in rows if row["level"] == Area.Level.PROVINCE}
    provinces |= set(Area.objects.filter(level=Area.Level.PROVINCE).values_list("code", flat=True))
    return [
        AreaFeature(
            index=row["index"],
            code=row["code"],
            name=row["name"],
            level=row["level"],
            parent_code=row["parent_code"] or (
                parent_code_from_code(row["code"], row["level"], provinces=provinces)
                if row["level"] in Area.Level.values else None
            ),
            geom=row["geom"],
            grid_kind=row["grid_kind"],
        )
        for row in rows
    ]


def _read_rows(path):
    """Yield the values of every feature of the file's first layer, the level derived from the code when absent."""
    try:
        layer = DataSource(path)[0]
    except (GDALException, IndexError) as exc:
        raise CommandError(f"Cannot read {path}: {exc}") from None
    # Shapefile (dBase) field names stop at 10 characters: parent_code arrives as parent_cod.
    fields = {name[:10]: name for name in layer.fields}
    for index, feature in enumerate(layer):
        values = {
            name: feature.get(fields[name[:10]]) if name[:10] in fields else None
            for name in ("code", "name", "level", "parent_code", "grid_kind")
        }
        code = str(values["code"] or "").strip()
        try:
            geom = feature.geom.geos
        except (GDALException, ValueError):
            geom = None
        yield {
            "index": index,
            "code": code,
            "name": str(values["name"] or "").strip(),
            "level": (values["level"] or level_from_code(code) or "").strip(),
            "parent_code": str(values["parent_code"]).strip() if values["parent_code"] else None,
            "geom": geom,
            "grid_kind": (values["grid_kind"] or "").strip(),
        }


def _quiet(iterable, **kwargs):
    return iterable


def _bar(stream):
    def progress(iterable, desc=""):
        return tqdm(iterable, desc=desc, file=stream, unit=" areas", leave=False)

    return progress
