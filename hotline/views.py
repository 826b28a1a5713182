"""Pages of the hotline: the operator's intake, calls with masked numbers, the follow-up of its
work orders (督办, 答复, 回访, 二次办理) and the three rates. Every change goes through hotline.services."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.access import scope_area
from govportal.errors import DomainInputError
from govportal.pages import action_form, action_take
from govportal.periods import PeriodForm
from incidents.forms import FORM_SENT_BEFORE
from incidents.models import Ticket
from incidents.merging import merged_into
from incidents.register import register_entries_open
from incidents.selectors import ticket_list
from incidents.selectors import ticket_board
from incidents.services import IdempotencyKeyReused
from incidents.views import ticket_or_404
from incidents.workflow import TICKETS

from . import selectors, services
from .documents import supervision_notice_response
from .forms import ACTION_FORMS, CallForm
from .models import Call

# Texts of static/js/hotline_intake.js.
INTAKE_LABELS = {
    "because": gettext_lazy("because of: %(words)s"),
    "link": gettext_lazy("Link to this one"),
    "use": gettext_lazy("Answer with this"),
    "none": gettext_lazy("Nothing yet."),
    "metres": gettext_lazy("%(m)s m away"),
    "supervised": gettext_lazy("Supervised"),
}

CALLS_PER_PAGE = 50

# Service input names → the intake form's fields that hold them.
FORM_FIELDS = {"location": "address", "ticket": "link_ticket"}


@login_required
def intake(request):
    """The operator's call form; hints appear beside it as the call is typed."""
    services.require_operator(request.user)
    form = CallForm(request.POST or None, user=request.user,
                    initial={"idempotency_key": uuid.uuid4().hex, "started_at": timezone.now()})
    if request.method == "POST" and form.is_valid():
        data, call = form.cleaned_data, None
        try:
            if data["outcome"] == Call.Outcome.ANSWERED:
                call = services.call_answer(operator=request.user, article=data["article"], answer=data["answer"],
                                            referral=data["referral"], **form.call_fields())
            elif data["outcome"] == Call.Outcome.LINKED:
                if data["link_ticket"] is None:
                    raise services.HotlineInputError(services.TICKET_NOT_OPEN, "link_ticket")
                call = services.call_link(operator=request.user, ticket=data["link_ticket"], **form.call_fields())
            else:
                call = services.call_dispatch(operator=request.user, idempotency_key=data["idempotency_key"],
                                              **form.call_fields())
        except DomainInputError as error:
            field = FORM_FIELDS.get(error.field, error.field)
            form.add_error(field if field in form.fields else None, str(error))
        except IdempotencyKeyReused:
            form.add_error(None, FORM_SENT_BEFORE)
            form.renew_key()
        if call is not None:
            if call.ticket_id:
                messages.success(request, _("Call recorded: %(outcome)s %(number)s.") % {
                    "outcome": call.get_outcome_display(), "number": call.ticket.number})
            else:
                messages.success(request, _("Call recorded: %(outcome)s.") % {"outcome": call.get_outcome_display()})
            return redirect("hotline-intake")
    return render(request, "hotline/intake.html", {"form": form, "intake_labels": INTAKE_LABELS})


@login_required
def call_list(request):
    """The calls, newest first, a page at a time, numbers masked; the intake roles may reveal one (logged)."""
    calls = selectors.call_list(user=request.user).order_by("-started_at", "-pk")
    page = Paginator(calls, CALLS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "hotline/calls.html", {"page": page, "may_reveal": selectors.is_intake_role(request.user)})


@login_required
def call_detail(request, call_id):
    """One call; a POST reveals the caller's number to an intake role and records it."""
    call = get_object_or_404(selectors.call_list(user=request.user), pk=call_id)
    phone = None
    if request.method == "POST":
        phone = services.phone_reveal(call=call, user=request.user)
    return render(request, "hotline/call.html", {
        "call": call, "phone": phone, "may_reveal": selectors.is_intake_role(request.user),
        "reveals": call.reveals.select_related("user")[:20] if selectors.is_intake_role(request.user) else [],
    })


