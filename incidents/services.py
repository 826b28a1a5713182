"""Writes to work orders: intake, routing and one function per workflow action.

Each `ticket_<action>` states what the action changes; the shared engine (`workflow.TICKETS`)
does the locking, the state check, the permission check and the audit row for all of them.
"""

import json
from dataclasses import dataclass

from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.access import sees_areas
from accounts.models import HandlingUnit, User
from components.services import component_fault_record
from dispatch.services import ACTION_SERVICES as DISPATCH_SERVICES
from dispatch.services import street_override_record
from govportal import crypto
from govportal.errors import DomainConflict
from govportal.masking import mask_phone
from govportal.workflow import WorkflowInputError, numbers_reserve
from grids.models import Area, GridMember
from grids.selectors import Location, PointOutsideGrids, grid_locate
from participation.points import points_for_report

from .models import (
    Category, Notification, RoutingRequest, Ticket, TicketEvent, TicketNumberCounter, TicketPhoto,
    Urgency,
)
from .extensions import extension_citizens_tell
from .photos import photos_attach, photos_kept_if_committed, photos_store, upload_digest
from .routing import routing_wake_up, tickets_route
from .workflow import TICKETS
from .worktime import deadline, minutes_left, working_day_minutes

NO_SUPERIOR = _("This unit has no superior to escalate to.")
NOT_A_DEPARTMENT = _("Work orders are dispatched to functional departments.")
EXTENSION_TOO_LATE = _("An extension is asked for before the deadline passes.")
# 首接负责: the district government takes what no unit of the catalogue takes; it objects, never returns.
FIRST_RECEIVER_KEEPS = _("The district government keeps the work orders it receives first; "
                         "object to the dispatch if another unit should take it.")
EXTENSION_TOO_LONG = _("This work order may be extended by at most %(days)s days.")
URGENCY_NOT_ALLOWED = _("This category does not allow the urgency %(urgency)s.")
UNKNOWN_URGENCY = _("Unknown urgency.")
NOT_A_MINOR_CATEGORY = _("Choose a minor category.")
FEEDBACK_REQUIRED = _("Describe what was done.")
PHOTO_EVIDENCE_REQUIRED = _("A matter handled on the spot needs a photo as evidence.")
MAX_IDEMPOTENCY_KEY = 48  # a client's key; stored as "<user id>:<key>" in a 64-character column
IDEMPOTENCY_KEY_REPEATED = _("Each work order of a batch needs its own idempotency key.")
NOT_A_REPORTER = _("Work orders are reported by the staff of the case work; administrators run the platform.")
IDEMPOTENCY_KEY_REUSED = _("This idempotency key was used for a work order with other content; "
                           "send a new key to report a new one.")
# The index counts from 0, as in the batch's field errors.
IDEMPOTENCY_KEY_REUSED_IN_BATCH = _("Work order %(index)d of the batch: its idempotency key was used for a "
                                    "work order with other content; send a new key to report a new one.")

REJECT_REASONS = {
    "invalid": _("Invalid report"),
    "duplicate": _("Duplicate of another work order"),
    "not_government": _("Not government business"),
}
RETURN_REASONS = {
    "not_our_duty": _("Not within our duties"),
    "wrong_place": _("Wrong place or unit"),
    "insufficient_information": _("Insufficient information"),
}


class PositionSource(models.TextChoices):
    """Where a report's position came from: the device's positioning, or a pin placed by hand."""

    DEVICE = "device", _("The device's position")
    MAP = "map", _("Set by hand on the map")


class IdempotencyKeyReused(DomainConflict):
    """An idempotency key came again with another request than the one that made its work order (HTTP 409)."""


def photo_gps_needed(*, reporter, position_source):
    """Return whether a report's photos keep the GPS position of their EXIF (TicketPhoto.exif_location).

    A location is sensitive personal information (PIPL art. 28), kept only where the report needs
    it: a staff report placed by hand, so that those checking it see where the photo was taken.
    A citizen's report (no reporter), a report placed by the device and photos of the result drop it.
    """
    return reporter is not None and position_source == PositionSource.MAP


