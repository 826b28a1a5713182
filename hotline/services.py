"""Writes of the hotline: a call's three endings, the steps after dispatch, reveals and Open311 intake.

A call that needs handling becomes an incidents.Ticket through incidents.services.ticket_create,
with the hotline's own time limits; the steps after dispatch (督办, 答复, 回访, 二次办理) go through
the work orders' workflow (incidents.workflow.TICKETS), which locks, checks the transition table and the actor, and
writes the ticket's event row in the same transaction as the hotline's own record.
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEvent
from audit.services import audit_record
from govportal import crypto
from govportal.errors import DomainInputError
from govportal.masking import mask_email, mask_name, mask_phone
from incidents.models import Ticket, TimeLimit, Urgency
from incidents.merging import merged_into, ticket_merge, ticket_unmerge
from incidents.register import ticket_park, ticket_register_review, ticket_unpark
from incidents.services import idempotency_key_of, reopen_change, ticket_create, ticket_urgency
from incidents.workflow import HANDLERS, TICKETS
from incidents.worktime import deadline, working_day_minutes

from .models import (
    PLACE_RETENTION_DAYS, Call, Callback, CitizenContact, HotlineTimeLimit, Open311Request, PhoneReveal, Referral, Reply,
    RequestType, TicketPlace,
)
from .selectors import is_intake_role

NOT_AN_OPERATOR = _("Only the hotline's operators record calls.")
MAY_NOT_REVEAL = _("Your role may not see callers' phone numbers.")
ANSWER_REQUIRED = _("Choose a knowledge article or write the answer given.")
ONLY_ENQUIRIES_ANSWERED = _("Only enquiries, suggestions and praise are settled on the call, "
                            "unless the request is not government business and the caller is given its route.")
REFERRAL_UNKNOWN = _("Choose one of the routes given.")
LOCATION_REQUIRED = _("Locate the matter: search an address or click on the map.")
CATEGORY_REQUIRED = _("Choose a category.")
TICKET_NOT_OPEN = _("Link the call to a work order that is still open.")
REPLY_REQUIRED = _("Write the reply given to the citizen.")
SATISFACTION_REQUIRED = _("Record the citizen's satisfaction.")
CALL_ENDS_BEFORE_START = _("The call cannot end before it started.")
CONTACT_IN_FUTURE = _("A contact is recorded once it has taken place.")

DIRECT_ANSWER_TYPES = (RequestType.ENQUIRY, RequestType.SUGGESTION, RequestType.PRAISE)


class HotlineInputError(DomainInputError):
    """Input that breaks a hotline rule (HTTP 400)."""


def require_operator(user):
    """Raise PermissionDenied unless `user` takes calls: the one check of services, pages and API."""
    if not is_intake_role(user):
        raise PermissionDenied(NOT_AN_OPERATOR)


def hotline_time_limit(*, category, urgency):
    """Return the time limits (an unsaved incidents TimeLimit) of a hotline order, domain.md §4.

    Urgent matters take the emergency class; a category listed under a class (utilities) takes
    that class; complex matters the complex one; the rest the ordinary one. Dispatch limit →
    the sign-for clock, reply limit → the handling clock; verification keeps the category's.
    An extension is at most HOTLINE_EXTENSION_MAX_WORKING_DAYS (10 working days; clock days
    for clock-time classes).
    """
    limits = {limit.kind: limit for limit in HotlineTimeLimit.objects.prefetch_related("categories")}
    K = HotlineTimeLimit.Kind
    kind = K.EMERGENCY if urgency == Urgency.URGENT else next(
        (kind for kind in (K.UTILITIES, K.COMPLEX, K.ORDINARY)
         if kind in limits and category in limits[kind].categories.all()),
        K.COMPLEX if urgency == Urgency.COMPLEX else K.ORDINARY,
    )
    usual = category.time_limit(urgency)
    hotline = limits.get(kind)
    limit = usual if hotline is None else TimeLimit(  # no class (an admin removed it): the catalogue's limits
        urgency=urgency, sign_minutes=hotline.dispatch_minutes, handle_minutes=hotline.reply_minutes,
        verify_minutes=usual.verify_minutes, clock_time=hotline.clock_time,
    )
    day = 24 * 60 if limit.clock_time else working_day_minutes()
    limit.extension_max_minutes = settings.HOTLINE_EXTENSION_MAX_WORKING_DAYS * day
    return limit


def _call_fields(*, operator, caller_phone, caller_name, request_type, content, address, location, place,
                 category, urgency, confidential, started_at):
    ended_at = timezone.now()
    if started_at > ended_at:
        raise HotlineInputError(CALL_ENDS_BEFORE_START, "started_at")
    return {
        "operator": operator, **crypto.sealed("caller_phone", caller_phone, mask=mask_phone, indexed=True),
        **crypto.sealed("caller_name", caller_name, mask=mask_name),
        "request_type": request_type, "content": content, "address": address, "location": location,
        "area_code": place.grid.code if place else "", "category": category, "urgency": urgency or "",
        "confidential": confidential, "started_at": started_at, "ended_at": ended_at,
    }


def call_answer(*, operator, article=None, answer="", referral="", **call):
    """End a call with a direct answer (直接办结) from the knowledge base; no work order is made.

    A request outside government business, whatever its type, is answered with the route given
    (`referral`: 110, 119, a court, arbitration, the enterprise concerned), which is recorded.
    """
    require_operator(operator)
    if referral not in ("", *Referral.values):
        raise HotlineInputError(REFERRAL_UNKNOWN, "referral")
    if not referral and call["request_type"] not in DIRECT_ANSWER_TYPES:
        raise HotlineInputError(ONLY_ENQUIRIES_ANSWERED, "request_type")
    if article is None and not answer.strip() and not referral:
        raise HotlineInputError(ANSWER_REQUIRED, "answer")
    return Call.objects.create(**_call_fields(operator=operator, **call), outcome=Call.Outcome.ANSWERED,
                               article=article, answer=answer or (article.body if article else ""),
                               referral=referral)


def call_dispatch(*, operator, idempotency_key=None, **call):
    """End a call with a new work order (source hotline) under the hotline's time limits; return the call.

    The order is routed by its location through the chain like any other. A retry with the same
    `idempotency_key` (the operator's) returns the call recorded the first time; the key sent with
    another call raises IdempotencyKeyReused (incidents.services.ticket_create).
    """
    require_operator(operator)
    if call["location"] is None or call["place"] is None:
        raise HotlineInputError(LOCATION_REQUIRED, "location")
    category = call["category"]
    if category is None:
        raise HotlineInputError(CATEGORY_REQUIRED, "category")
    # Decided once, so the hotline's limits and the order agree on the category's default urgency.
    urgency = ticket_urgency(category, call["urgency"])
    limit = hotline_time_limit(category=category, urgency=urgency)
    with transaction.atomic():
        ticket, created = ticket_create(
            source=Ticket.Source.HOTLINE, category=category, urgency=urgency,
            description=call["content"], address=call["address"], location=call["location"],
            reporter=operator, idempotency_key=idempotency_key_of(operator, idempotency_key),
            place=call["place"], limit=limit, request_extras=_call_details(call),
        )
        if not created:
            return ticket.hotline_calls.order_by("started_at").first()
        return Call.objects.create(
            **_call_fields(operator=operator, **call), outcome=Call.Outcome.NEW_TICKET, ticket=ticket,
            reply_due_at=deadline(ticket.created_at, limit.handle_minutes, clock_time=limit.clock_time),
        )


def _call_details(call):
    """Return what a call tells beside its work order, which its retry repeats: who called and how.

    Not `started_at`: the API moves a start in the future to the time it is received, so a retry's may differ.
    """
    return {name: call[name] for name in ("caller_phone", "caller_name", "request_type", "confidential")}


def call_link(*, operator, ticket, **call):
    """End a repeat call by linking it to an open work order about the same matter (重复件/并单)."""
    require_operator(operator)
    if ticket.status not in Ticket.OPEN_STATUSES:
        raise HotlineInputError(TICKET_NOT_OPEN, "ticket")
    return Call.objects.create(**_call_fields(operator=operator, **call), outcome=Call.Outcome.LINKED, ticket=ticket)


def phone_reveal(*, call, user):
    """Return the caller's full number for `user`, recording the reveal; PermissionDenied for others,
    whose attempt goes into the audit trail (a granted reveal goes there from its PhoneReveal row)."""
    if not is_intake_role(user):
        audit_record(action=AuditEvent.Action.REVEAL, result=AuditEvent.Result.FAILURE, actor=user,
                     target=f"hotline.call:{call.pk}", details={"field": "phone"})
        raise PermissionDenied(MAY_NOT_REVEAL)
    PhoneReveal.objects.create(call=call, user=user)
    return crypto.decrypt(call.caller_phone_encrypted)


def may_reach_citizen(ticket, user):
    """Return whether `user` may reveal the citizen's number of `ticket`: the hotline's operators (for
    the callback), and the staff of the unit holding it (to contact the citizen) unless it is confidential."""
    if is_intake_role(user):
        return True
    first_call = ticket.hotline_calls.order_by("started_at").first()
    confidential = first_call is not None and first_call.confidential
    return (user.is_authenticated and user.role in HANDLERS and user.unit_id is not None
            and user.unit_id == ticket.handling_unit_id and not confidential)


def citizen_phone_reveal(*, ticket, user):
    """Return the full number of the citizen `ticket` answers (its first caller, or its reporter),
    recording the reveal (PhoneReveal for a call, the audit trail for a report); PermissionDenied,
    recorded too, for anyone may_reach_citizen refuses."""
    call = ticket.hotline_calls.order_by("started_at").first()
    target = f"hotline.call:{call.pk}" if call else f"incidents.ticket:{ticket.pk}"
    if not may_reach_citizen(ticket, user):
        audit_record(action=AuditEvent.Action.REVEAL, result=AuditEvent.Result.FAILURE, actor=user,
                     target=target, details={"field": "phone"})
        raise PermissionDenied(MAY_NOT_REVEAL)
    if call is not None:
        PhoneReveal.objects.create(call=call, user=user)
        return crypto.decrypt(call.caller_phone_encrypted)
    audit_record(action=AuditEvent.Action.REVEAL, result=AuditEvent.Result.SUCCESS, actor=user,
                 target=target, details={"field": "reporter_phone"})
    return crypto.decrypt(ticket.reporter_phone_encrypted)


# --- after dispatch --------------------------------------------------------------------------


def ticket_supervise(*, ticket_id, actor, reason):
    """A supervisor flags the order for supervision (督办): listed first, counted in assessment."""
    TICKETS.require_reason(reason)

    def change(ticket):
        if ticket.supervised_at is None:
            ticket.supervised_at, ticket.supervised_by = timezone.now(), actor

    return TICKETS.apply(ticket_id, "supervise", actor=actor, reason=reason, change=change,
                         notify=lambda t: [t.handling_unit_id])


def ticket_reply(*, ticket_id, actor, content):
    """The handling unit records its reply to the citizen (答复); in time if before the call's reply_due_at.

    That deadline is fixed when the order is made: extensions and suspensions of the ticket's
    clock do not move it. The reply reaches the citizens of the orders merged into this one too
    (并单), each judged against its own deadline. Shown on the order's panel; the rates count
    callbacks, not replies.
    """
    TICKETS.require_reason(content, "content", REPLY_REQUIRED)

    def change(ticket):
        now = timezone.now()
        for order in (ticket, *merged_into(ticket)):
            first_call = order.hotline_calls.filter(outcome=Call.Outcome.NEW_TICKET).first()
            due = first_call.reply_due_at if first_call else None
            Reply.objects.create(ticket=order, unit=ticket.handling_unit, replied_by=actor, content=content,
                                 in_time=due is None or now <= due)

    return TICKETS.apply(ticket_id, "reply", actor=actor, reason=content, change=change)


def ticket_contact(*, ticket_id, actor, contacted_at, way, result, note=""):
    """The holding unit records its contact with the citizen (time, way, result); in time if by the
    call's reply deadline. A citizen reached in time makes the order responded (响应率)."""
    if contacted_at > timezone.now():
        raise HotlineInputError(CONTACT_IN_FUTURE, "contacted_at")

    def change(ticket):
        first_call = ticket.hotline_calls.filter(outcome=Call.Outcome.NEW_TICKET).first()
        due = first_call.reply_due_at if first_call else None
        CitizenContact.objects.create(ticket=ticket, unit=ticket.handling_unit, contacted_by=actor,
                                      contacted_at=contacted_at, way=way, result=result, note=note,
                                      in_time=due is None or contacted_at <= due)

    return TICKETS.apply(ticket_id, "contact", actor=actor, reason_code=result, reason=note, change=change)


def ticket_callback(*, ticket_id, actor, reached, responded=False, solved=False, satisfaction="", note=""):
    """Record the callback (回访) of a closed order; a reached citizen's answer rates the order.

    The operator records what the citizen says. The order counts as responded (the response rate)
    when its unit recorded reaching the citizen in time (ticket_contact), or the citizen says it
    did (`responded`). An unsatisfied citizen's order can then be handled again (ticket_rehandle).
    """
    if reached and satisfaction not in Ticket.Satisfaction.values:
        raise HotlineInputError(SATISFACTION_REQUIRED, "satisfaction")

    def change(ticket):
        if reached:
            ticket.satisfaction = satisfaction
        contacted = ticket.citizen_contacts.filter(in_time=True, result=CitizenContact.Result.REACHED).exists()
        Callback.objects.create(
            ticket=ticket, unit=ticket.handling_unit, operator=actor, reached=reached,
            responded=reached and (responded or contacted), solved=reached and solved,
            satisfaction=satisfaction if reached else "", note=note,
        )

    action = "callback" if reached else "callback_unreached"
    return TICKETS.apply(ticket_id, action, actor=actor, reason_code=satisfaction if reached else "",
                         reason=note, change=change)


def ticket_rehandle(*, ticket_id, actor, reason):
    """An unsatisfied citizen's order goes back to the unit that handled it (二次办理), to be signed for again."""
    TICKETS.require_reason(reason)
    return TICKETS.apply(ticket_id, "rehandle", actor=actor, reason=reason, change=reopen_change,
                         notify=lambda t: [t.handling_unit_id])


# The hotline's steps on a work order, by name (as in incidents.workflow.TRANSITIONS): pages and API use this.
ACTION_SERVICES = {
    "supervise": ticket_supervise, "reply": ticket_reply, "callback": ticket_callback, "rehandle": ticket_rehandle,
    "park": ticket_park, "register_review": ticket_register_review, "unpark": ticket_unpark,
    "merge": ticket_merge, "unmerge": ticket_unmerge, "contact": ticket_contact,
}


# --- Open311 ---------------------------------------------------------------------------------


def open311_request_create(*, api_key, category, location, place, description, urgency=None, address="", phone="",
                           email="", first_name="", last_name="", account_id="", device_id="", media_url=""):
    """Store a service request POSTed through Open311 as a citizen work order, routed by its location."""
    with transaction.atomic():
        ticket, _created = ticket_create(
            source=Ticket.Source.CITIZEN, category=category, urgency=urgency, description=description,
            location=location, address=address, reporter_phone=phone, place=place,
        )
        return Open311Request.objects.create(
            token=str(uuid.uuid4()), api_key=api_key, ticket=ticket, account_id=account_id, device_id=device_id,
            media_url=media_url, **crypto.sealed("email", email, mask=mask_email),
            **crypto.sealed("first_name", first_name, mask=mask_name),
            **crypto.sealed("last_name", last_name, mask=mask_name),
        )


def ticket_places_prune(*, now=None):
    """Delete the ticket places older than PLACE_RETENTION_DAYS; return how many.

    Nothing refers to a place, so Django deletes them in one DELETE without loading them.
    """
    cutoff = (now or timezone.now()) - timedelta(days=PLACE_RETENTION_DAYS)
    return TicketPlace.objects.filter(created_at__lt=cutoff).delete()[0]
