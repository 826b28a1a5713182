"""Reads of city components: what a user may see, a code's component, owners of work orders, map features."""

from accounts.access import restrict_to_scope, visible_one

from .models import Component, ComponentKind, TicketComponent

MAP_COMPONENTS_LIMIT = 5000


def component_list(*, user):
    """Return the components inside `user`'s scope."""
    return restrict_to_scope(Component.objects.select_related("kind__parent", "owner_unit"), user,
                             code_field="area_code")


def component_get(*, user, code):
    """Return the component with `code` if `user` may see it; Component.DoesNotExist otherwise."""
    found = Component.objects.filter(code=code).values_list("pk", flat=True).first()
    return visible_one(component_list(user=user), found)


def component_for_report(code):
    """Return the component a report names by its code, wherever it lies (anyone may report a public
    facility, as they may report any place); Component.DoesNotExist for an unknown code."""
    return Component.objects.select_related("owner_unit").get(code=code)


def component_of_ticket(ticket):
    """Return the component `ticket` names, with its kind and owner, or None."""
    return Component.objects.filter(ticket_links__ticket=ticket).select_related("kind", "owner_unit").first()


def kind_list():
    """Return the minor classes of the catalogue with their major classes."""
    return ComponentKind.objects.filter(parent__isnull=False).select_related("parent")


def owner_units_of(ticket_ids):
    """Return {ticket id: the active owner unit of the component it names} for `ticket_ids`, in one query."""
    links = (TicketComponent.objects.filter(ticket_id__in=ticket_ids, component__owner_unit__is_active=True)
             .select_related("component__owner_unit"))
    return {link.ticket_id: link.component.owner_unit for link in links}


def components_on_map(*, area, major=None, state=None):
    """Return the components inside `area` (of a major class, in a state) for the map, by code."""
    components = (Component.objects.filter(area_code__startswith=area.scope_prefix)
                  .select_related("kind__parent", "owner_unit").order_by("code"))
    if major:
        components = components.filter(kind__parent__code=major)
    if state:
        components = components.filter(state=state)
    return components[:MAP_COMPONENTS_LIMIT]
