"""The dispatch catalogue's proposal for work orders: the most specific line in force, read set-based.

The router asks it for a whole batch at once (two queries: the lines, their co-handlers), and the
intake page for one order before it exists; both get the same answer from the same rule:
the deepest place first (grid, community, street, district, city, everywhere), then a minor
category over its major one; among lines of the same place and category, the newest.
"""

from django.db.models import Q

from grids.models import Area

from .models import DispatchEntry


def _places(ticket, city_id):
    """Return the ticket's area ids from the deepest to the whole city, then None (everywhere)."""
    return [area_id for area_id in (ticket.grid_id, ticket.community_id, ticket.street_id, ticket.district_id,
                                    city_id) if area_id] + [None]


def _categories(ticket):
    return [ticket.category_id, ticket.category.parent_id]


class CatalogueLines:
    """The catalogue lines in force at `at` that may concern `tickets` (each with `category` loaded)."""

    def __init__(self, tickets, *, at, city_of):
        self.city_of = city_of
        category_ids = {category_id for ticket in tickets for category_id in _categories(ticket) if category_id}
        area_ids = {area_id for ticket in tickets
                    for area_id in _places(ticket, city_of.get(ticket.district_id)) if area_id}
        self.lines = {}
        entries = (DispatchEntry.objects.in_force(at).filter(category_id__in=category_ids)
                   .filter(Q(area_id__in=area_ids) | Q(area__isnull=True), lead_unit__is_active=True)
                   .select_related("lead_unit").prefetch_related("co_units").order_by("valid_from", "pk"))
        for entry in entries:  # the newest line of a place and category wins
            self.lines[(entry.category_id, entry.area_id)] = entry

    def line_for(self, ticket):
        """Return the most specific line for `ticket`, or None if the catalogue has none."""
        for area_id in _places(ticket, self.city_of.get(ticket.district_id)):
            for category_id in _categories(ticket):
                line = self.lines.get((category_id, area_id))
                if line is not None:
                    return line
        return None


def co_units_of(line, lead):
    """Return the active co-handling units of `line` other than `lead`."""
    if line is None:
        return []
    return [unit for unit in line.co_units.all() if unit.is_active and unit.pk != lead.pk]


def catalogue_leads(tickets, *, at):
    """Return {ticket id: the lead unit of its most specific line in force} for the `tickets` the
    catalogue names a unit for (each with `category` loaded), in three queries whatever their number."""
    district_ids = {ticket.district_id for ticket in tickets if ticket.district_id}
    city_of = dict(Area.objects.filter(pk__in=district_ids).values_list("pk", "parent_id"))
    lines = CatalogueLines(tickets, at=at, city_of=city_of)
    return {ticket.pk: line.lead_unit for ticket in tickets if (line := lines.line_for(ticket)) is not None}
