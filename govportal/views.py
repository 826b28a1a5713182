"""Pages of the platform as a whole, above the apps: the home page of each role, the privacy notice, the 404."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.views import defaults
from rest_framework.exceptions import NotFound

from accounts.access import scope_area
from accounts.models import User
from grids.models import Area
from grids.selectors import area_list, grid_member_list


@login_required
def home(request):
    """The start page of each role: their area's figures and what they work on."""
    user = request.user
    if user.role in User.ADMINISTRATOR_ROLES:
        return render(request, "govportal/home.html", {"administrator": True})  # no area, no case files
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


def not_found(request, exception):
    """Answer a URL that matches no view: under /api/ in the API's error shape (govportal.api), else the page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"message": str(NotFound.default_detail), "extra": {}}, status=404)
    return defaults.page_not_found(request, exception)