def idempotency_key_of(user, key):
    """Return the stored form of a client's idempotency key: per user (None: an anonymous citizen),
    so two users' keys never collide."""
    return f"{user.pk if user else 'citizen'}:{key}" if key else None


def ticket_fingerprint(*, source, category, urgency, description, address, location, reporter_phone="",
                       self_handled=False, feedback="", photos=(), position_source=PositionSource.DEVICE,
                       extras=None):
    """Return the fingerprint of a request for a new work order: the keyed hash (crypto.blind_index, so
    that it tells nothing of a citizen's number) of its values as ticket_create takes them, normalised.

    The urgency is the one the ticket gets (given, or the category's default), the location in WGS-84
    to 7 decimals (1 cm), a photo the SHA-256 of its bytes. `extras` holds what else the same request
    carried (the hotline's caller): a retry repeats those too.
    """
    request = {
        "source": source, "category": category.code, "urgency": urgency, "description": description,
        "address": address, "location": [round(location.x, 7), round(location.y, 7)],
        "reporter_phone": reporter_phone, "self_handled": self_handled, "feedback": feedback,
        "photos": [upload_digest(photo) for photo in photos], "position_source": position_source,
        "extras": extras or {},
    }
    return crypto.blind_index(json.dumps(request, sort_keys=True, ensure_ascii=False, separators=(",", ":")))


def _retried(ticket, fingerprint, message=IDEMPOTENCY_KEY_REUSED):
    """Return `ticket`, found by the idempotency key of a request whose fingerprint is `fingerprint`, as
    the answer to a retry; IdempotencyKeyReused if another request made it (one made before
    fingerprints, with none stored, passes as a retry)."""
    if ticket.request_fingerprint and ticket.request_fingerprint != fingerprint:
        raise IdempotencyKeyReused(message)
    return ticket


def ticket_urgency(category, urgency=None):
    """Return the urgency a new ticket of `category` gets (the given one, checked, or its default)."""
    if not category.is_minor:
        raise WorkflowInputError(NOT_A_MINOR_CATEGORY, "category")
    if urgency and urgency not in Urgency.values:
        raise WorkflowInputError(UNKNOWN_URGENCY, "urgency")
    if not urgency:
        urgency = Urgency.ORDINARY if Urgency.ORDINARY in category.urgencies or not category.urgencies \
            else category.urgencies[0]
    if category.urgencies and urgency not in category.urgencies:
        raise WorkflowInputError(URGENCY_NOT_ALLOWED % {"urgency": Urgency(urgency).label}, "urgency")
    return urgency


def _grids_served_by(reporter):
    """Return the ids of the grids `reporter` serves as a grid worker (their active GridMember rows),
    or None when the reporter is not a grid worker, whose reports are never marked."""
    if reporter is None or getattr(reporter, "role", None) != User.Role.GRID_WORKER:
        return None
    return set(GridMember.objects.filter(user=reporter, is_active=True).values_list("grid_id", flat=True))


def _outside(own_grids, grid):
    """Return whether a report in `grid` lies outside `own_grids` (what _grids_served_by answers)."""
    return own_grids is not None and grid.pk not in own_grids


def _next_numbers(day, count):
    """Return `count` consecutive work-order numbers of `day` (SJ202611230001 …)."""
    return numbers_reserve(TicketNumberCounter, prefix="SJ", day=day, count=count)


def reporter_check(reporter):
    """Raise PermissionDenied unless `reporter` may report work orders: someone of the case work (who sees
    areas), or None for a citizen or a machine source. Never one of the three administrators (三员)."""
    if reporter is not None and not sees_areas(reporter):
        raise PermissionDenied(NOT_A_REPORTER)


