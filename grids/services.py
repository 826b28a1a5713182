"""Writes to the area tree: the validated all-or-nothing import; its commit queues the statistics roll-up."""

from dataclasses import dataclass, field

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Polygon
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Area, validate_area
from .tasks import refresh_area_statistics

DUPLICATE_CODE = gettext_lazy("Duplicate code %(code)s (first seen at feature %(first)s).")
UNKNOWN_PARENT = gettext_lazy("Unknown parent %(parent)s: it is neither in the file nor in the database.")
MISSING_PROPERTY = gettext_lazy("Missing property %(name)s.")
UNKNOWN_LEVEL = gettext_lazy("Unknown level %(level)s.")
NOT_A_POLYGON = gettext_lazy("Geometry is a %(type)s, not a (multi)polygon.")
EXISTING_CHILD_OUTSIDE = gettext_lazy("The new boundary leaves existing child %(child)s outside.")


@dataclass
class AreaFeature:
    """One area read from an import file, before validation."""

    index: int
    code: str
    name: str
    level: str
    parent_code: str | None
    geom: GEOSGeometry | None
    grid_kind: str = ""


@dataclass
class ImportReport:
    """What an import found wrong (nothing is stored then) or what it stored."""

    errors: list = field(default_factory=list)
    created: int = 0
    updated: int = 0

    def add_error(self, index, code, message):
        self.errors.append((index, code, message))


def level_from_code(code):
    """Return the level a code's length implies (six digits ending in 0000: a province; in 00: a city)."""
    by_length = {15: Area.Level.GRID, 12: Area.Level.COMMUNITY, 9: Area.Level.STREET}
    if len(code) == 6:
        return next(level for level in (Area.Level.PROVINCE, Area.Level.CITY, Area.Level.DISTRICT)
                    if code.endswith(Area.CODE_SUFFIX.get(level, "")))
    return by_length.get(len(code))


def parent_code_from_code(code, level, *, provinces=frozenset()):
    """Return the parent's code that the hierarchical code implies, None for a root.

    A city belongs to the province its first two digits name when that province is among
    `provinces` (the codes known); otherwise it is a root, as in an installation of one city.
    """
    if level == Area.Level.CITY:
        province = code[: Area.SCOPE_PREFIX_LENGTH[Area.Level.PROVINCE]] + Area.CODE_SUFFIX[Area.Level.PROVINCE]
        return province if province in provinces else None
    return {
        Area.Level.PROVINCE: None,
        Area.Level.DISTRICT: code[:4] + "00",
        Area.Level.STREET: code[:6],
        Area.Level.COMMUNITY: code[:9],
        Area.Level.GRID: code[:12],
    }[level]


def as_multipolygon(geom):
    """Return `geom` as a WGS-84 MultiPolygon, or None when it is no (multi)polygon."""
    if geom.srid and geom.srid != 4326:
        geom = geom.transform(4326, clone=True)
    if isinstance(geom, Polygon):
        geom = MultiPolygon(geom, srid=4326)
    if not isinstance(geom, MultiPolygon):
        return None
    geom.srid = 4326
    return geom


def areas_import(features, *, progress=lambda iterable, **kwargs: iterable):
    """Validate every feature, then upsert all of them by code in one transaction.

    Returns an ImportReport; when it has errors nothing was written. `progress` wraps the
    iterations (a tqdm-like callable) so a command can show a progress bar.
    Steps: 1. per-feature checks; 2. duplicates; 3. parents from the file or the database;
    4. tree rules (level, code prefix, child inside parent); 5. existing children still inside
    an updated boundary; 6. upsert top-down.
    """
    report = ImportReport()
    by_code = {}
    for feature in progress(features, desc=_("Validating")):
        if not _check_feature(feature, report):
            continue
        if feature.code in by_code:
            report.add_error(
                feature.index, feature.code,
                DUPLICATE_CODE % {"code": feature.code, "first": by_code[feature.code].index},
            )
            continue
        by_code[feature.code] = feature

    existing = {area.code: area for area in Area.objects.filter(code__in=_all_codes(by_code.values()))}
    planned = {}  # code -> unsaved Area carrying the new values, so children validate against it
    for feature in sorted(by_code.values(), key=lambda f: Area.LEVEL_ORDER.index(f.level)):
        parent = planned.get(feature.parent_code) or existing.get(feature.parent_code)
        if feature.parent_code and parent is None:
            report.add_error(feature.index, feature.code, UNKNOWN_PARENT % {"parent": feature.parent_code})
            continue
        errors = validate_area(
            code=feature.code, level=feature.level, geom=feature.geom, parent=parent, grid_kind=feature.grid_kind
        )
        for messages in errors.values():
            for message in messages:
                report.add_error(feature.index, feature.code, str(message))
        if not errors:
            planned[feature.code] = Area(
                code=feature.code, name=feature.name, level=feature.level, parent=parent,
                geom=feature.geom, grid_kind=feature.grid_kind,
            )
    _check_existing_children(planned, existing, by_code, report)
    if report.errors:
        report.errors.sort()
        return report

    saved = {}  # code -> stored Area, so children link to the row their parent became
    with transaction.atomic():
        for level in Area.LEVEL_ORDER:
            rows = [area for area in planned.values() if area.level == level]
            for area in progress(rows, desc=str(Area.Level(level).label)):
                parent = saved.get(area.parent.code, area.parent) if area.parent else None
                saved[area.code], created = Area.objects.update_or_create(
                    code=area.code,
                    defaults={
                        "name": area.name, "level": area.level, "parent": parent,
                        "geom": area.geom, "grid_kind": area.grid_kind,
                    },
                )
                report.created += created
                report.updated += not created
        transaction.on_commit(refresh_area_statistics.delay)
    return report


def _check_feature(feature, report):
    for name in ("code", "name", "level"):
        if not getattr(feature, name):
            report.add_error(feature.index, feature.code or "?", MISSING_PROPERTY % {"name": name})
            return False
    if feature.level not in Area.Level.values:
        report.add_error(feature.index, feature.code, UNKNOWN_LEVEL % {"level": feature.level})
        return False
    if feature.geom is None:
        report.add_error(feature.index, feature.code, MISSING_PROPERTY % {"name": "geometry"})
        return False
    geom = as_multipolygon(feature.geom)
    if geom is None:
        report.add_error(feature.index, feature.code, NOT_A_POLYGON % {"type": feature.geom.geom_type})
        return False
    feature.geom = geom
    return True


def _all_codes(features):
    codes = set()
    for feature in features:
        codes.add(feature.code)
        if feature.parent_code:
            codes.add(feature.parent_code)
    return codes


def _check_existing_children(planned, existing, by_code, report):
    """An updated boundary must still hold the stored children that the file does not replace."""
    for code in planned.keys() & existing.keys():
        stored, new = existing[code], planned[code]
        if stored.geom.equals_exact(new.geom):
            continue
        for child in stored.children.exclude(code__in=by_code.keys()).only("code", "geom"):
            if not child.geom.difference(new.geom).area <= 1e-6 * child.geom.area:
                report.add_error(by_code[code].index, code, EXISTING_CHILD_OUTSIDE % {"child": child.code})
