from django.conf import settings


def map_tiles(request):
    """The configured base-map tile layer (none by default: there may be no internet)."""
    return {"MAP_TILE_URL": settings.MAP_TILE_URL, "MAP_TILE_ATTRIBUTION": settings.MAP_TILE_ATTRIBUTION}
