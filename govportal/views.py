"""Pages of the platform as a whole, above the apps: the home page of each role, the privacy notice,
what makes it an installable web app (the manifest and the service worker), the 404."""

import json

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import cache_control
from rest_framework.exceptions import NotFound

from accounts.access import scope_area, sees_areas
from accounts.models import User
from grids.models import Area
from grids.selectors import area_list, grid_member_list


@login_required
def home(request):
    """The start page of each role: their area's figures and what they work on."""
    user = request.user
    if user.role in User.ADMINISTRATOR_ROLES:
        return render(request, "govportal/home.html", {"administrator": True})  # no area, no case files
    if not sees_areas(user):  # an account still waiting for the security administrator to give its role
        return render(request, "govportal/home.html", {"without_role": True})
    area = scope_area(user)
    context = {"scope": area, "statistics": getattr(area, "statistics", None) if area else None}
    if user.role == User.Role.GRID_WORKER:
        grids = Area.objects.filter(members__user=user, members__is_active=True).select_related("parent")
        context["my_grids"] = [(grid, grid_member_list(grid=grid)) for grid in grids]
    else:
        parent_code = area.code if area else None
        level = None if area else Area.Level.DISTRICT
        context["sub_areas"] = (
            area_list(user=user, level=level, parent_code=parent_code).select_related("statistics")[:200]
        )
    return render(request, "govportal/home.html", context)


def privacy(request):
    """The privacy notice (隐私说明), open to everyone: what is collected, why, and how it is protected."""
    return render(request, "govportal/privacy.html", {"stored_side": settings.PHOTO_STORED_MAX_SIDE})


THEME_COLOR = "#b03a2e"  # the top bar's colour (--brand), for the phone's status bar
# The pages a grid worker opens outdoors: the service worker keeps them for offline use.
OFFLINE_PAGES = ("home", "ticket-report", "ticket-mine", "area-map")
# GET answers those pages load with fetch (the grid map's outlines, the script texts), kept the same way.
OFFLINE_DATA = ("api:area-list", "javascript-catalog")


@cache_control(no_cache=True)
def service_worker(request):
    """The service worker, served at the site root so its scope is every page.

    Its settings line (which pages and answers to keep, where static files live) comes first,
    then static/js/drafts.js (the draft store it shares with the pages), then static/js/sw.js.
    """
    settings_line = "self.OFFLINE = %s;\n" % json.dumps({
        "pages": [reverse(name) for name in OFFLINE_PAGES],
        "data": [reverse(name) for name in OFFLINE_DATA],
        "static": settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL,
    })
    response = HttpResponse(settings_line + _static_text("js/drafts.js") + _static_text("js/sw.js"),
                            content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


@cache_control(no_cache=True)
def web_manifest(request):
    """The web app manifest: the platform installs on a phone's home screen and opens full screen."""
    return JsonResponse({
        "name": _("Grid governance platform"),
        "short_name": _("Grid work"),
        "lang": get_language(),
        "start_url": reverse("home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOR,
        "icons": [
            {"src": static(f"img/icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png",
             "purpose": "any maskable"}
            for size in (192, 512)
        ],
    }, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})



def _static_text(name):
    """The text of static file `name`, read where the static finders find it."""
    with open(finders.find(name), encoding="utf-8") as file:
        return file.read()


def not_found(request, exception):
    """Answer a URL that matches no view: under /api/ in the API's error shape (govportal.api), else the page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"message": str(NotFound.default_detail), "extra": {}}, status=404)
    return defaults.page_not_found(request, exception)
