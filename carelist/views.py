"""Pages of the special groups, phone first: the visits due (overdue first), a person's file (each
view audited) and recording a visit. Every change goes through carelist.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from govportal.errors import DomainConflict, DomainInputError
from govportal.pages import found_or_404

from . import services
from .forms import PersonRegisterForm, VisitForm
from .selectors import is_leadership, visits_due
from .workflow import ACTION_LABELS, CARE

PAGE_SIZE = 50


@login_required
def visits_due_list(request):
    """The persons the user helps (or leads in their area), the next visit due first."""
    page = Paginator(visits_due(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "carelist/visits_due.html", {
        "page": page, "persons": page.object_list, "today": timezone.localdate(),
        "may_register": request.user.is_superuser or is_leadership(request.user)})


@login_required
def person_register(request):
    """The leadership of an area registers a person in their groups and pairs helpers with them."""
    if not (request.user.is_superuser or is_leadership(request.user)):
        raise PermissionDenied
    form = PersonRegisterForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = services.care_person_register(
                actor=request.user, name=data["name"], id_number=data["id_number"], phone=data["phone"],
                address=data["address"], grid=data["grid"], levels=list(data["levels"]), helpers=form.cleaned_helpers())
        except DomainInputError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            messages.success(request, _("%(person)s registered.") % {"person": person})
            return redirect("carelist-person", person_id=person.pk)
    return render(request, "carelist/person_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def person_detail(request, person_id):
    """A person's file: groups and levels, masked numbers, helpers, schedule, visits and timeline."""
    person = found_or_404(services.care_person_view, user=request.user, pk=person_id)
    events = list(person.events.select_related("actor"))
    for event in events:
        event.label = ACTION_LABELS.get(event.action, event.action)
    return render(request, "carelist/person_detail.html", {
        "person": person, "today": timezone.localdate(), "events": events,
        "memberships": person.memberships.select_related("level__group"),
        "helpers": person.helper_links.select_related("user"),
        "visits": person.visits.select_related("recorded_by"),
        "may_record": "record_visit" in CARE.allowed_actions(person, request.user),
    })


@login_required
def visit_record(request, person_id):
    """Record a visit paid to the person (their helpers only)."""
    person = found_or_404(services.care_person_view, user=request.user, pk=person_id)
    if not CARE.may(person, request.user, CARE.transitions["record_visit"]):
        raise PermissionDenied
    form = VisitForm(request.POST if request.method == "POST" else None,
                     initial={"visited_on": timezone.localdate(), "place": person.address})
    if request.method == "POST" and form.is_valid():
        try:
            services.care_visit_record(person_id=person.pk, actor=request.user, **form.cleaned_data)
        except DomainInputError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        except DomainConflict as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Visit to %(person)s recorded.") % {"person": person})
            return redirect("carelist-person", person_id=person.pk)
    return render(request, "carelist/visit_form.html", {"person": person, "form": form})
