"""Reads of the dashboards, always from the rollups (never by scanning tickets) and within scope.

The figures' selectors read from the replica when one is configured (`@from_replica`); the scope
checks and the area lookups read the primary.
"""

from collections import defaultdict
from datetime import timedelta

from django.contrib.gis.db.models.functions import PointOnSurface
from django.core.exceptions import PermissionDenied
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.access import ensure_in_scope, scope_area
from accounts.models import HandlingUnit, User
from dispatch.selectors import objection_figures, override_counts
from govportal.periods import Period
from govportal.replicas import from_replica, reading_a_replica
from grids.models import Area, KeyPlace
from grids.selectors import root_area
from hotline.selectors import basically_factor, three_rates_for_area
from incidents.models import Category, Ticket
from incidents.selectors import ticket_list
from mediation.selectors import success_rate_for_area
from supervision.selectors import unit_supervision_rates

from .models import (
    ALL_CATEGORIES, AreaStatusCount, AreaStatusCountLive, AssessmentScheme, DailyFlow, DailyFlowLive, GridMonth,
    GridMonthLive, UnitDailyFlow, UnitDailyFlowLive,
)

VIEWER_ROLES = (User.Role.LEADER, User.Role.STREET_COORDINATOR, User.Role.COMMUNITY_STAFF)
NOT_A_VIEWER = _("Dashboards are for leaders, street coordinators and community staff.")
NO_AREA = _("No area is loaded yet.")
TOP_PLACES = 10
# Risk sources (风险源) on the map: key places of these kinds or rated high risk.
RISK_SOURCE_KINDS = (KeyPlace.Kind.HAZARDOUS, KeyPlace.Kind.CONSTRUCTION, KeyPlace.Kind.CROWDED)
MAP_PLACES_LIMIT = 2000
# Places are drawn one by one, so only from a street down (a city holds tens of thousands).
PLACE_LEVELS = (Area.Level.STREET, Area.Level.COMMUNITY, Area.Level.GRID)
FOLDED = {DailyFlowLive: DailyFlow, AreaStatusCountLive: AreaStatusCount, UnitDailyFlowLive: UnitDailyFlow,
          GridMonthLive: GridMonth}


def rollup(live):
    """Return the live view (the rollup plus the deltas not folded yet), or on a replica the rollup alone.

    The delta tables are UNLOGGED (dashboards/migrations/0004): never replicated, and a standby
    refuses to read them. A replica's figures therefore lag by up to one fold (fold_rollups).
    """
    return FOLDED[live] if reading_a_replica() else live


def rate(part, whole):
    """Return part / whole, or None when there is nothing to divide by."""
    return part / whole if whole else None


def satisfaction_rate(*, satisfied, basically_satisfied, rated, factor):
    """(satisfied + factor × basically satisfied) / rated, as the hotline's three rates count it (domain.md §4);
    `factor` is hotline.selectors.basically_factor(), read once per figure set by the callers."""
    return rate(satisfied + factor * basically_satisfied, rated)


# --- scope ---------------------------------------------------------------------------------


def dashboard_area(*, user, code=None):
    """Return the area whose dashboard `user` asks for: `code`, else their own area (a superuser: the top of the tree).

    PermissionDenied for a role without dashboards; Area.DoesNotExist for an unknown code or an
    area outside the user's scope (the same 404 for both).
    """
    if not (user.is_superuser or user.role in VIEWER_ROLES):
        raise PermissionDenied(NOT_A_VIEWER)
    if code is None:
        area = scope_area(user) or root_area()
        if area is None:
            raise Area.DoesNotExist(NO_AREA)
        return area
    area = Area.objects.select_related("parent").get(code=code)
    ensure_in_scope(user, area.code)
    return area


def breadcrumbs(*, user, area):
    """Return the chain from the user's own area down to `area` (the drill-down path)."""
    chain, node = [], area
    while node is not None:
        chain.append(node)
        if not user.is_superuser and node.pk == scope_area(user).pk:
            break
        node = node.parent
    return chain[::-1]


# --- figures of one area -------------------------------------------------------------------


def flow_rows(prefix_q, period, category=ALL_CATEGORIES):
    """Return the live flow rows of the areas in `prefix_q` over `period` (by default the all-category totals)."""
    return rollup(DailyFlowLive).objects.filter(prefix_q, category_id=category, day__gte=period.start,
                                                day__lte=period.end)


@from_replica
def flow_totals(*, prefix, period):
    """Return the flow measures of the area with scope prefix `prefix` summed over `period`."""
    sums = flow_rows(Q(prefix=prefix), period).aggregate(**{m: Sum(m) for m in DailyFlow.MEASURES})
    return {measure: value or 0 for measure, value in sums.items()}