def ticket_create(*, source, category, description, location, urgency=None, address="", reporter=None,
                  reporter_phone="", idempotency_key=None, self_handled=False, feedback="", photos=(), place=None,
                  limit=None, position_source=PositionSource.DEVICE, request_extras=None, component=None,
                  component_damaged=False):
    """Store a new work order, located, and queue its routing; return (ticket, created).

    `place` is the grid_locate() Location of `location` when the caller has it already; `limit`
    (sign/handle/verify minutes and clock_time) replaces the category's time limits, as the
    hotline's own limits do (hotline.services, domain.md §4). `position_source` decides whether
    the photos keep their EXIF position (photo_gps_needed).

    With an `idempotency_key` already used by the same request (ticket_fingerprint, `request_extras`
    included), the existing ticket is returned and nothing is kept (the photos stored for the
    attempt are deleted again), so a client retrying after a network drop never makes two; used by
    another request, IdempotencyKeyReused is raised instead of answering with a ticket that is not
    the one asked for. The key's unique index refuses the second insert (no lookup first: retries
    are rare), and the fingerprints are compared after it. The RoutingRequest row
    is the durable record that routing is still owed: if the broker loses the message, the
    `resend_pending_routing` sweep sends it again.

    A grid worker may report a place outside the grids they serve (a matter seen on the way):
    it is accepted and routed like any other, and marked `outside_own_grids` for the dispatcher.

    A report naming a city `component` is routed to its owner unit; with `component_damaged` the
    component is marked damaged (components.services.component_fault_record).
    """
    reporter_check(reporter)
    urgency = ticket_urgency(category, urgency)
    if self_handled and not feedback.strip():
        raise WorkflowInputError(FEEDBACK_REQUIRED, "feedback")
    if self_handled and not photos:
        raise WorkflowInputError(PHOTO_EVIDENCE_REQUIRED, "photos")
    if place is None:
        try:
            place = grid_locate(location)
        except PointOutsideGrids as exc:
            raise WorkflowInputError(str(exc), "location") from exc
    limit = limit or category.time_limit(urgency)
    keep_gps = photo_gps_needed(reporter=reporter, position_source=position_source)
    outside_own_grids = _outside(_grids_served_by(reporter), place.grid)
    stored = photos_store(photos, keep_gps=keep_gps)  # before the transaction, deleted if it fails (incidents.photos)
    if component is not None:
        request_extras = {**(request_extras or {}), "component": component.code, "damaged": component_damaged}
    fingerprint = ticket_fingerprint(
        source=source, category=category, urgency=urgency, description=description, address=address,
        location=location, reporter_phone=reporter_phone, self_handled=self_handled, feedback=feedback,
        photos=photos, position_source=position_source, extras=request_extras,
    ) if idempotency_key else ""
    try:
        with photos_kept_if_committed(stored), transaction.atomic():
            ticket = Ticket.objects.create(
                number=_next_numbers(timezone.localdate(), 1)[0], source=source, category=category, urgency=urgency,
                description=description, address=address, location=location, reporter=reporter,
                grid=place.grid, community=place.at(Area.Level.COMMUNITY), street=place.at(Area.Level.STREET),
                district=place.at(Area.Level.DISTRICT), area_code=place.grid.code,
                **crypto.sealed("reporter_phone", reporter_phone, mask=mask_phone),
                idempotency_key=idempotency_key or None, request_fingerprint=fingerprint,
                self_handled=self_handled, feedback=feedback, outside_own_grids=outside_own_grids,
                sign_minutes=limit.sign_minutes, handle_minutes=limit.handle_minutes,
                verify_minutes=limit.verify_minutes, clock_time=limit.clock_time,
                extension_max_minutes=limit.extension_max_minutes,
            )
            photos_attach(ticket=ticket, photos=stored, stage=TicketPhoto.Stage.REPORT, user=reporter)
            TicketEvent.objects.create(ticket=ticket, action="report", to_status=ticket.status, actor=reporter)
            if component is not None:
                component_fault_record(ticket=ticket, component=component, damaged=component_damaged, actor=reporter)
            # Marked as sent now: if the message is lost, the resend sweep finds it a minute later.
            RoutingRequest.objects.create(ticket=ticket, enqueued_at=timezone.now())
            transaction.on_commit(routing_wake_up)
    except IntegrityError:
        existing = Ticket.objects.filter(idempotency_key=idempotency_key).first() if idempotency_key else None
        if existing is None:
            raise
        return _retried(existing, fingerprint), False
    return ticket, True


@dataclass(frozen=True)
class TicketDraft:
    """One work order of a batch, located already (`place` from grids.selectors.grid_locate_many)."""

    category: Category
    description: str
    location: Point
    place: Location
    urgency: str = ""
    address: str = ""
    idempotency_key: str | None = None


