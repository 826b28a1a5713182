"""The rental houses' layer of the map (dashboards.layers): each at its building, coloured by risk grade."""

from django.utils.translation import gettext_lazy as _

from dashboards.layers import MapLayer

from .selectors import REGISTER_OVERSEERS

GRADE_COLOURS = {"A": "#1e8449", "B": "#d68910", "C": "#c0392b"}  # the default grades (registers/defaults.py)

RENTAL_HOUSES_LAYER = MapLayer(
    name="rental_houses", label=_("Rental houses by risk grade"), endpoint="api:registers-rental-map",
    roles=REGISTER_OVERSEERS,
    style={"radius": 5, "weight": 1, "fillOpacity": 0.85, "colour_by": "grade", "colours": GRADE_COLOURS,
           "popup": [["house", _("House")], ["grade_name", _("Risk grade")],
                     ["next_inspection_due", _("Next inspection due")]]},
)
