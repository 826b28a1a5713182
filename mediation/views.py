"""Pages of people's mediation; every change goes through mediation.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import scope_area
from govportal.errors import DomainConflict, DomainInputError
from govportal.pages import action_form, action_take, form_errors_flash, found_or_404
from govportal.periods import MonthForm
from grids.selectors import root_area
from incidents.models import Ticket

from . import services
from .documents import agreement_pdf_response
from .filters import CaseFilter
from .forms import ACTION_FORMS, CaseRegisterForm, PartyForm, RevealForm
from .models import Agreement, MediationCase, Party, PartyReveal
from .reports import monthly_report_response
from .selectors import FIGURES_ROLES, case_board, case_get, case_statistics, party_get, referable_tickets
from .workflow import ACTION_LABELS, CASES, works_on_case


def _case_or_404(user, case_id):
    return found_or_404(case_get, user=user, case_id=case_id)


@login_required
def case_list(request):
    """My organisation's cases (escalated-in ones included), high-risk and overdue first."""
    filters = CaseFilter(request.GET, queryset=case_board(user=request.user))
    cases = filters.qs[:300]  # a status the filter cannot read is left out, as if not given
    status = filters.form.cleaned_data.get("status") or None
    return render(request, "mediation/case_list.html", {
        "cases": cases, "status": status, "statuses": MediationCase.Status.choices,
    })


@login_required
def case_register(request):
    """Register a dispute (walk-in, online, police, court, grid) with its applicant and respondent."""
    form = CaseRegisterForm(request.POST or None)
    parties = [PartyForm(request.POST or None, prefix=role, initial={"role": role})
               for role in (Party.Role.APPLICANT, Party.Role.RESPONDENT)]
    if request.method == "POST" and form.is_valid() and all(party.is_valid() for party in parties):
        try:
            case = services.case_register(actor=request.user, parties=[p.cleaned_data for p in parties],
                                          **form.cleaned_data)
        except DomainInputError as error:
            target = next((p for p in parties if error.field in p.fields), form)
            target.add_error(error.field if error.field in target.fields else None, str(error))
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Registered as %(number)s.") % {"number": case.number})
            return redirect("mediation-case-detail", case_id=case.pk)
    return render(request, "mediation/case_register.html", {"form": form, "parties": parties})


@login_required
def case_detail(request, case_id):
    """The mediator's case page: parties (numbers masked), sessions, agreement, deadline, actions, timeline."""
    case = _case_or_404(request.user, case_id)
    actions = [(name, ACTION_LABELS[name], action_form(ACTION_FORMS[name], case, prefix=name))
               for name in CASES.allowed_actions(case, request.user)]
    events = list(case.events.select_related("actor", "organisation__unit"))
    for event in events:
        event.label = ACTION_LABELS.get(event.action, event.action)
    agreement = getattr(case, "agreement", None)  # select_related by case_get; None before the outcome
    return render(request, "mediation/case_detail.html", {
        "case": case, "actions": actions, "events": events, "agreement": agreement,
        "parties": case.parties.all(), "sessions": case.sessions.select_related("recorded_by"),
        "follow_ups": case.follow_ups.select_related("visited_by"), "mediators": case.mediators.all(),
        "may_reveal": works_on_case(case, request.user), "copies": PartyReveal.Copy.choices,
        "overdue_now": case.due_at is not None and case.due_at < timezone.now(),
    })


@login_required
@require_POST
def case_act(request, case_id, action):
    """Take one action from the case page, then go back there."""
    if action not in services.ACTION_SERVICES:
        raise Http404
    case = _case_or_404(request.user, case_id)
    done, form = action_take(request, service=services.ACTION_SERVICES[action], form_class=ACTION_FORMS[action],
                             subject=case, id_kwarg="case_id", prefix=action)
    if not done:
        form_errors_flash(request, form)
    return redirect("mediation-case-detail", case_id=case.pk)


@login_required
def agreement_pdf(request, case_id):
    """The written agreement to print and sign: masked, or `?copy=` the parties' or the court's
    copy with the full identification (each print logged by the service)."""
    case = _case_or_404(request.user, case_id)
    if not Agreement.objects.filter(case=case, kind=Agreement.Kind.WRITTEN).exists():
        raise Http404
    copy = request.GET.get("copy", "")
    try:
        identities = services.agreement_copy_identities(case=case, actor=request.user, copy=copy) if copy else None
    except DomainInputError as error:
        return HttpResponseBadRequest(str(error))
    return agreement_pdf_response(request, case, copy=copy, identities=identities)


@login_required
@require_POST
def party_reveal(request, party_id):
    """Show one full number once, to the case's mediators; the reveal is logged by the service.

    Rendered directly (never put in a flash message, which may travel in a cookie).
    """
    form = RevealForm(request.POST)
    party = found_or_404(party_get, user=request.user, party_id=party_id)  # 404 unless its case is seen
    if not form.is_valid():
        raise Http404
    field = PartyReveal.Field(form.cleaned_data["field"])
    value = services.party_reveal(party_id=party.pk, actor=request.user, field=field)
    return render(request, "mediation/reveal.html", {"party": party, "value": value, "field": field.label})


@login_required
def referrals(request):
    """Dispute work orders I may refer to mediation with one click."""
    return render(request, "mediation/referrals.html", {"tickets": referable_tickets(user=request.user)[:200]})


@login_required
@require_POST
def refer(request, ticket_id):
    """Refer one dispute work order; go to its new case (or back to the list with the reason)."""
    try:
        case = services.case_refer_from_ticket(ticket_id=ticket_id, actor=request.user)
    except Ticket.DoesNotExist:
        raise Http404 from None
    except (DomainInputError, DomainConflict, PermissionDenied) as error:
        messages.error(request, str(error))
        return redirect("mediation-referrals")
    messages.success(request, _("Referred to %(organisation)s as case %(number)s.")
                     % {"organisation": case.organisation.name, "number": case.number})
    if request.user.role == "mediator" and request.user.unit_id == case.organisation_id:
        return redirect("mediation-case-detail", case_id=case.pk)
    return redirect("mediation-referrals")


def _figures_area(user):
    if not (user.is_superuser or user.role in FIGURES_ROLES):
        raise PermissionDenied
    return scope_area(user) or root_area()


@login_required
def statistics(request):
    """The month's figures for my area (the current month by default), with the monthly report to download."""
    area, form = _figures_area(request.user), MonthForm(request.GET or None)
    month = form.period()
    return render(request, "mediation/statistics.html", {
        "area": area, "form": form, "month": month, "stats": case_statistics(area_code=area.code, period=month),
    }, status=400 if form.errors else 200)


@login_required
def monthly_report(request):
    """The monthly report of my area (the current month by default) as an Excel workbook."""
    area, form = _figures_area(request.user), MonthForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(form.errors.as_text())
    return monthly_report_response(request, area, form.cleaned_data["period"])

