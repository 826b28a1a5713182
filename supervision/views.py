"""Pages of supervision: the office's board with drill-down, a milestone's page with its moves,
the programme import and the programme's Excel export. Every change goes through supervision.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from govportal.pages import action_form, action_take, form_errors_flash, found_or_404
from govportal.periods import MonthForm

from . import services
from .exports import bulletin_pdf_response, programme_xlsx_response
from .forms import ACTION_FORMS, BoardFilterForm, ImportForm
from .imports import ImportRefused, programme_import
from .selectors import (
    Light, light_counts, milestone_get, notice_list, programme_get, programme_list, programme_rows, task_get,
    task_list, task_standing, unit_rows, warning_horizon,
)
from .workflow import ACTION_LABELS, MILESTONES, OFFICE_STAFF


@login_required
def board(request, programme_id=None):
    """The office's board (督查督办): one programme's tasks by unit and light, each a link down."""
    programmes = list(programme_list(user=request.user))
    if programme_id is None and programmes:
        return redirect("supervision-board", programme_id=programmes[0].pk)
    programme = found_or_404(programme_get, user=request.user, pk=programme_id) if programme_id else None
    filters = BoardFilterForm(request.GET)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    rows = programme_rows(programme=programme, user=request.user, today=timezone.localdate()) if programme else []
    of_unit = [row for row in rows if _row_matches(row, {"unit": chosen.get("unit")})]
    counts = light_counts(of_unit)
    return render(request, "supervision/board.html", {
        "programmes": programmes, "programme": programme, "total": len(of_unit),
        "rows": [row for row in of_unit if _row_matches(row, {"light": chosen.get("light")})],
        "lights": [(key, label, counts[key]) for key, label in Light.LABELS.items()],
        "units": unit_rows(rows), "light": chosen.get("light") or "", "unit_id": chosen.get("unit"),
        "may_import": _may_import(request.user), "notices": notice_list(user=request.user),
    })


def _row_matches(row, chosen):
    if chosen.get("light") and row.standing.light != chosen["light"]:
        return False
    unit_id = chosen.get("unit")
    return not unit_id or row.task.lead_unit_id == unit_id or any(
        unit.pk == unit_id for unit in row.task.responsible_units.all())


@login_required
def task_detail(request, task_id):
    """A task: its target, units, light and score, its milestones and its sub-tasks."""
    task = found_or_404(task_get, user=request.user, pk=task_id)
    today = timezone.localdate()
    horizon = warning_horizon(task.programme, today)
    children = [(child, task_standing(child, as_of=today, warn_within=horizon))
                for child in task_list(user=request.user).filter(parent=task).prefetch_related("milestones")]
    return render(request, "supervision/task_detail.html", {
        "task": task, "standing": task_standing(task, as_of=today, warn_within=horizon),
        "milestones": task.milestones.all(), "children": children,
        "responsible_units": task.responsible_units.all(),
    })


@login_required
def milestone_detail(request, milestone_id):
    """A milestone: the units' reports, the consolidated report, the moves open to the user, the timeline."""
    milestone = found_or_404(milestone_get, user=request.user, pk=milestone_id)
    actions = [(name, ACTION_LABELS[name], action_form(ACTION_FORMS[name], milestone, prefix=name))
               for name in MILESTONES.allowed_actions(milestone, request.user)]
    events = list(milestone.events.select_related("actor", "unit"))
    for event in events:
        event.label = ACTION_LABELS.get(event.action, event.action)
    return render(request, "supervision/milestone_detail.html", {
        "milestone": milestone, "task": milestone.task, "actions": actions, "events": events,
        "reports": milestone.reports.select_related("unit", "author"),
        "order": getattr(milestone, "supervision_order", None),
    })


@login_required
@require_POST
def milestone_act(request, milestone_id, action):
    """Take one move from the milestone page, then go back there."""
    if action not in services.ACTION_SERVICES:
        raise Http404
    milestone = found_or_404(milestone_get, user=request.user, pk=milestone_id)
    done, form = action_take(request, service=services.ACTION_SERVICES[action], form_class=ACTION_FORMS[action],
                             subject=milestone, id_kwarg="milestone_id", prefix=action)
    if not done:
        form_errors_flash(request, form)
    return redirect("supervision-milestone", milestone_id=milestone.pk)


def _may_import(user):
    return user.is_authenticated and user.unit_id is not None and (
        user.is_superuser or user.role in OFFICE_STAFF)


@login_required
def import_sheet(request):
    """The office uploads a programme's sheet; it is imported whole, or refused with every error by row."""
    if not _may_import(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            programme = programme_import(source=form.cleaned_data["sheet"], office=request.user.unit,
                                         name=form.cleaned_data["name"], year=form.cleaned_data["year"])
        except ImportRefused as refused:
            errors = refused.errors
        else:
            messages.success(request, _("Imported %(programme)s with %(count)s tasks.") % {
                "programme": programme, "count": programme.tasks.count()})
            return redirect("supervision-board", programme_id=programme.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "supervision/import.html", {"form": form, "errors": errors}, status=status)


@login_required
def programme_export(request, programme_id):
    """The programme's status as an Excel workbook in the office's layout."""
    programme = found_or_404(programme_get, user=request.user, pk=programme_id)
    rows = programme_rows(programme=programme, user=request.user, today=timezone.localdate())
    return programme_xlsx_response(request, programme, rows)


@login_required
def bulletin(request, programme_id):
    """The one-page supervision bulletin (督办通报) of a month (?month=YYYY-MM, this month by default) as a PDF."""
    programme = found_or_404(programme_get, user=request.user, pk=programme_id)
    form = MonthForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(form.errors.as_text())
    rows = programme_rows(programme=programme, user=request.user, today=timezone.localdate())
    return bulletin_pdf_response(request, programme, rows, form.cleaned_data["period"])
