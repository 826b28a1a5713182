"""The one access helper (分级授权): a user sees what lies inside their unit's area, nothing else.

Every page and API scopes its querysets through `restrict_to_scope` and checks single objects
with `ensure_in_scope` or `visible_one`; no view writes its own area filter. The three administrators
(三员) see no area at all: they run the platform in the admin site and never read case files.

What lies outside a user's scope does not exist for them: the single-object checks raise the
model's DoesNotExist, which pages and APIs answer with the same 404 as for a missing row. A 403
would tell that the row exists, and sequential numbers (tickets, cases, calls) would then reveal
what happens elsewhere. A 403 is kept for a role refused on something it may see.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from grids.models import Area

from .models import User

# The refusal of a workflow move on an object outside the actor's scope (govportal.workflow):
# services called directly, past the pages' and APIs' 404.
OUTSIDE_SCOPE = _("This lies outside the area you are responsible for.")


def sees_areas(user):
    """Return whether `user` may see any area, and so take part in the case work: an active account with
    a business role in a unit, or a superuser. Never one of the three administrators, nor an account
    still waiting for its role."""
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or (user.role in User.BUSINESS_ROLES and user.unit_id is not None)


def scope_area(user):
    """Return the area `user` may see, or None when they may see everything (a superuser).

    None too for the three administrators, who see nothing: `scope_q` and `is_in_scope` refuse them.
    """
    if not sees_areas(user) or user.is_superuser:
        return None
    return user.unit.area


def scope_q(user, *, code_field="code"):
    """Return a Q selecting rows whose area code (at `code_field`) lies in `user`'s scope."""
    if not sees_areas(user):
        return Q(pk__in=[])
    area = scope_area(user)
    if area is None:
        return Q()
    return Q(**{f"{code_field}__startswith": area.scope_prefix})


def restrict_to_scope(queryset, user, *, code_field="code"):
    """Return `queryset` limited to rows whose area code (at `code_field`) lies in `user`'s scope."""
    return queryset.filter(scope_q(user, code_field=code_field))


def is_in_scope(user, area_code):
    """Return whether the area with `area_code` lies inside `user`'s scope."""
    if not sees_areas(user):
        return False
    area = scope_area(user)
    return area is None or area.encloses_code(area_code)


def ensure_in_scope(user, area_code):
    """Raise Area.DoesNotExist unless the area with `area_code` lies inside `user`'s scope (404, never 403)."""
    if not is_in_scope(user, area_code):
        raise Area.DoesNotExist


def visible_one(visible, pk):
    """Return row `pk` of the queryset `visible` (what a user may see).

    The model's DoesNotExist if there is no such row among them, whether it exists elsewhere or
    not at all: the one rule for a single object, every app's getter.
    """
    found = visible.filter(pk=pk).first()
    if found is None:
        raise visible.model.DoesNotExist
    return found