def ticket_create_batch(*, source, reporter, drafts):
    """Store many work orders in one transaction, queue their routing; return [(ticket, created)].

    The batch intake of machine sources (sensor and AI alerts, transfers from other platforms):
    set-based like the router, one number range and one INSERT per table for the whole batch, so
    a ticket costs a fraction of a single POST (docs/benchmarks.md, intake). All or nothing: an
    invalid draft raises before anything is written. A draft whose idempotency key is used
    already (by an earlier batch or single report) returns that ticket, like ticket_create, if
    the same request made it; if another did, IdempotencyKeyReused is raised and nothing is written.
    """
    reporter_check(reporter)
    urgencies = [ticket_urgency(draft.category, draft.urgency) for draft in drafts]
    keys = [draft.idempotency_key for draft in drafts if draft.idempotency_key]
    if len(keys) != len(set(keys)):
        raise WorkflowInputError(IDEMPOTENCY_KEY_REPEATED, "idempotency_key")
    fingerprints = [
        ticket_fingerprint(source=source, category=draft.category, urgency=urgency, description=draft.description,
                           address=draft.address, location=draft.location) if draft.idempotency_key else ""
        for draft, urgency in zip(drafts, urgencies)
    ]
    for attempt in range(2):
        try:
            with transaction.atomic():
                return _tickets_insert(source, reporter, drafts, urgencies, fingerprints, keys)
        except IntegrityError:  # a concurrent request took one of the keys: read it the second time
            if attempt or not keys:
                raise


def _tickets_insert(source, reporter, drafts, urgencies, fingerprints, keys):
    existing = Ticket.objects.select_related("grid").in_bulk(keys, field_name="idempotency_key") if keys else {}
    for index, (draft, fingerprint) in enumerate(zip(drafts, fingerprints)):
        if draft.idempotency_key in existing:
            _retried(existing[draft.idempotency_key], fingerprint,
                     IDEMPOTENCY_KEY_REUSED_IN_BATCH % {"index": index})
    new = [(draft, urgency, fingerprint) for draft, urgency, fingerprint in zip(drafts, urgencies, fingerprints)
           if draft.idempotency_key not in existing]
    numbers = _next_numbers(timezone.localdate(), len(new))
    limits, tickets, own_grids = {}, [], _grids_served_by(reporter)
    for number, (draft, urgency, fingerprint) in zip(numbers, new):
        if (draft.category.pk, urgency) not in limits:
            limits[draft.category.pk, urgency] = draft.category.time_limit(urgency)
        limit = limits[draft.category.pk, urgency]
        tickets.append(Ticket(
            number=number, source=source, category=draft.category, urgency=urgency, description=draft.description,
            address=draft.address, location=draft.location, reporter=reporter, grid=draft.place.grid,
            community=draft.place.at(Area.Level.COMMUNITY), street=draft.place.at(Area.Level.STREET),
            district=draft.place.at(Area.Level.DISTRICT), area_code=draft.place.grid.code,
            idempotency_key=draft.idempotency_key, request_fingerprint=fingerprint,
            outside_own_grids=_outside(own_grids, draft.place.grid),
            sign_minutes=limit.sign_minutes,
            handle_minutes=limit.handle_minutes, verify_minutes=limit.verify_minutes, clock_time=limit.clock_time,
            extension_max_minutes=limit.extension_max_minutes,
        ))
    created = Ticket.objects.bulk_create(tickets)
    if created:
        TicketEvent.objects.bulk_create(TicketEvent(ticket=ticket, action="report", to_status=ticket.status,
                                                    actor=reporter) for ticket in created)
        now = timezone.now()
        RoutingRequest.objects.bulk_create(RoutingRequest(ticket=ticket, enqueued_at=now) for ticket in created)
        transaction.on_commit(routing_wake_up)
    made = iter(created)
    return [(existing[draft.idempotency_key], False) if draft.idempotency_key in existing else (next(made), True)
            for draft in drafts]


def ticket_route(*, ticket_id):
    """Route one pending ticket now (the router does this in batches) and return it."""
    tickets_route(ticket_ids=[ticket_id])
    return Ticket.objects.get(pk=ticket_id)


