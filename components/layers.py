"""The components' layer of the map (dashboards.layers): every component coloured by its state."""

from django.utils.translation import gettext_lazy as _

from dashboards.layers import MapLayer
from dashboards.selectors import VIEWER_ROLES

from .models import Component

STATE_COLOURS = {
    Component.State.GOOD: "#1e8449", Component.State.DAMAGED: "#c0392b", Component.State.LOST: "#17202a",
    Component.State.OCCUPIED: "#d68910", Component.State.SCRAPPED: "#7f8c8d",
}

COMPONENTS_LAYER = MapLayer(
    name="components", label=_("City components"), endpoint="api:component-map", roles=VIEWER_ROLES,
    style={
        "radius": 5, "weight": 1, "fillOpacity": 0.85, "colour_by": "state",
        "colours": {state.value: colour for state, colour in STATE_COLOURS.items()},
        "legend": {state.value: state.label for state in Component.State},
        "popup": [["name", _("Name")], ["code", _("Component code")], ["kind", _("Kind")],
                  ["state_display", _("State")], ["owner", _("Owner unit")]],
    },
)
