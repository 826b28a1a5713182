"""Today's patrol tracks as a layer of the map (dashboards.layers), for those who oversee tracks."""

from django.utils.translation import gettext_lazy as _

from dashboards.layers import MapLayer

from .selectors import TRACK_OVERSEERS

PATROL_TRACKS_LAYER = MapLayer(
    name="patrol_tracks", label=_("Today's patrol tracks"), endpoint="api:patrol-tracks", roles=TRACK_OVERSEERS,
    style={"color": "#6c3483", "weight": 3, "opacity": 0.8,
           "popup": [["worker", _("Grid worker")], ["grid", _("Grid")], ["km", _("Kilometres")],
                     ["status", _("State")]]},
)
