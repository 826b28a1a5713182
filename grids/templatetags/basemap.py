"""The base map's configuration for static/js/basemap.js, read from the settings."""

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.html import json_script

register = template.Library()


@register.simple_tag
def basemap_config():
    """Return the configured tile layers, their coordinate system and the outline API as a JSON script element."""
    config = {
        "tiles": settings.MAP_TILE_LAYERS, "crs": settings.MAP_TILE_CRS, "outlineUrl": reverse("api:area-outline"),
    }
    return json_script(config, "basemap-config")