def _set_due(ticket, start, minutes, kind):
    ticket.due_at = deadline(start, minutes, clock_time=ticket.clock_time)
    ticket.due_kind = kind


def escalation_due(start, *, handle_minutes, clock_time):
    """Return (deadline, kind) of a ticket moved up the chain at `start`: the superior unit gets
    the whole handling time limit anew. Used by the whistle (ticket_escalate) and the sweep."""
    return deadline(start, handle_minutes, clock_time=clock_time), Ticket.DueKind.HANDLE


def _clear_due(ticket):
    ticket.due_at, ticket.due_kind = None, ""


def ticket_accept(*, ticket_id, actor):
    """The unit files the matter (受理) and starts handling it; a citizen's valid report earns points in the
    participation ledger (participation.points)."""
    def change(t):
        _set_due(t, timezone.now(), t.handle_minutes, Ticket.DueKind.HANDLE)
        if t.source == Ticket.Source.CITIZEN and t.reporter_phone_encrypted:
            phone = crypto.decrypt(t.reporter_phone_encrypted)
            points_for_report(ticket=t, phone=phone)

    return TICKETS.apply(ticket_id, "accept", actor=actor, change=change)


def ticket_reject(*, ticket_id, actor, reason_code, reason=""):
    """The unit refuses the report: invalid, a duplicate or not government business."""
    if reason_code not in REJECT_REASONS:
        raise WorkflowInputError(_("Unknown reason code."), "reason_code")
    return TICKETS.apply(ticket_id, "reject", actor=actor, reason_code=reason_code, reason=reason,
                         change=_close_without_handling, notify=[])


def _close_without_handling(ticket):
    _clear_due(ticket)
    ticket.closed_at = timezone.now()


def ticket_dispatch(*, ticket_id, actor, unit, reason=""):
    """The street sends the matter to a department (派单); the sign-for clock starts. Another department
    than the one the dispatch catalogue names takes a reason (dispatch.services.street_override_record)."""
    if unit.kind != HandlingUnit.Kind.DEPARTMENT:
        raise WorkflowInputError(NOT_A_DEPARTMENT, "unit")

    def change(t):
        street_override_record(ticket=t, actor=actor, unit=unit, reason=reason)
        t.handling_unit, t.handler = unit, None
        _set_due(t, timezone.now(), t.sign_minutes, Ticket.DueKind.SIGN)

    return TICKETS.apply(ticket_id, "dispatch", actor=actor, reason=reason, change=change, notify=[unit.pk])


def ticket_sign(*, ticket_id, actor):
    """The department signs for the matter (签收); the handling clock starts."""
    def change(t):
        t.handler = actor
        _set_due(t, timezone.now(), t.handle_minutes, Ticket.DueKind.HANDLE)

    return TICKETS.apply(ticket_id, "sign", actor=actor, change=change)


def ticket_start(*, ticket_id, actor):
    """The unit starts work on site."""
    return TICKETS.apply(ticket_id, "start", actor=actor)


def ticket_return(*, ticket_id, actor, reason_code, reason=""):
    """The department sends the matter back (退单) with a reason; the street reviews it."""
    if reason_code not in RETURN_REASONS:
        raise WorkflowInputError(_("Unknown reason code."), "reason_code")
    TICKETS.require_reason(reason)

    def change(t):
        if t.handling_unit.kind == HandlingUnit.Kind.DISTRICT_GOVERNMENT:
            raise DomainConflict(FIRST_RECEIVER_KEEPS)
        t.handling_unit, t.handler = t.dispatcher_unit, None
        _set_due(t, timezone.now(), t.sign_minutes, Ticket.DueKind.REVIEW)

    return TICKETS.apply(ticket_id, "return", actor=actor, reason_code=reason_code, reason=reason,
                         change=change, notify=lambda t: [t.dispatcher_unit_id])


