"""Reads of work orders, always within the reader's scope."""

from django.db.models import Case, F, IntegerField, Q, Value, When

from accounts.access import is_in_scope, scope_q, visible_one
from accounts.models import HandlingUnit, User

from .models import Category, Ticket


# Who sees a ticket, in its two forms (a filter and a test of one row); keep them together.
def ticket_list(*, user):
    """Return the tickets `user` may see: in their area, held by their unit, or reported by them."""
    if not user.is_authenticated or not user.is_active:
        return Ticket.objects.none()
    if user.is_superuser:  # scope_q's empty Q() would drop out of the OR below, leaving their own reports
        return Ticket.objects.all()
    visible = scope_q(user, code_field="area_code") | Q(reporter=user)
    if user.unit_id:
        visible |= Q(handling_unit_id=user.unit_id)
    return Ticket.objects.filter(visible)


def ticket_is_visible(*, user, ticket):
    """Return whether `ticket` is among ticket_list(user=user), without a query."""
    return (
        is_in_scope(user, ticket.area_code)
        or ticket.reporter_id == user.id
        or (user.unit_id is not None and ticket.handling_unit_id == user.unit_id)
    )


def ticket_get(*, user, ticket_id):
    """Return the ticket if `user` may see it; PermissionDenied if it exists outside their scope."""
    return visible_one(ticket_list(user=user).select_related(
        "category", "handling_unit", "dispatcher_unit", "grid", "community", "street", "reporter"), ticket_id)


def ticket_board(*, user):
    """Return the dispatch board: the user's tickets, overdue and nearest deadline first."""
    tickets = ticket_list(user=user).select_related("category", "handling_unit", "grid")
    overdue_first = Case(When(overdue_count__gt=0, then=Value(0)), default=Value(1), output_field=IntegerField())
    # Supervised tickets (督办) come first everywhere the board is shown.
    return tickets.order_by(F("supervised_at").asc(nulls_last=True), overdue_first, "due_at", "-created_at")


# Who may verify a handled ticket, as a filter: the verify row of workflow.TRANSITIONS with the
# "verifier" party of workflow.check_actor (a superuser; else a grid worker or community staff
# who reported it, or community staff whose area holds it). tests/incidents/test_selectors.py
# holds the two against each other for every role.
def ticket_verification_queue(*, user):
    """Return the handled tickets `user` may verify, nearest deadline first."""
    tickets = ticket_list(user=user).filter(status=Ticket.Status.HANDLED)
    if not user.is_superuser:
        if user.role not in (User.Role.GRID_WORKER, User.Role.COMMUNITY_STAFF):
            return Ticket.objects.none()
        verifiable = Q(reporter=user)
        if user.role == User.Role.COMMUNITY_STAFF:
            verifiable |= scope_q(user, code_field="area_code")
        tickets = tickets.filter(verifiable)
    return tickets.select_related("category", "handling_unit").order_by("due_at")


def category_list():
    """Return the active catalogue, majors before their minors."""
    return Category.objects.filter(is_active=True).select_related("parent").order_by("code")


def dispatch_targets(*, district):
    """Return the departments a street may dispatch a ticket of `district` to: the district's and the city's."""
    return HandlingUnit.objects.filter(
        kind=HandlingUnit.Kind.DEPARTMENT, is_active=True, area_id__in=[district.pk, district.parent_id]
    ).order_by("area__code", "name")
