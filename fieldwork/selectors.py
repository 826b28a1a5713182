"""Reads of field work: who sees which patrol, a worker's grids, and where a point lies against a grid."""

from django.contrib.gis.db.models.functions import Distance

from accounts.access import is_in_scope, scope_q, visible_one
from accounts.models import User
from grids.models import Area

from .models import CheckIn, Patrol

# Tracks are personal data (domain.md §7): the worker sees their own; the leadership of their
# community and up sees those in its area. Other roles of the case work never see a track.
TRACK_OVERSEERS = (User.Role.COMMUNITY_STAFF, User.Role.STREET_COORDINATOR, User.Role.LEADER)


# Who sees a patrol, in its two forms (a filter and a test of one row); keep them together.
def patrol_list(*, user):
    """Return the patrols `user` may see: their own, or those in their area for the leadership."""
    if not user.is_authenticated or not user.is_active:
        return Patrol.objects.none()
    if user.is_superuser:
        return Patrol.objects.all()
    if user.role in TRACK_OVERSEERS:
        return Patrol.objects.filter(scope_q(user, code_field="area_code"))
    return Patrol.objects.filter(worker=user)


def patrol_is_visible(*, user, patrol):
    """Return whether `patrol` is among patrol_list(user=user)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or patrol.worker_id == user.pk:
        return True
    return user.role in TRACK_OVERSEERS and is_in_scope(user, patrol.area_code)


def patrol_get(*, user, patrol_id):
    """Return the patrol if `user` may see it; Patrol.DoesNotExist otherwise, whether it exists or not."""
    return visible_one(patrol_list(user=user).select_related("grid", "worker"), patrol_id)


def patrol_active(*, worker):
    """Return `worker`'s open patrol, or None."""
    return Patrol.objects.filter(worker=worker, status=Patrol.Status.ACTIVE).select_related("grid").first()


def worker_grids(*, worker):
    """Return the grids `worker` is an active member of, by code."""
    return Area.objects.filter(level=Area.Level.GRID, members__user=worker, members__is_active=True).order_by("code")


def nearest_grid(*, grids, point):
    """Return the grid of `grids` nearest to `point` (one holding it first), with `gap` its distance
    in metres on the spheroid (0 inside or on the edge); None when `grids` is empty."""
    return grids.annotate(gap=Distance("geom", point, spheroid=True)).order_by("gap", "code").first()


def check_in_today(*, worker, day):
    """Return `worker`'s check-in of `day`, or None."""
    return CheckIn.objects.filter(worker=worker, day=day).select_related("grid").first()