def ticket_escalate(*, ticket_id, actor, reason):
    """The unit blows the whistle (吹哨): the matter goes to its superior unit, which must come."""
    TICKETS.require_reason(reason)

    def change(t):
        superior_id = t.handling_unit.superior_id if t.handling_unit_id else None
        if superior_id is None:
            raise WorkflowInputError(NO_SUPERIOR)
        t.handling_unit_id, t.handler = superior_id, None
        t.due_at, t.due_kind = escalation_due(timezone.now(), handle_minutes=t.handle_minutes,
                                              clock_time=t.clock_time)

    return TICKETS.apply(ticket_id, "escalate", actor=actor, reason=reason, change=change,
                         notify=lambda t: [t.handling_unit_id])


def ticket_request_extension(*, ticket_id, actor, minutes, reason):
    """The unit asks for more time (延期) before its deadline passes."""
    TICKETS.require_reason(reason)
    if minutes <= 0:
        raise WorkflowInputError(_("Ask for a positive amount of time."), "minutes")

    def change(t):
        if t.due_at is None or t.due_at <= timezone.now():
            raise WorkflowInputError(EXTENSION_TOO_LATE, "minutes")
        if t.extension_max_minutes is not None and minutes > t.extension_max_minutes:
            days = t.extension_max_minutes / (24 * 60 if t.clock_time else working_day_minutes())
            raise WorkflowInputError(EXTENSION_TOO_LONG % {"days": f"{days:g}"}, "minutes")
        t.extension_requested_minutes = minutes

    return TICKETS.apply(ticket_id, "request_extension", actor=actor, reason=reason, change=change,
                         notify=lambda t: [t.dispatcher_unit_id])


def ticket_approve_extension(*, ticket_id, actor):
    """The street grants the requested time: the running deadline moves by that much, and the
    citizens are told by SMS after commit (incidents.extensions)."""
    def change(t):
        t.due_at = deadline(t.due_at or timezone.now(), t.extension_requested_minutes, clock_time=t.clock_time)
        t.due_kind = t.due_kind or Ticket.DueKind.HANDLE
        t.extension_requested_minutes = None
        transaction.on_commit(lambda: extension_citizens_tell(t.pk))

    return TICKETS.apply(ticket_id, "approve_extension", actor=actor, change=change,
                         notify=lambda t: [t.handling_unit_id])


def ticket_deny_extension(*, ticket_id, actor, reason):
    """The street refuses the requested time."""
    TICKETS.require_reason(reason)

    def change(t):
        t.extension_requested_minutes = None

    return TICKETS.apply(ticket_id, "deny_extension", actor=actor, reason=reason, change=change,
                         notify=lambda t: [t.handling_unit_id])


def clock_stop(ticket):
    """Stop `ticket`'s clock, remembering the time left (a suspension, the register)."""
    if ticket.due_at is not None:
        ticket.paused_minutes_left = minutes_left(timezone.now(), ticket.due_at, clock_time=ticket.clock_time)
    _clear_due(ticket)


def clock_restart(ticket):
    """Run `ticket`'s clock again with the time that was left when it stopped (after the move back)."""
    if ticket.paused_minutes_left is not None:
        kind = Ticket.DueKind.SIGN if ticket.status == Ticket.Status.DISPATCHED else Ticket.DueKind.HANDLE
        _set_due(ticket, timezone.now(), ticket.paused_minutes_left, kind)
    ticket.paused_minutes_left = None


def ticket_suspend(*, ticket_id, actor, reason):
    """The street parks the matter (挂起): the clock stops with the time left remembered."""
    TICKETS.require_reason(reason)
    return TICKETS.apply(ticket_id, "suspend", actor=actor, reason=reason, change=clock_stop)


def ticket_resume(*, ticket_id, actor):
    """The clock runs again with the time that was left when it stopped."""
    return TICKETS.apply(ticket_id, "resume", actor=actor, change=clock_restart)


def ticket_handle(*, ticket_id, actor, feedback, photos=()):
    """The unit reports the matter handled (办结反馈) with evidence photos; the reporter's side verifies it."""
    if not (feedback or "").strip():
        raise WorkflowInputError(FEEDBACK_REQUIRED, "feedback")
    stored = photos_store(photos)  # before the row lock, deleted if the action is refused (incidents.photos)

    def change(t):
        t.feedback = feedback
        photos_attach(ticket=t, photos=stored, stage=TicketPhoto.Stage.FEEDBACK, user=actor)
        _set_due(t, timezone.now(), t.verify_minutes, Ticket.DueKind.VERIFY)

    with photos_kept_if_committed(stored):
        return TICKETS.apply(ticket_id, "handle", actor=actor, change=change)


