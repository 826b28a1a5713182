"""Pages of the work-order loop; every change goes through incidents.services."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import FileResponse, Http404, JsonResponse
from django.conf import settings
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from components.selectors import component_of_ticket
from dispatch.catalogue import catalogue_leads
from dispatch.selectors import dispatch_states_attach
from govportal.clientip import client_ip
from govportal.crypto import blind_index
from govportal.errors import DomainInputError
from govportal.masking import mask_numbers, mask_phone
from govportal.pages import action_form, action_take, form_errors_flash, found_or_404

from . import services, verification
from .filters import TicketFilter
from .forms import (
    ACTION_FORMS, FORM_SENT_BEFORE, BoardDispatchForm, CitizenReportForm, NotificationReadForm, PhoneCodeForm,
    ProgressForm, ReportForm, proposed_department_in,
)
from .models import Notification, Ticket
from .ratelimit import rate_limit_hit
from .selectors import (
    category_urgencies, citizen_report_progress, dispatch_targets, notices_feed, ticket_board, ticket_get, ticket_list,
    ticket_verification_queue,
)
from .workflow import TICKETS
from .worktime import minutes_left


# Texts of static/js/report.js, shared by the staff and the citizen report forms.
REPORT_LABELS = {
    "position": gettext_lazy("Position: %(lat)s, %(lng)s"),
    "noGeolocation": gettext_lazy("The phone did not give a position: drag the pin to the place."),
    "queued": gettext_lazy("No network: the report is kept on this phone and will be sent when the network is back."),
    "sending": gettext_lazy("Sending…"),
    "sent": gettext_lazy("Sent as %(number)s."),
}
# The citizen's form came back changed under the key it was sent with (services.IdempotencyKeyReused); the
# code belongs to the report it was used for (verification.phone_code_use).
CITIZEN_REPORT_SENT_BEFORE = gettext_lazy("This report was sent before with other content. To report it as a new "
                                          "matter, ask for a new code and send the form again.")
# Texts of static/js/phone_code.js, the citizen report's "send code" button.
CODE_LABELS = {
    "send": gettext_lazy("Send code"),
    "resend": gettext_lazy("Send again in %(seconds)s s"),
    "failed": gettext_lazy("The code could not be asked for; check the network and try again."),
}


def ticket_or_404(user, ticket_id):
    """The ticket if `user` may see it; 404 if there is none (403 outside their scope, from ticket_get)."""
    return found_or_404(ticket_get, user=user, ticket_id=ticket_id)


@login_required
def ticket_report(request):
    """A grid worker's report form (phone first); the page's script also queues it offline."""
    services.reporter_check(request.user)
    form = ReportForm(request.POST or None, request.FILES or None,
                      initial={"idempotency_key": uuid.uuid4().hex})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket, _created = services.ticket_create(
                source=Ticket.Source.GRID_WORKER, category=data["category"], urgency=data["urgency"],
                description=data["description"], address=data["address"], location=data["location"],
                reporter=request.user,
                idempotency_key=services.idempotency_key_of(request.user, data["idempotency_key"]),
                self_handled=data["self_handled"], feedback=data["feedback"], photos=data["photos"],
                place=data["place"], position_source=data["position_source"],
                component=data["component"], component_damaged=data["component_damaged"],
            )
        except DomainInputError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        except services.IdempotencyKeyReused:
            form.add_error(None, FORM_SENT_BEFORE)
            form.renew_key()
        else:
            messages.success(request, _("Reported as %(number)s.") % {"number": ticket.number})
            return redirect("ticket-detail", ticket_id=ticket.pk)
    return render(request, "incidents/report.html", {
        "form": form, "report_labels": REPORT_LABELS, "category_urgencies": category_urgencies(),
    })


@login_required
def my_reports(request):
    """The tickets I reported, newest first, with their state."""
    tickets = ticket_list(user=request.user).filter(reporter=request.user).select_related("category")[:200]
    return render(request, "incidents/list.html", {"title": _("My reports"), "tickets": tickets, "show_drafts": True})


@login_required
def verification_queue(request):
    """Handled tickets waiting for my check on site."""
    tickets = ticket_verification_queue(user=request.user)[:200]
    return render(request, "incidents/list.html", {"title": _("To verify"), "tickets": tickets})


@login_required
def inbox(request):
    """Open tickets my unit holds: to accept, sign, handle or review."""
    tickets = (
        ticket_board(user=request.user).filter(handling_unit_id=request.user.unit_id,
                                               status__in=Ticket.OPEN_STATUSES)[:200]
    )
    return render(request, "incidents/list.html", {"title": _("Inbox"), "tickets": tickets, "show_unit": False})


# Actions the board offers as one button (the rest need a form: see the ticket's page).
BOARD_ONE_CLICK = ("accept", "approve_extension", "resume")


@login_required
def dispatch_board(request):
    """The street's board: counts per state, filters, overdue first, and a map of open tickets."""
    filters = TicketFilter(request.GET, queryset=ticket_board(user=request.user))
    tickets = filters.qs  # a value the filter cannot read is left out, as if not given
    status = filters.form.cleaned_data.get("status") or None
    counts = dict(ticket_list(user=request.user).values_list("status").annotate(n=Count("id")).order_by())
    open_tickets = ticket_list(user=request.user).filter(status__in=Ticket.OPEN_STATUSES)
    totals = open_tickets.aggregate(overdue=Count("id", filter=Q(overdue_count__gt=0)),
                                    outside_own_grids=Count("id", filter=Q(outside_own_grids=True)))
    shown = dispatch_states_attach(list(tickets.select_related("district", "category")[:300]))
    targets = {}  # district → the departments it may dispatch to, read once rather than once per row
    dispatchable = []
    for ticket in shown:
        actions = TICKETS.allowed_actions(ticket, request.user)
        ticket.quick_actions = [name for name in actions if name in BOARD_ONE_CLICK]
        ticket.dispatch_form = None
        if "dispatch" in actions and ticket.district_id:
            dispatchable.append(ticket)
    leads = catalogue_leads(dispatchable, at=timezone.now())  # the catalogue's proposals, pre-selected
    for ticket in dispatchable:
        if ticket.district_id not in targets:
            targets[ticket.district_id] = list(dispatch_targets(district=ticket.district))
        units = targets[ticket.district_id]
        ticket.dispatch_form = BoardDispatchForm(
            prefix=f"t{ticket.pk}", initial={"unit": proposed_department_in(units, ticket, leads.get(ticket.pk))})
        ticket.dispatch_form.fields["unit"].choices = [("", "---------")] + [(u.code, u.name) for u in units]
    return render(request, "incidents/board.html", {
        "tickets": shown,
        "counts": [(value, label, counts.get(value, 0)) for value, label in Ticket.Status.choices],
        "status": status, "overdue": request.GET.get("overdue", ""),
        "outside_own_grids": request.GET.get("outside_own_grids", ""),
        "overdue_total": totals["overdue"], "outside_own_grids_total": totals["outside_own_grids"],
        "map_points": [
            {"id": t.pk, "number": t.number, "lat": t.location.y, "lng": t.location.x, "status": t.status,
             "status_display": t.get_status_display(), "overdue": t.overdue_count > 0, "category": t.category.name}
            for t in open_tickets.select_related("category").only(
                "id", "number", "location", "status", "overdue_count", "category__name")[:2000]
        ],
    })