@login_required
def follow_up(request):
    """The hotline's open work orders in your scope, supervised first; or those awaiting their callback."""
    state = request.GET.get("state")
    if state == "callback":
        tickets = selectors.callbacks_awaiting(user=request.user)
    else:
        tickets = ticket_board(user=request.user).filter(source=Ticket.Source.HOTLINE,
                                                         status__in=Ticket.OPEN_STATUSES)[:200]
    return render(request, "hotline/follow_up.html", {"tickets": tickets, "state": state})


@login_required
def ticket_panel(request, ticket_id, forms=None, citizen_phone=None):
    """A work order the hotline follows: its calls, replies and callbacks, and the steps you may take now."""
    ticket = ticket_or_404(request.user, ticket_id)
    allowed = TICKETS.allowed_actions(ticket, request.user)
    forms = forms or {}
    action_forms = {name: forms.get(name) or action_form(form_class, ticket)
                    for name, form_class in ACTION_FORMS.items() if name in allowed}
    return render(request, "hotline/ticket.html", {
        "ticket": ticket, "action_forms": action_forms,
        "calls": selectors.call_list(user=request.user, ticket=ticket),
        "replies": ticket.hotline_replies.select_related("unit", "replied_by"),
        "callbacks": ticket.hotline_callbacks.select_related("operator", "unit"),
        "overdue_notices": ticket.overdue_notices.select_related("unit"),
        "register_entries": ticket.register_entries.select_related("registered_by"),
        "merged_in": merged_into(ticket), "merged_into": ticket.merges.filter(unmerged_at__isnull=True)
        .select_related("master").first(),
        "contacts": ticket.citizen_contacts.select_related("contacted_by", "unit"),
        "citizen_phone": citizen_phone, "may_reveal": services.may_reach_citizen(ticket, request.user),
    })


@login_required
@require_POST
def ticket_citizen_reveal(request, ticket_id):
    """Show the citizen's full number to an operator (for the callback) or the holding unit (to
    contact them), the reveal recorded."""
    ticket = ticket_or_404(request.user, ticket_id)
    phone = services.citizen_phone_reveal(ticket=ticket, user=request.user)
    return ticket_panel(request, ticket_id, citizen_phone=phone)


@login_required
@require_POST
def ticket_act(request, ticket_id, action):
    """Take one follow-up step; on bad input the panel comes back with the form's errors."""
    if action not in ACTION_FORMS:
        raise Http404
    ticket = ticket_or_404(request.user, ticket_id)
    done, form = action_take(request, service=services.ACTION_SERVICES[action], form_class=ACTION_FORMS[action],
                             subject=ticket, id_kwarg="ticket_id")
    if done or not form.errors:  # done, or a conflict or refusal that was flashed
        return redirect("hotline-ticket", ticket_id=ticket_id)
    return ticket_panel(request, ticket_id, forms={action: form})


@login_required
def supervision_notice_pdf(request, notice_id):
    """The written supervision notice (督办单) of a work order you may see, as a PDF."""
    notice = get_object_or_404(selectors.supervision_notice_list(user=request.user), pk=notice_id)
    return supervision_notice_response(request, notice)


@login_required
def register(request):
    """The register (挂账) of the matters in your scope, next review first; a due review is marked."""
    entries = register_entries_open(ticket_list(user=request.user))[:500]
    return render(request, "hotline/register.html", {"entries": entries, "today": timezone.localdate()})


@login_required
def rates(request):
    """The three rates of your area and the ranking of its units for a period (this month by default)."""
    form = PeriodForm(request.GET or None)
    area, totals, ranking, referrals = scope_area(request.user), None, [], []
    if not form.errors:
        period = form.period()
        if area is not None:
            totals = selectors.three_rates_for_area(area_code=area.code, period=period)
        ranking = selectors.three_rates_by_unit(user=request.user, period=period)
        referrals = selectors.referral_counts(period=period)
    return render(request, "hotline/rates.html", {
        "form": form, "area": area, "totals": totals, "ranking": ranking, "referrals": referrals,
    }, status=400 if form.errors else 200)
