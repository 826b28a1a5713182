"""Pages of field work: the worker's day (check-in, patrol), the patrol recorder, a patrol's summary."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from govportal.errors import DomainConflict, DomainInputError
from govportal.pages import done_message, found_or_404
from govportal.periods import PeriodForm
from grids.models import Area
from incidents.models import Ticket
from incidents.selectors import category_list

from . import selectors, services
from .models import Patrol

LEAST_COVERED_SHOWN = 100  # a street has a few hundred grids, a city 20,000: the page lists the least covered


@login_required
def fieldwork_home(request):
    """A grid worker's day: today's check-in, the open patrol or a button to start one, their last patrols;
    for the community's leadership, today's patrols in their area."""
    user = request.user
    context = {"patrols": selectors.patrol_list(user=user).select_related("grid", "worker")[:30]}
    if user.role == User.Role.GRID_WORKER:
        context.update(
            walker=True, grids=selectors.worker_grids(worker=user), active=selectors.patrol_active(worker=user),
            check_in=selectors.check_in_today(worker=user, day=timezone.localdate()),
        )
    return render(request, "fieldwork/home.html", context)


@login_required
@require_POST
def patrol_start(request):
    """Start a patrol of the chosen grid and open its recorder."""
    grid = Area.objects.filter(level=Area.Level.GRID, code=request.POST.get("grid", "")).first()  # None: their only grid
    try:
        patrol = services.patrol_start(worker=request.user, grid=grid)
    except (DomainInputError, DomainConflict, PermissionDenied) as error:
        messages.error(request, str(error))
        return redirect("fieldwork-home")
    return redirect("patrol-detail", patrol_id=patrol.pk)


@login_required
def patrol_detail(request, patrol_id):
    """The recorder of the worker's open patrol; otherwise the patrol's summary with its track."""
    patrol = found_or_404(selectors.patrol_get, user=request.user, patrol_id=patrol_id)
    recording = patrol.worker_id == request.user.pk and patrol.status == Patrol.Status.ACTIVE
    return render(request, "fieldwork/patrol.html", {
        "patrol": patrol, "recording": recording, "findings": patrol.findings.select_related("ticket"),
        "categories": category_list().filter(parent__isnull=False) if recording else (),
    })


@login_required
@require_POST
def patrol_end(request, patrol_id):
    """End the worker's patrol (the page sends its last points first)."""
    patrol = found_or_404(selectors.patrol_get, user=request.user, patrol_id=patrol_id)
    try:
        patrol = services.patrol_end(patrol_id=patrol.pk, actor=request.user)
    except (DomainConflict, PermissionDenied) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done_message(patrol))
    return redirect("patrol-detail", patrol_id=patrol.pk)


@login_required
def patrol_figures(request):
    """The patrol figures of my area for a period (this month by default) and a map of today's tracks."""
    area = found_or_404(selectors.figures_area, user=request.user)
    form = PeriodForm(request.GET or None)
    period = form.period()
    coverage = selectors.grid_coverage(area=area, period=period)
    return render(request, "fieldwork/figures.html", {
        "area": area, "form": form, "period": period,
        "workers": selectors.patrol_figures(area=area, period=period),
        "coverage": [(code, name, round(share * 100, 1))
                     for code, name, share in sorted(coverage, key=lambda row: row[2])[:LEAST_COVERED_SHOWN]],
        "sweep": selectors.SWEEP_METRES,
        "sources": [(Ticket.Source(source).label, row["total"], row["on_patrol"])
                    for source, row in selectors.report_sources(area=area, period=period).items()],
    }, status=400 if form.errors else 200)