@login_required
def ticket_detail(request, ticket_id):
    """Everything about one ticket: timeline, map, photos, deadline with time left, actions."""
    ticket = ticket_or_404(request.user, ticket_id)
    # The hotline's own steps (reply, callback, …) are taken on its ticket page, linked from here.
    actions = [name for name in TICKETS.allowed_actions(ticket, request.user) if name in ACTION_FORMS]
    forms = {name: action_form(ACTION_FORMS[name], ticket) for name in actions if ACTION_FORMS[name]}
    left = None
    if ticket.due_at:
        left = minutes_left(timezone.now(), ticket.due_at, clock_time=ticket.clock_time)
    return render(request, "incidents/detail.html", {
        "ticket": ticket, "actions": actions, "forms": forms,
        "time_left": divmod(left, 60) if left is not None else None,
        "events": ticket.events.select_related("actor", "unit"), "photos": ticket.photos.all(),
        "component": component_of_ticket(ticket),
    })


@login_required
@require_POST
def ticket_act(request, ticket_id, action):
    """Take one action from the detail page or the board, then go back there."""
    if action not in services.ACTION_SERVICES:
        raise Http404
    ticket = ticket_or_404(request.user, ticket_id)
    done, form = action_take(request, service=services.ACTION_SERVICES[action], form_class=ACTION_FORMS[action],
                             subject=ticket, id_kwarg="ticket_id", prefix=request.POST.get("prefix") or None)
    if not done:
        form_errors_flash(request, form)
    return _back(request, ticket)


def _back(request, ticket):
    """Return to the page the action came from (a local path) at the ticket's row, else the ticket's page.

    The board sorts by deadline, so the row acted on may move: the browser scrolls to it and marks it.
    """
    next_url = request.POST.get("next", "")
    if next_url.startswith("/") and not next_url.startswith("//"):
        return redirect(f"{next_url.split('#')[0]}#ticket-{ticket.pk}")
    return redirect("ticket-detail", ticket_id=ticket.pk)


@login_required
def ticket_photo(request, ticket_id, photo_id, thumbnail=False):
    """A ticket's photo, for those who may see the ticket (metadata already stripped)."""
    ticket = ticket_or_404(request.user, ticket_id)
    photo = get_object_or_404(ticket.photos, pk=photo_id)
    file = photo.thumbnail if thumbnail else photo.image
    return FileResponse(file.open("rb"), content_type="image/jpeg")


