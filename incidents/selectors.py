"""Reads of work orders, always within the reader's scope."""

from django.apps import apps
from django.utils.crypto import constant_time_compare
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Value, When

from accounts.access import is_in_scope, scope_q, sees_areas, visible_one
from accounts.models import HandlingUnit, User
from govportal import crypto

from .models import Category, Notification, Ticket, TicketEvent


# Who sees a ticket, by role (least privilege within a district, domain.md §6):
#  - grid workers, community staff, street coordinators and leaders: their unit's area, what their
#    unit holds now, and their own reports;
#  - department handlers: what their unit holds or has held (held_by_unit);
#  - mediators: the work orders referred to their organisation as cases (now or before);
#  - hotline operators: the orders they call back in their area (CALLED_BACK);
#  - a superuser (break-glass only): everything; any other role, the three administrators
#    included: nothing.
AREA_ROLES = (User.Role.GRID_WORKER, User.Role.COMMUNITY_STAFF, User.Role.STREET_COORDINATOR, User.Role.LEADER)


# The work orders the hotline calls back (回访, domain.md §4): its own, and the citizens' reports
# (随手拍, Open311) whose reporter left a phone number.
CALLED_BACK = Q(source=Ticket.Source.HOTLINE) | Q(source=Ticket.Source.CITIZEN) & ~Q(reporter_phone_encrypted="")


def is_called_back(ticket):
    """Return whether the hotline calls back the reporter of `ticket` (CALLED_BACK, for one row)."""
    return ticket.source == Ticket.Source.HOTLINE or (
        ticket.source == Ticket.Source.CITIZEN and bool(ticket.reporter_phone_encrypted))


DIGEST_SHOWN = 20  # work orders of a digest notice listed by number; the rest are counted


def held_by_unit(unit_id):
    """Return a filter of the tickets the unit `unit_id` holds or has held.

    Every move writes an event naming the unit that holds the ticket after it (routing, dispatch,
    the whistle, the escalation sweep), so "held" is an EXISTS over the events, served by the
    index ticketevent_unit_ticket_idx. Co-handling (协办: a second unit working on the same order)
    does not exist yet; when it does, its units hold the ticket too and join this filter here.
    """
    return Exists(TicketEvent.objects.filter(ticket_id=OuterRef("pk"), unit_id=unit_id))


def _referred_to(organisation_id):
    """Return a filter of the tickets referred to mediation as cases the organisation holds or has held.

    Each case event names the organisation holding the case after it (mediation.models.CaseEvent).
    The model is looked up by name: mediation depends on incidents, not the other way round.
    """
    case_events = apps.get_model("mediation", "CaseEvent").objects
    return Exists(case_events.filter(case__ticket_id=OuterRef("pk"), organisation_id=organisation_id))


def ticket_list(*, user):
    """Return the tickets `user` may see (the rules above)."""
    if not user.is_authenticated or not user.is_active:
        return Ticket.objects.none()
    if user.is_superuser:
        return Ticket.objects.all()
    if user.role in AREA_ROLES:
        return Ticket.objects.filter(
            scope_q(user, code_field="area_code") | Q(handling_unit_id=user.unit_id) | Q(reporter=user))
    if user.role == User.Role.DEPARTMENT_HANDLER:
        return Ticket.objects.filter(held_by_unit(user.unit_id))
    if user.role == User.Role.MEDIATOR:
        return Ticket.objects.filter(_referred_to(user.unit_id))
    if user.role == User.Role.HOTLINE_OPERATOR:
        return Ticket.objects.filter(scope_q(user, code_field="area_code"), CALLED_BACK)
    return Ticket.objects.none()


def ticket_is_visible(*, user, ticket):
    """Return whether `ticket` is among ticket_list(user=user).

    The area rules need no query; "held" and "referred" ask the database for this one row with
    the same filters as ticket_list, so the two forms cannot drift apart.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if user.role in AREA_ROLES:
        return (is_in_scope(user, ticket.area_code) or ticket.handling_unit_id == user.unit_id
                or ticket.reporter_id == user.id)
    if user.role == User.Role.DEPARTMENT_HANDLER:
        return Ticket.objects.filter(held_by_unit(user.unit_id), pk=ticket.pk).exists()
    if user.role == User.Role.MEDIATOR:
        return Ticket.objects.filter(_referred_to(user.unit_id), pk=ticket.pk).exists()
    if user.role == User.Role.HOTLINE_OPERATOR:
        return is_called_back(ticket) and is_in_scope(user, ticket.area_code)
    return False


def ticket_get(*, user, ticket_id):
    """Return the ticket if `user` may see it; Ticket.DoesNotExist otherwise, whether it exists or not."""
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


def category_urgencies():
    """Return {category code: the urgencies it allows} for the minor categories that limit them
    (a category not listed allows every urgency): the report form offers only those."""
    return dict(Category.objects.filter(is_active=True, parent__isnull=False).exclude(urgencies=[])
                .values_list("code", "urgencies"))


def dispatch_targets(*, district):
    """Return the departments a street may dispatch a ticket of `district` to: the district's and the city's."""
    return HandlingUnit.objects.filter(
        kind=HandlingUnit.Kind.DEPARTMENT, is_active=True, area_id__in=[district.pk, district.parent_id]
    ).order_by("area__code", "name")


def notices_feed(*, user, feed, limit=100):
    """The newest notifications of one of the user's feeds (Notification.Feed), with what a line
    about each needs: the work order's category, and a digest's work orders (digest_tickets_attach)."""
    if feed == Notification.Feed.MINE:
        notices = Notification.objects.filter(user=user)
    elif user.unit_id and sees_areas(user):  # not an account still waiting for its role
        notices = Notification.objects.filter(unit_id=user.unit_id)
    else:
        return []
    return digest_tickets_attach(list(notices.select_related("ticket__category")[:limit]))


def notices_unread_count(user):
    """How many notifications addressed to the user in person are unread (the menu's badge)."""
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def digest_tickets_attach(notifications):
    """Give each notification `digest_tickets`: the first DIGEST_SHOWN work orders of a digest as
    (id, number) pairs (empty for a single work order's notice), read in one query for them all."""
    shown = {item.pk: (item.digest_ticket_ids or [])[:DIGEST_SHOWN] for item in notifications}
    numbers = dict(Ticket.objects.filter(pk__in=[pk for ids in shown.values() for pk in ids])
                   .values_list("pk", "number"))
    for item in notifications:
        item.digest_tickets = [(pk, numbers[pk]) for pk in shown[item.pk] if pk in numbers]
    return notifications


# The steps a citizen sees of their report (进度查询): what happened, never who nor why.
PUBLIC_STEPS = ("report", "route", "accept", "dispatch", "sign", "start", "escalate", "overdue_escalate", "handle",
                "verify", "verify_fail", "close", "rate", "reopen", "void")


def citizen_report_progress(*, number, phone):
    """Return the citizen report `number` if `phone` is the one it was made with, else None (the same
    answer for an unknown number and a wrong phone: the page reveals nothing of other reports)."""
    ticket = (Ticket.objects.filter(number=number, source=Ticket.Source.CITIZEN)
              .select_related("category", "handling_unit").first())
    if ticket is None or not ticket.reporter_phone_encrypted:
        return None
    if not constant_time_compare(crypto.decrypt(ticket.reporter_phone_encrypted), phone):
        return None
    ticket.public_steps = list(ticket.events.filter(action__in=PUBLIC_STEPS).only("action", "created_at"))
    return ticket
