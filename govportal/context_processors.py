from django.conf import settings


def map_tiles(request):
    """The configured base-map tile layer (none by default: there may be no internet)."""
    return {"MAP_TILE_URL": settings.MAP_TILE_URL, "MAP_TILE_ATTRIBUTION": settings.MAP_TILE_ATTRIBUTION}


def web_app(request):
    """What offline.js needs to send report drafts in the background: the CSRF cookie's name."""
    return {"CSRF_COOKIE_NAME": settings.CSRF_COOKIE_NAME}