def ticket_verify(*, ticket_id, actor):
    """The grid worker or community confirms on site that the matter is solved (核查)."""
    return TICKETS.apply(ticket_id, "verify", actor=actor, change=_clear_due)


def ticket_verify_fail(*, ticket_id, actor, reason):
    """The check on site found the matter unsolved: back to the unit, with a new handling clock."""
    TICKETS.require_reason(reason)
    return TICKETS.apply(ticket_id, "verify_fail", actor=actor, reason=reason,
                         notify=lambda t: [t.handling_unit_id],
                         change=lambda t: _set_due(t, timezone.now(), t.handle_minutes, Ticket.DueKind.HANDLE))


def ticket_close(*, ticket_id, actor):
    """The work order is closed (结案)."""
    def change(t):
        t.closed_at = timezone.now()

    return TICKETS.apply(ticket_id, "close", actor=actor, change=change)


def ticket_rate(*, ticket_id, actor, satisfaction):
    """The reporter's satisfaction (评价)."""
    if satisfaction not in Ticket.Satisfaction.values:
        raise WorkflowInputError(_("Unknown satisfaction."), "satisfaction")

    def change(t):
        t.satisfaction = satisfaction

    return TICKETS.apply(ticket_id, "rate", actor=actor, reason_code=satisfaction, change=change)


def ticket_void(*, ticket_id, actor, reason):
    """The dispatching street voids (作废) a work order made by mistake or twice: its clocks stop and it
    leaves every open list, its record stays (work orders are never deleted)."""
    TICKETS.require_reason(reason)

    def change(t):
        _close_without_handling(t)
        t.paused_minutes_left = t.extension_requested_minutes = None
        t.status_before_suspension = ""

    return TICKETS.apply(ticket_id, "void", actor=actor, reason=reason, change=change,
                         notify=lambda t: [t.handling_unit_id])


def reopen_change(ticket):
    """Open a closed ticket again, unrated, with a new sign-for clock: the change of ticket_reopen
    and of the hotline's second handling (hotline.services.ticket_rehandle)."""
    ticket.closed_at = None
    ticket.satisfaction = ""
    _set_due(ticket, timezone.now(), ticket.sign_minutes, Ticket.DueKind.SIGN)


def ticket_reopen(*, ticket_id, actor, reason):
    """An unsatisfied matter goes back to the unit that handled it, to be signed for again."""
    TICKETS.require_reason(reason)
    return TICKETS.apply(ticket_id, "reopen", actor=actor, reason=reason, change=reopen_change,
                         notify=lambda t: [t.handling_unit_id])


# Every workflow action a person takes, by name (as in workflow.TRANSITIONS): pages and API use this.
ACTION_SERVICES = {
    "accept": ticket_accept, "reject": ticket_reject, "dispatch": ticket_dispatch, "sign": ticket_sign,
    "start": ticket_start, "return": ticket_return, "escalate": ticket_escalate,
    "request_extension": ticket_request_extension, "approve_extension": ticket_approve_extension,
    "deny_extension": ticket_deny_extension, "suspend": ticket_suspend, "resume": ticket_resume,
    "handle": ticket_handle, "verify": ticket_verify, "verify_fail": ticket_verify_fail, "close": ticket_close,
    "rate": ticket_rate, "reopen": ticket_reopen, "void": ticket_void,
    **DISPATCH_SERVICES,  # co-handling and objections (dispatch.services)
}


def notifications_mark_read(*, user, feed, notification_id=None):
    """Mark the unread notifications of one of the user's feeds read ("mine": addressed to them,
    "unit": to their unit), only `notification_id` if given; return how many."""
    if feed == Notification.Feed.MINE:
        addressed = Q(user=user)
    elif sees_areas(user):  # not an account still waiting for its role
        addressed = Q(unit_id=user.unit_id, unit_id__isnull=False)
    else:
        return 0
    unread = Notification.objects.filter(addressed, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())
