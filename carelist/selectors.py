"""Reads of the special-group files, all scoped here: who sees a person, the visits due, the counts per grid.

A person is seen by their helpers (结对帮扶) and by the leadership of the territorial units whose
area holds their grid — community, street, district (and a superuser). A grid worker of the same
grid who is not a helper sees nothing: these files are narrower than the grid's other base data.
"""

import json

from django.contrib.gis.db.models.functions import Centroid
from django.db.models import Count, Exists, F, OuterRef, Q

from accounts.access import restrict_to_scope, scope_q, sees_areas, visible_one
from accounts.models import HandlingUnit, User

from .models import CareGroup, CareHelper, CarePerson, OverdueWarning

# The leadership that sees every person in its area: the territorial chain, not a department.
LEADERSHIP_UNIT_KINDS = (HandlingUnit.Kind.COMMUNITY_COMMITTEE, HandlingUnit.Kind.STREET_OFFICE,
                         HandlingUnit.Kind.COMMAND_CENTRE, HandlingUnit.Kind.DISTRICT_GOVERNMENT)
# The roles that may see how many persons each grid holds (the 一张图 map), within their scope.
COUNT_ROLES = (User.Role.COMMUNITY_STAFF, User.Role.STREET_COORDINATOR, User.Role.LEADER)


def is_leadership(user):
    """Return whether `user` leads a territorial unit (community committee and up)."""
    return user.role == User.Role.LEADER and user.unit is not None and user.unit.kind in LEADERSHIP_UNIT_KINDS


def person_list(*, user):
    """Return the persons `user` may see: those they help, and all in their area if they lead it."""
    if not sees_areas(user):
        return CarePerson.objects.none()
    if user.is_superuser:
        return CarePerson.objects.all()
    helped = Exists(CareHelper.objects.filter(person=OuterRef("pk"), user=user))
    seen = Q(helped)
    if is_leadership(user):
        seen |= scope_q(user, code_field="grid__code")
    return CarePerson.objects.filter(seen)


def person_get(*, user, pk):
    """Return person `pk` if `user` may see them; CarePerson.DoesNotExist otherwise (a 404)."""
    return visible_one(person_list(user=user).select_related("grid", "building"), pk)


def person_is_visible(*, user, person):
    return person_list(user=user).filter(pk=person.pk).exists()


def person_is_helper(*, user, person):
    return person.helper_links.filter(user=user).exists()


def visits_due(*, user):
    """Return the active persons `user` sees, the next visit due first (so the overdue ones lead);
    `warned`: the user was warned that this visit is overdue (carelist.sweeps)."""
    warned = OverdueWarning.objects.filter(person=OuterRef("pk"), helper_id=user.pk, due_on=OuterRef("next_visit_due"))
    return (person_list(user=user).filter(status=CarePerson.Status.ACTIVE)
            .select_related("grid").prefetch_related("levels__group")
            .annotate(warned=Exists(warned)).order_by("next_visit_due", "pk"))


def overdue_warning_count(*, user):
    """Return how many persons `user` helps whose visit is overdue and who were warned of it (the menu's badge)."""
    return OverdueWarning.objects.filter(helper=user, person__status=CarePerson.Status.ACTIVE,
                                         due_on=F("person__next_visit_due")).count()


def group_list():
    """Return the active groups with their levels and visit intervals."""
    return CareGroup.objects.filter(is_active=True).prefetch_related("levels")


def may_see_grid_counts(user):
    return user.is_superuser or (sees_areas(user) and user.role in COUNT_ROLES)


def persons_looked_after(*, area):
    """Return how many persons the grids of `area` look after (open files): a count for the dashboards,
    whose viewers are COUNT_ROLES."""
    return CarePerson.objects.filter(status=CarePerson.Status.ACTIVE, grid__code__startswith=area.scope_prefix).count()


def care_counts_by_grid(*, user, within=None):
    """Return the persons looked after per grid in `user`'s scope, as a GeoJSON FeatureCollection of
    points at the grids' centres with the grid's code, name and count.

    Counts only, never a person: the 一张图 map's layer for roles of COUNT_ROLES (others get
    nothing). `within` (an Area) narrows it to the grids under that area.
    """
    if not may_see_grid_counts(user):
        return {"type": "FeatureCollection", "features": []}
    persons = restrict_to_scope(CarePerson.objects.filter(status=CarePerson.Status.ACTIVE), user,
                                code_field="grid__code")
    if within is not None:
        persons = persons.filter(grid__code__startswith=within.scope_prefix)
    rows = (persons.values("grid__code", "grid__name").annotate(count=Count("pk"), centre=Centroid("grid__geom"))
            .order_by("grid__code"))
    return {"type": "FeatureCollection", "features": [{
        "type": "Feature", "geometry": json.loads(row["centre"].geojson),
        "properties": {"grid": row["grid__code"], "name": row["grid__name"], "count": row["count"]},
    } for row in rows]}