@login_required
def notifications(request, feed=Notification.Feed.MINE):
    """The notifications addressed to me (or, as `feed`, to my unit), newest first, unread ones
    marked; reading the page changes nothing."""
    return render(request, "incidents/notifications.html", {
        "items": notices_feed(user=request.user, feed=feed), "feed": feed, "feeds": Notification.Feed,
    })


@login_required
@require_POST
def notifications_read(request):
    """Mark a feed's notifications read, all of them or the one posted, then show the feed again."""
    form = NotificationReadForm(request.POST)
    if not form.is_valid():
        form_errors_flash(request, form)
        return redirect("notifications")
    feed = form.cleaned_data["feed"]
    services.notifications_mark_read(user=request.user, feed=feed, notification_id=form.cleaned_data["notification"])
    return redirect("notifications-unit" if feed == Notification.Feed.UNIT else "notifications")


def citizen_report(request):
    """随手拍: anyone may report with a phone number proved by an SMS code; limited per phone and per address."""
    form = CitizenReportForm(request.POST or None, request.FILES or None)
    key = (request.POST.get("idempotency_key") or uuid.uuid4().hex)[:services.MAX_IDEMPOTENCY_KEY]
    if request.method == "POST" and form.is_valid():
        try:
            ticket = _citizen_report_take(request, form, key)
        except services.IdempotencyKeyReused:
            form.add_error(None, CITIZEN_REPORT_SENT_BEFORE)
            ticket, key = None, uuid.uuid4().hex  # sent again, the form is a new report
        if ticket is not None:
            return render(request, "incidents/citizen_thanks.html", {"ticket": ticket})
    return render(request, "incidents/citizen_report.html",
                  {"form": form, "idempotency_key": key, "report_labels": REPORT_LABELS, "code_labels": CODE_LABELS})


def _citizen_report_take(request, form, key):
    """Return the ticket the valid citizen `form` became, or None with the reason added to the form."""
    data = form.cleaned_data
    limit = settings.CITIZEN_REPORTS_PER_HOUR
    try:
        # The code first, so that wrong codes do not use up the hour's reports of a phone.
        verification.phone_code_use(phone=data["phone"], code=data["code"], report=key)
        # The phone's keyed hash, not the number: cache keys are personal data too.
        if rate_limit_hit(f"citizen-ip:{client_ip(request)}", limit=limit) or rate_limit_hit(
                f"citizen-phone:{blind_index(data['phone'])}", limit=limit):
            form.add_error(None, _("Too many reports in an hour from this phone or network; try again later."))
            return None
        return services.ticket_create(
            source=Ticket.Source.CITIZEN, category=data["category"], description=data["description"],
            location=data["location"], reporter_phone=data["phone"], photos=data["photos"],
            idempotency_key=services.idempotency_key_of(None, key), place=data["place"],
        )[0]
    except DomainInputError as error:
        form.add_error(error.field if error.field in form.fields else None, str(error))
        return None


NO_SUCH_REPORT = gettext_lazy("No citizen report has this number and phone.")
TOO_MANY_LOOKUPS = gettext_lazy("Too many lookups in an hour from this network or for this number; try again later.")


def citizen_progress(request):
    """进度查询: a citizen follows their report by its number and their phone (sent by POST: no
    number lands in a log); answers the same for an unknown number and a wrong phone."""
    form = ProgressForm(request.POST or None, initial={"number": request.GET.get("number", "")})
    ticket = None
    if request.method == "POST" and form.is_valid():
        number, limit = form.cleaned_data["number"], settings.PROGRESS_LOOKUPS_PER_HOUR
        if rate_limit_hit(f"progress-ip:{client_ip(request)}", limit=limit) or rate_limit_hit(
                f"progress-number:{number}", limit=limit):
            form.add_error(None, TOO_MANY_LOOKUPS)
        else:
            ticket = citizen_report_progress(number=number, phone=form.cleaned_data["phone"])
            if ticket is None:
                form.add_error(None, NO_SUCH_REPORT)
            else:
                ticket.public_feedback = mask_numbers(ticket.feedback)
    return render(request, "incidents/citizen_progress.html", {"form": form, "ticket": ticket},
                  status=400 if form.errors else 200)


@require_POST
def citizen_report_code(request):
    """Send the citizen report's SMS verification code to the phone given; answer JSON for the page's script."""
    form = PhoneCodeForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"message": " ".join(form.errors["phone"])}, status=400)
    phone = form.cleaned_data["phone"]
    try:
        verification.phone_code_send(phone=phone, address=client_ip(request))
    except verification.PhoneCodeRefused as refusal:
        return JsonResponse({"message": str(refusal)}, status=refusal.status)
    minutes = verification.CODE_TTL.seconds // 60
    return JsonResponse({"message": str(verification.CODE_SENT % {"phone": mask_phone(phone), "minutes": minutes}),
                         "resend_seconds": int(verification.RESEND_INTERVAL.total_seconds())})
