"""Reads of the registers: who sees and who edits which grid's registers, the lists, the counts per grid
for the dashboards and the rental houses by risk grade for the map (一张图)."""

import json
from collections import defaultdict

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from accounts.access import scope_q, sees_areas, visible_one
from accounts.models import User
from grids.models import Area, GridMember

from .models import House, Inspection, RentalHouse, Residence, Resident, RiskGrade

# The community's leadership and up read the registers of their area; a grid worker reads and
# edits those of their own grids. Other roles of the case work never see who lives where.
REGISTER_OVERSEERS = (User.Role.COMMUNITY_STAFF, User.Role.STREET_COORDINATOR, User.Role.LEADER)
GRID_WORKER_KINDS = (GridMember.Kind.FULL_TIME_WORKER, GridMember.Kind.PART_TIME_WORKER)


def worker_grid_codes(*, user):
    """Return the codes of the grids `user` serves as an active grid worker."""
    return list(GridMember.objects.filter(user=user, is_active=True, kind__in=GRID_WORKER_KINDS)
                .values_list("grid__code", flat=True))


def register_scope_q(*, user):
    """Return a Q selecting register rows (by their `area_code`) that `user` may see."""
    if not sees_areas(user):
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    if user.role == User.Role.GRID_WORKER:
        return Q(area_code__in=worker_grid_codes(user=user))
    if user.role in REGISTER_OVERSEERS:
        return scope_q(user, code_field="area_code")
    return Q(pk__in=[])


def may_edit(*, user, area_code):
    """Return whether `user` edits the registers of the grid `area_code`: one of its grid workers."""
    if not sees_areas(user):
        return False
    return user.is_superuser or (user.role == User.Role.GRID_WORKER and area_code in worker_grid_codes(user=user))


def house_list(*, user):
    """Return the houses `user` may see, with their building and rental record."""
    return (House.objects.filter(register_scope_q(user=user))
            .select_related("building", "rental__grade").order_by("area_code", "building__name", "unit", "room"))


def house_get(*, user, house_id):
    """Return the house if `user` may see it; House.DoesNotExist otherwise, whether it exists or not."""
    return visible_one(house_list(user=user), house_id)


def residence_list(*, house):
    """Return the house's residences, the current ones first, with their residents and households."""
    return (house.residences.select_related("resident", "household")
            .order_by("status", "-moved_in_on", "-pk"))


def residence_get(*, user, residence_id):
    """Return the residence if `user` may see it; Residence.DoesNotExist otherwise."""
    return visible_one(Residence.objects.filter(register_scope_q(user=user)).select_related("resident", "house"),
                       residence_id)


def resident_get(*, user, resident_id):
    """Return the resident if `user` may see them (by their current or last grid); Resident.DoesNotExist otherwise."""
    return visible_one(Resident.objects.filter(register_scope_q(user=user)), resident_id)


def rental_house_list(*, user):
    """Return the rental houses `user` may see, the next inspection due first."""
    return (RentalHouse.objects.filter(register_scope_q(user=user))
            .select_related("house__building", "grade").order_by("next_inspection_due", "pk"))


def rental_house_get(*, user, rental_house_id):
    """Return the rental house if `user` may see it; RentalHouse.DoesNotExist otherwise."""
    return visible_one(rental_house_list(user=user), rental_house_id)


def inspection_list(*, rental_house):
    """Return a rental house's inspections, newest first."""
    return Inspection.objects.filter(rental_house=rental_house).select_related("grade", "inspector")


