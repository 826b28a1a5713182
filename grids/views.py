from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.access import scope_area

from .converters import CODE_PLACEHOLDER
from .models import Area


@login_required
def area_map(request):
    """The grid map: areas by level within the user's scope, click for code, name and staff."""
    area = scope_area(request.user)
    extent = area.geom.extent if area else None
    return render(
        request,
        "grids/map.html",
        {
            "scope": area,
            "extent": extent,
            "area_url": reverse("api:area-detail", args=[CODE_PLACEHOLDER]),
            "levels": [(level, Area.Level(level).label) for level in Area.LEVEL_ORDER],
            "map_labels": {
                "code": _("Code"),
                "level": _("Level"),
                "parent": _("Parent area"),
                "grids": _("Grids"),
                "workers": _("Grid workers"),
                "buildings": _("Buildings"),
                "keyPlaces": _("Key places"),
                "staff": _("Staff"),
                "noStaff": _("No staff recorded."),
                "loadFailed": _("Could not load the area."),
            },
        },
    )
