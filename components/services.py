"""Writes of city components: the all-or-nothing import, and the fault a work order reports."""

from dataclasses import dataclass, field

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import HandlingUnit
from grids.selectors import grid_locate_many

from .models import GRID_OUTSIDE_DISTRICT, Component, ComponentStateChange, TicketComponent, code_parts_check

DUPLICATE_CODE = _("Duplicate code %(code)s (first seen at row %(first)s).")
MISSING_VALUE = _("Missing %(name)s.")
UNKNOWN_STATE = _("Unknown state %(state)s; use one of %(states)s.")
UNKNOWN_OWNER = _("No active handling unit has the code %(unit)s.")
OUTSIDE_GRIDS = _("The place lies in no grid.")
IMPORT_FIELDS = ("code", "name", "state", "owner_unit", "address")


@dataclass
class ComponentRow:
    """One component read from an import file, before validation."""

    index: int
    code: str
    owner_unit: str
    location: Point | None
    name: str = ""
    state: str = Component.State.GOOD
    address: str = ""


@dataclass
class ImportReport:
    """What an import found wrong (nothing is stored then) or what it stored."""

    errors: list = field(default_factory=list)
    created: int = 0
    updated: int = 0

    def add_error(self, index, code, message):
        self.errors.append((index, code, str(message)))


def components_import(rows):
    """Validate every row, then upsert all of them by code in one statement; return an ImportReport.

    When the report has errors nothing was written. Steps: 1. per-row checks (code, state, owner,
    place); 2. duplicates within the file; 3. each place located in a grid of the code's district, all
    points in one query; 4. insert or update by code.
    """
    report = ImportReport()
    owners = {unit.code: unit for unit in HandlingUnit.objects.filter(
        code__in={row.owner_unit for row in rows}, is_active=True)}
    checked, first_index = [], {}
    for row in rows:
        kind = _row_check(row, owners, report)
        if kind is None:
            continue
        if row.code in first_index:
            report.add_error(row.index, row.code, DUPLICATE_CODE % {"code": row.code, "first": first_index[row.code]})
            continue
        first_index[row.code] = row.index
        checked.append((row, kind))
    places = grid_locate_many([row.location for row, _kind in checked])
    components = []
    for (row, kind), place in zip(checked, places):
        if place is None:
            report.add_error(row.index, row.code, OUTSIDE_GRIDS)
        elif not place.grid.code.startswith(row.code[:6]):
            report.add_error(row.index, row.code,
                             GRID_OUTSIDE_DISTRICT % {"grid": place.grid.code, "district": row.code[:6]})
        else:
            components.append(Component(
                code=row.code, kind=kind, name=row.name, address=row.address, owner_unit=owners[row.owner_unit],
                state=row.state, location=row.location, grid=place.grid, area_code=place.grid.code))
    if report.errors:
        report.errors.sort()
        return report
    with transaction.atomic():
        existing = set(Component.objects.filter(code__in=first_index).values_list("code", flat=True))
        Component.objects.bulk_create(
            components, update_conflicts=True, unique_fields=["code"],
            update_fields=["kind", "name", "address", "owner_unit", "state", "location", "grid", "area_code",
                           "updated_at"])
    report.updated = len(existing)
    report.created = len(components) - report.updated
    return report


def _row_check(row, owners, report):
    """Return the row's minor class, or None after adding its errors to `report`."""
    for name in ("code", "owner_unit"):
        if not getattr(row, name):
            report.add_error(row.index, row.code or "?", MISSING_VALUE % {"name": name})
            return None
    if row.location is None:
        report.add_error(row.index, row.code, MISSING_VALUE % {"name": "location"})
        return None
    try:
        _district, kind = code_parts_check(row.code)
    except ValidationError as error:
        report.add_error(row.index, row.code, error.messages[0])
        return None
    if row.state not in Component.State.values:
        report.add_error(row.index, row.code,
                         UNKNOWN_STATE % {"state": row.state, "states": ", ".join(Component.State.values)})
        return None
    if row.owner_unit not in owners:
        report.add_error(row.index, row.code, UNKNOWN_OWNER % {"unit": row.owner_unit})
        return None
    return kind


def component_fault_record(*, ticket, component, damaged=False, actor=None):
    """Record that `ticket` is about `component` (the router gives it to the owner unit); with `damaged`,
    mark the component damaged unless it is already, writing the state change.

    Called inside the ticket's creating transaction, so the router never sees the ticket without it.
    """
    TicketComponent.objects.create(ticket=ticket, component=component, reported_damaged=damaged)
    if damaged:
        component_state_set(component=component, state=Component.State.DAMAGED, ticket=ticket, actor=actor)


def component_state_set(*, component, state, ticket=None, actor=None):
    """Set `component`'s state and write the change; return whether it changed.

    A conditional UPDATE on the state read, so two reports at once write one change, not two.
    """
    before = Component.objects.filter(pk=component.pk).values_list("state", flat=True).get()
    if before == state:
        return False
    if not Component.objects.filter(pk=component.pk, state=before).update(state=state):
        return False
    ComponentStateChange.objects.create(component=component, from_state=before, to_state=state, ticket=ticket,
                                        actor=actor)
    component.state = state
    return True
