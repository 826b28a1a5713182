"""Special groups on the map (dashboards.layers): how many persons each grid looks after, one point at the
grid's centre, for the roles that may see the counts. Never a person's place."""

from django.utils.translation import gettext_lazy as _

from dashboards.layers import MapLayer

from .selectors import COUNT_ROLES

CARE_COUNTS_LAYER = MapLayer(
    name="care_counts", label=_("Special groups: persons per grid"), endpoint="api:carelist-grid-counts",
    roles=COUNT_ROLES,
    style={"radius": 9, "weight": 1, "color": "#6c3483", "fillOpacity": 0.6,
           "popup": [["name", _("Grid")], ["count", _("Persons looked after")]]},
)
