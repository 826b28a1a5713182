"""Pages of the dashboards: the area dashboard, the map (一张图), assessment (考核) and the big screen.

Views only validate, call selectors and render; figures come from dashboards.selectors.
"""

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.exports import XLSX, download_response
from govportal.periods import MonthForm, Period, PeriodForm
from govportal.replicas import figures_lag_to_show
from grids.converters import CODE_PLACEHOLDER
from grids.models import Area
from carelist.selectors import persons_looked_after
from deliberation.selectors import deliberation_figures
from participation.selectors import participation_figures, projects_running
from registers.selectors import register_totals

from . import selectors
from .layers import map_layers_page_data
from .models import AssessmentScheme
from .tables import TABLES, workbook

TREND_DAYS = 30
# The tables of the dashboard page that can be downloaded, and the selector of each.
EXPORTABLE = {
    "children": selectors.children_figures,
    "categories": selectors.category_mix,
    "top_grids": selectors.top_grids,
    "trend": selectors.daily_trend,
}


def _area(request, code):
    try:
        return selectors.dashboard_area(user=request.user, code=code)
    except Area.DoesNotExist:
        raise Http404 from None


def _labels():
    """Texts the pages' scripts show (translated here: scripts have no catalogue)."""
    return {
        "reported": _("Reported"), "closed": _("Closed"), "overdue": _("Deadlines missed"),
        "openNow": _("Open now"), "onTimeRate": _("On-time rate"), "overdueRate": _("Overdue rate"),
        "density": _("Tickets reported"), "keyPlaces": _("Key places"), "dashboard": _("Dashboard"),
        "drillDown": _("Show its areas"), "risk": _("Risk level"), "noData": _("No data yet."),
        "loadFailed": _("Could not load the figures."),
    }


@login_required
def dashboard(request, code=None):
    """An area's dashboard: today and this month, open now, trend, category mix, recurring places, its areas,
    residents' participation this month (participation and deliberation selectors) and the base data the
    grid workers keep (registers and special groups, counts only)."""
    area = _area(request, code)
    form = PeriodForm(request.GET or None)
    today, period = timezone.localdate(), form.period()
    trend_period = Period(today - timedelta(days=TREND_DAYS - 1), today)
    tables = {
        "children": selectors.children_figures(area=area, period=period),
        "categories": selectors.category_mix(area=area, period=period),
        "top_grids": selectors.top_grids(area=area, period=period),
    }
    charts = {
        "trend": [{**row, "day": row["day"].isoformat()}
                  for row in selectors.daily_trend(area=area, period=trend_period)],
        "categories": tables["categories"],
        "children": [{key: row[key] for key in ("code", "name", "reported", "closed", "overdue", "open_now")}
                     for row in tables["children"]],
    }
    return render(request, "dashboards/dashboard.html", {
        "figures_lag": figures_lag_to_show(),
        "area": area, "breadcrumbs": selectors.breadcrumbs(user=request.user, area=area), "form": form,
        "period": period, "summary": selectors.area_summary(area=area, today=today),
        "tables": [(name, *TABLES[name], tables[name]) for name in tables], "charts": charts,
        "labels": _labels(), "trend_days": TREND_DAYS,
        "participation": {**participation_figures(area=area, period=Period.month_of(today)),
                          "projects_running": projects_running(area=area)},
        "deliberation": deliberation_figures(area=area, period=Period.month_of(today)),
        "base_data": {**register_totals(area=area, today=today), "looked_after": persons_looked_after(area=area)},
    }, status=400 if form.errors else 200)


@login_required
def dashboard_export(request, code, table):
    """One dashboard table as an Excel file, for the period asked."""
    if table not in EXPORTABLE:
        raise Http404
    area = _area(request, code)
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(form.errors.as_text())
    period = form.cleaned_data["period"]
    rows = EXPORTABLE[table](area=area, period=period)
    heading = f"{area.name} ({area.code}) {TABLES[table][0]} {period.start} – {period.end}"
    return download_response(request, workbook([(table, rows)], heading=heading), content_type=XLSX,
                             filename=f"{area.code}-{table}-{period.start}-{period.end}.xlsx")


@login_required
def dashboard_map(request, code=None):
    """综治一张图: the areas shaded by density or overdue rate, open-ticket clusters, key places, risk sources,
    and the registered layers the user's role may see (dashboards.layers)."""
    area = _area(request, code)
    return render(request, "dashboards/map.html", {
        "figures_lag": figures_lag_to_show(),
        "area": area, "breadcrumbs": selectors.breadcrumbs(user=request.user, area=area),
        "extent": area.geom.extent, "labels": _labels(), "places_shown": area.level in selectors.PLACE_LEVELS,
        "urls": {"layers": reverse("api:dashboard-map", args=[area.code]),
                 "map": reverse("dashboard-map", args=[CODE_PLACEHOLDER]),
                 "dashboard": reverse("dashboard", args=[CODE_PLACEHOLDER])},
        "extra_layers": map_layers_page_data(request.user),
    })


@login_required
def assessment(request, code=None):
    """考核: streets and departments ranked by the weighted score of a month, with the weights in force."""
    area = _area(request, code)
    form = MonthForm(request.GET or None)
    period = form.period()
    scheme = AssessmentScheme.current()
    tables = [
        ("streets", *TABLES["streets"], selectors.street_ranking(area=area, period=period, scheme=scheme)),
        ("departments", *TABLES["departments"], selectors.department_ranking(area=area, period=period, scheme=scheme)),
    ]
    return render(request, "dashboards/assessment.html", {
        "figures_lag": figures_lag_to_show(),
        "area": area, "breadcrumbs": selectors.breadcrumbs(user=request.user, area=area), "form": form,
        "period": period, "scheme": scheme, "tables": tables,
    }, status=400 if form.errors else 200)


@login_required
def assessment_report(request, code):
    """The monthly assessment report (streets and departments) as an Excel file."""
    area = _area(request, code)
    form = MonthForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(form.errors.as_text())
    period = form.cleaned_data["period"]
    scheme = AssessmentScheme.current()
    weights = ", ".join(f"{label} {value:g}" for label, value in zip(
        (_("on-time rate"), _("overdue"), _("return rate"), _("satisfaction"), _("supervised tasks")),
        scheme.weights().values(), strict=True))
    heading = _("%(area)s assessment %(month)s (weights: %(weights)s)") % {
        "area": area.name, "month": f"{period.start:%Y-%m}", "weights": weights}
    content = workbook([
        ("streets", selectors.street_ranking(area=area, period=period, scheme=scheme)),
        ("departments", selectors.department_ranking(area=area, period=period, scheme=scheme)),
    ], heading=heading)
    return download_response(request, content, content_type=XLSX,
                             filename=f"assessment-{area.code}-{period.start:%Y-%m}.xlsx")


@login_required
def big_screen(request, code=None):
    """Big-screen mode for command-centre walls: 1920×1080, dark, refreshed from the API every minute."""
    area = _area(request, code)
    return render(request, "dashboards/screen.html", {
        "area": area, "labels": _labels(),
        "urls": {name: reverse(f"api:dashboard-{name}", args=[area.code])
                 for name in ("summary", "trend", "categories", "children", "top-grids")},
    })