@from_replica
def status_counts(*, prefix):
    """Return {status: (tickets, overdue tickets)} of the area now."""
    rows = (rollup(AreaStatusCountLive).objects.filter(prefix=prefix).values("status")
            .annotate(tickets=Sum("tickets"), overdue=Sum("overdue_tickets")))
    return {row["status"]: (row["tickets"], row["overdue"]) for row in rows}


def with_rates(flow, *, factor):
    """Return `flow` with its on-time, return and satisfaction rates (`factor`: see satisfaction_rate)."""
    return {
        **flow,
        "on_time_rate": rate(flow["closed_on_time"], flow["closed"]),
        "return_rate": rate(flow["returned"], flow["dispatched"]),
        "satisfaction_rate": satisfaction_rate(
            satisfied=flow["satisfied"], basically_satisfied=flow["basically_satisfied"], rated=flow["rated"],
            factor=factor,
        ),
    }


@from_replica
def area_summary(*, area, today=None):
    """Return the headline figures of `area`: today, this month, open now, and the partner apps' rates."""
    today = today or timezone.localdate()
    prefix, month = area.scope_prefix, Period.month_to_date(today)
    statuses, factor = status_counts(prefix=prefix), basically_factor()
    open_now = [statuses.get(status, (0, 0)) for status in Ticket.OPEN_STATUSES]
    return {
        "today": with_rates(flow_totals(prefix=prefix, period=Period(today, today)), factor=factor),
        "month": with_rates(flow_totals(prefix=prefix, period=month), factor=factor),
        "open_now": sum(tickets for tickets, _ in open_now),
        "overdue_open_now": sum(overdue for _, overdue in open_now),
        "hotline": three_rates_for_area(area_code=area.code, period=month),
        "mediation": success_rate_for_area(area_code=area.code, period=month),
    }


@from_replica
def daily_trend(*, area, period):
    """Return one row per day of `period` (days without tickets included): reported, closed, overdue."""
    rows = {
        row["day"]: row
        for row in flow_rows(Q(prefix=area.scope_prefix), period).values("day")
        .annotate(reported=Sum("reported"), closed=Sum("closed"), overdue=Sum("overdue"))
    }
    days = (period.start + timedelta(days=n) for n in range(period.days))
    return [rows.get(day, {"day": day, "reported": 0, "closed": 0, "overdue": 0}) for day in days]


@from_replica
def category_mix(*, area, period):
    """Return the tickets reported in `period` per major category, most first."""
    rows = (
        rollup(DailyFlowLive).objects.filter(prefix=area.scope_prefix, day__gte=period.start, day__lte=period.end)
        .exclude(category_id=ALL_CATEGORIES)
        .values("category_id").annotate(reported=Sum("reported")).filter(reported__gt=0)
    )
    majors = {c.pk: c.parent or c for c in Category.objects.select_related("parent")}
    mix = {}
    for row in rows:
        major = majors[row["category_id"]]
        entry = mix.setdefault(major.code, {"code": major.code, "name": major.name, "reported": 0})
        entry["reported"] += row["reported"]
    return sorted(mix.values(), key=lambda entry: (-entry["reported"], entry["code"]))


@from_replica
def top_grids(*, area, period, limit=TOP_PLACES):
    """Return the grids with the most tickets reported in the months of `period` (recurring places)."""
    prefix = area.scope_prefix
    # Codes are digits: everything starting with `prefix` sorts between these bounds, so the
    # (month, grid_code) key answers the prefix without a pattern index.
    rows = list(
        rollup(GridMonthLive).objects.filter(month__gte=period.start.replace(day=1), month__lte=period.end,
                                     grid_code__gte=prefix, grid_code__lte=prefix + "9" * (15 - len(prefix)))
        .values("grid_code").annotate(reported=Sum("reported"), overdue=Sum("overdue"))
        .filter(reported__gt=0).order_by("-reported", "grid_code")[:limit]
    )
    names = dict(Area.objects.filter(code__in=[row["grid_code"] for row in rows]).values_list("code", "name"))
    return [{**row, "name": names.get(row["grid_code"], "")} for row in rows]