def register_counts(*, area, today=None):
    """Return per grid of `area` (by code): its name, the people living there by kind, the rental houses
    by risk grade and how many of them are overdue for inspection (the dashboards' figures)."""
    today = today or timezone.localdate()
    prefix = area.scope_prefix
    grids = Area.objects.filter(level=Area.Level.GRID, code__startswith=prefix).order_by("code")
    grade_codes = list(RiskGrade.objects.values_list("code", flat=True))
    rows = {grid.code: {"grid": grid.code, "grid_name": grid.name,
                        "residents": dict.fromkeys(Resident.Kind.values, 0),
                        "rental_houses": dict.fromkeys(grade_codes, 0), "overdue_inspections": 0}
            for grid in grids}
    for row in (Residence.objects.filter(status=Residence.Status.LIVING, area_code__startswith=prefix)
                .values("area_code", "resident__kind").annotate(n=Count("pk")).order_by()):
        rows[row["area_code"]]["residents"][row["resident__kind"]] = row["n"]
    for row in (RentalHouse.objects.filter(area_code__startswith=prefix)
                .values("area_code", "grade__code")
                .annotate(n=Count("pk"), overdue=Count("pk", filter=Q(next_inspection_due__lt=today))).order_by()):
        rows[row["area_code"]]["rental_houses"][row["grade__code"]] = row["n"]
        rows[row["area_code"]]["overdue_inspections"] += row["overdue"]
    return list(rows.values())


def register_totals(*, area, today=None):
    """Return the registers' figures of `area` as a whole (the dashboard's card): the people living there by
    kind, the rental houses by risk grade, and how many of those are overdue for inspection."""
    today = today or timezone.localdate()
    prefix = area.scope_prefix
    residents = dict.fromkeys(Resident.Kind.values, 0)
    residents.update(Residence.objects.filter(status=Residence.Status.LIVING, area_code__startswith=prefix)
                     .values_list("resident__kind").annotate(n=Count("pk")).order_by())
    rentals = RentalHouse.objects.filter(area_code__startswith=prefix)
    grades = dict.fromkeys(RiskGrade.objects.values_list("code", flat=True), 0)
    grades.update(rentals.values_list("grade__code").annotate(n=Count("pk")).order_by())
    return {"residents": residents, "rental_houses": grades,
            "overdue_inspections": rentals.filter(next_inspection_due__lt=today).count()}


def rental_houses_geojson(*, area, today=None):
    """Return the rental houses of `area` as a GeoJSON FeatureCollection of points at their buildings, with
    their risk grade and whether an inspection is overdue: the map's layer "rental houses by risk grade".
    Houses whose building has no location are left out."""
    today = today or timezone.localdate()
    houses = (RentalHouse.objects.filter(area_code__startswith=area.scope_prefix,
                                         house__building__location__isnull=False)
              .select_related("house__building", "grade").order_by("pk"))
    return {"type": "FeatureCollection", "features": [{
        "type": "Feature", "geometry": json.loads(rental.house.building.location.geojson),
        "properties": {"id": rental.pk, "house": str(rental.house), "grid": rental.area_code,
                       "grade": rental.grade.code, "grade_name": rental.grade.name,
                       "next_inspection_due": rental.next_inspection_due.isoformat(),
                       "overdue": rental.is_overdue(today), "url": reverse("registers-house", args=[rental.house_id])},
    } for rental in houses]}


def grids_of_workers(*, codes):
    """Return {grid code: [user ids]} of the active grid workers with an account in the grids `codes`."""
    workers = defaultdict(list)
    for code, user_id in (GridMember.objects.filter(grid__code__in=codes, is_active=True, kind__in=GRID_WORKER_KINDS,
                                                    user__isnull=False, user__is_active=True)
                          .values_list("grid__code", "user_id").order_by("user_id")):
        workers[code].append(user_id)
    return workers


def area_get(*, user, code):
    """Return the area `code` whose registers `user` reads as a whole (the community's leadership and up,
    inside their scope); Area.DoesNotExist otherwise, whether it exists or not."""
    if not (user.is_superuser or user.role in REGISTER_OVERSEERS):
        raise Area.DoesNotExist
    return visible_one(Area.objects.filter(scope_q(user)), Area.objects.filter(code=code).values_list("pk", flat=True)
                       .first())