@from_replica
def children_figures(*, area, period):
    """Return one row per child area (the drill-down): flow in `period` with its rates, open and overdue now."""
    children = list(area.children.order_by("code"))
    prefixes = {child.scope_prefix: child for child in children}
    flows = {
        row["prefix"]: row
        for row in flow_rows(Q(prefix__in=list(prefixes)), period).values("prefix")
        .annotate(**{m: Sum(m) for m in DailyFlow.MEASURES})
    }
    open_now = {
        row["prefix"]: row
        for row in rollup(AreaStatusCountLive).objects.filter(prefix__in=list(prefixes),
                                                              status__in=Ticket.OPEN_STATUSES)
        .values("prefix").annotate(tickets=Sum("tickets"), overdue=Sum("overdue_tickets"))
    }
    rows, factor = [], basically_factor()
    for prefix, child in prefixes.items():
        flow = flows.get(prefix) or {m: 0 for m in DailyFlow.MEASURES}
        now = open_now.get(prefix, {"tickets": 0, "overdue": 0})
        rows.append({
            "code": child.code, "name": child.name, "level": child.level,
            **with_rates({m: flow[m] or 0 for m in DailyFlow.MEASURES}, factor=factor),
            "open_now": now["tickets"] or 0, "overdue_open_now": now["overdue"] or 0,
        })
    return rows


# --- assessment (考核) ----------------------------------------------------------------------


def _scored(row, scheme, workload):
    """Score a unit's row, or leave its score None when it has nothing to measure: nothing closed
    and no deadline missed (work merely received is neither merit nor fault yet)."""
    row["overdue_rate"] = rate(row["overdue"], workload)
    measured = row["on_time_rate"] is not None or row["overdue"] or row["supervision_rate"] is not None
    row["score"] = scheme.score(
        on_time_rate=row["on_time_rate"], overdue_rate=row["overdue_rate"], return_rate=row["return_rate"],
        satisfaction_rate=row["satisfaction_rate"], supervision_rate=row["supervision_rate"],
    ) if measured else None
    return row


def _supervision_rates(unit_ids, period, *, key):
    """Return {key(unit id): mean supervision rate} of the units' led tasks with something due by the
    period's end (today at the latest); `key` groups units, e.g. a street's offices under its code."""
    as_of = min(period.end, timezone.localdate())
    grouped = defaultdict(list)
    for unit_id, value in unit_supervision_rates(unit_ids=unit_ids, as_of=as_of).items():
        grouped[key(unit_id)].append(value)
    return {group: sum(values) / len(values) for group, values in grouped.items()}


def _ranked(rows):
    """Order rows by score, best first, and number them; units without a score come last, unranked."""
    rows.sort(key=lambda row: (row["score"] is None, -(row["score"] or 0), row["code"]))
    for position, row in enumerate(rows, start=1):
        row["rank"] = position if row["score"] is not None else None
    return rows


@from_replica
def street_ranking(*, area, period, scheme=None):
    """Return the streets inside `area` ranked by their assessment score over `period`."""
    scheme = scheme or AssessmentScheme.current()
    streets = Area.objects.filter(level=Area.Level.STREET, code__startswith=area.scope_prefix).order_by("code")
    names = {street.scope_prefix: street for street in streets}
    flows = {
        row["prefix"]: row
        for row in flow_rows(Q(prefix__in=list(names)), period).values("prefix")
        .annotate(**{m: Sum(m) for m in DailyFlow.MEASURES})
    }
    offices = dict(HandlingUnit.objects.filter(kind=HandlingUnit.Kind.STREET_OFFICE, area__in=streets)
                   .values_list("pk", "area__code"))
    supervised = _supervision_rates(offices, period, key=offices.get) if scheme.supervision_weight else {}
    rows, factor = [], basically_factor()
    for prefix, street in names.items():
        flow = with_rates({m: (flows.get(prefix) or {}).get(m) or 0 for m in DailyFlow.MEASURES}, factor=factor)
        rows.append(_scored({"code": street.code, "name": street.name, **flow,
                             "supervision_rate": supervised.get(street.code)}, scheme, flow["reported"]))
    return _ranked(rows)


NO_OBJECTIONS = {"raised": 0, "redispatched": 0, "rejected": 0}


@from_replica
def department_ranking(*, area, period, scheme=None):
    """Return the functional departments serving inside `area` ranked by their assessment score over `period`."""
    scheme = scheme or AssessmentScheme.current()
    units = {
        unit.pk: unit for unit in HandlingUnit.objects.filter(
            kind=HandlingUnit.Kind.DEPARTMENT, area__code__startswith=area.scope_prefix).select_related("area")
    }
    flows = {
        row["unit_id"]: row
        for row in rollup(UnitDailyFlowLive).objects.filter(unit_id__in=list(units), day__gte=period.start,
                                                    day__lte=period.end)
        .values("unit_id").annotate(**{m: Sum(m) for m in UnitDailyFlow.MEASURES})
    }
    supervised = _supervision_rates(units, period, key=lambda unit_id: unit_id) if scheme.supervision_weight else {}
    start, end = period.bounds()
    objections = objection_figures(list(units), start=start, end=end)
    overridden = dict(override_counts(start=start, end=end, by="proposed_unit"))
    rows, factor = [], basically_factor()
    for unit_id, unit in units.items():
        flow = {m: (flows.get(unit_id) or {}).get(m) or 0 for m in UnitDailyFlow.MEASURES}
        # 派单异议 and the catalogue's proposals set aside: shown beside the score, not weighted in it.
        flow.update(objections.get(unit_id) or NO_OBJECTIONS, catalogue_overridden=overridden.get(unit_id, 0))
        flow.update(
            on_time_rate=rate(flow["closed_on_time"], flow["closed"]),
            return_rate=rate(flow["returned"], flow["received"]),
            satisfaction_rate=satisfaction_rate(
                satisfied=flow["satisfied"], basically_satisfied=flow["basically_satisfied"], rated=flow["rated"],
                factor=factor,
            ),
        )
        rows.append(_scored({"code": unit.code, "name": unit.name, "area": unit.area.name, **flow,
                             "supervision_rate": supervised.get(unit_id)}, scheme, flow["received"]))
    return _ranked(rows)


# --- the map (一张图) ------------------------------------------------------------------------


@from_replica
def map_areas(*, area, period):
    """Return the child areas of `area` with their figures, boundary and a point inside (shading and click-through).

    A grid has no children: it is shown itself, without the figures of its children's rows
    (open now, overdue now).
    """
    figures = {row["code"]: row for row in children_figures(area=area, period=period)}
    shapes = area.children.order_by("code") if figures else Area.objects.filter(pk=area.pk)
    if not figures:
        figures = {area.code: {"code": area.code, "name": area.name, "level": area.level,
                               **with_rates(flow_totals(prefix=area.scope_prefix, period=period),
                                            factor=basically_factor())}}
    areas = []
    for shape in shapes.annotate(point=PointOnSurface("geom")):
        row = figures[shape.code]
        areas.append({**row, "overdue_rate": rate(row["overdue"], row["reported"]), "geom": shape.geom,
                      "point": shape.point})
    return areas


@from_replica
def open_ticket_clusters(*, user, area):
    """Return the open tickets of `area` clustered: per child area from the rollup, or one by one in a grid.

    Above grid level a cluster is a child area's open-ticket count placed inside it, read from
    the status rollup (never a scan of tickets); inside one grid the open tickets themselves,
    those `user` may see (incidents.selectors.ticket_list).
    """
    if area.level != Area.Level.GRID:
        counts = {
            row["prefix"]: row
            for row in rollup(AreaStatusCountLive).objects.filter(
                prefix__in=[child.scope_prefix for child in area.children.all()], status__in=Ticket.OPEN_STATUSES)
            .values("prefix").annotate(tickets=Sum("tickets"), overdue=Sum("overdue_tickets"))
        }
        return [
            {"code": child.code, "name": child.name, "count": counts[child.scope_prefix]["tickets"],
             "overdue": counts[child.scope_prefix]["overdue"], "lng": child.point.x, "lat": child.point.y}
            for child in area.children.annotate(point=PointOnSurface("geom")).order_by("code")
            if counts.get(child.scope_prefix, {}).get("tickets")
        ]
    tickets = ticket_list(user=user).filter(area_code=area.code, status__in=Ticket.OPEN_STATUSES)
    tickets = tickets.order_by("-created_at")
    return [
        {"code": ticket.number, "name": ticket.category.name, "count": 1, "overdue": int(ticket.overdue_count > 0),
         "lng": ticket.location.x, "lat": ticket.location.y, "ticket_id": ticket.pk,
         "status": ticket.get_status_display()}
        for ticket in tickets.select_related("category")[:MAP_PLACES_LIMIT]
    ]


@from_replica
def key_places(*, area, risk_sources=False):
    """Return the key places inside `area` (or only the risk sources) for a map layer; none above a street."""
    if area.level not in PLACE_LEVELS:
        return []
    places = KeyPlace.objects.filter(grid__code__startswith=area.scope_prefix, location__isnull=False)
    if risk_sources:
        places = places.filter(Q(kind__in=RISK_SOURCE_KINDS) | Q(risk_level=KeyPlace.Risk.HIGH))
    return [
        {"name": place.name, "kind": place.get_kind_display(), "risk": place.risk_level,
         "risk_display": place.get_risk_level_display(), "address": place.address,
         "lng": place.location.x, "lat": place.location.y}
        for place in places.order_by("place_code")[:MAP_PLACES_LIMIT]
    ]
