"""The registry of the map's extra layers (一张图): each app adds its layers in its AppConfig.ready(), the
map page offers those the user's role may see, and each layer's endpoint refuses the other roles.

A layer is one entry: its name, label, endpoint (a URL name answering GET ?area=<code> with a GeoJSON
FeatureCollection of what lies in that area, within the caller's scope), style and roles.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

LAYER_NOT_ALLOWED = _("Your role may not see this map layer.")


class LayerQuery(serializers.Serializer):
    """What every layer's endpoint reads: the area whose features it answers."""

    area = serializers.CharField(max_length=15, help_text="an area code in your scope")


@dataclass(frozen=True)
class MapLayer:
    """One extra layer of the map.

    `style` is read by static/js/dashboard_map.js: Leaflet path options (color, weight, radius, …);
    `colour_by` with `colours` colours each feature by one of its properties; `popup` lists the
    properties shown when a feature is clicked; `legend` maps those property values to their labels.
    """

    name: str
    label: str
    endpoint: str
    roles: tuple
    style: dict = field(default_factory=dict)
    checked: bool = False

    def allows(self, user):
        """Return whether `user`'s role may see this layer."""
        return user.is_authenticated and user.is_active and (user.is_superuser or user.role in self.roles)


_LAYERS = {}


def map_layer_register(layer):
    """Add `layer` to the map (from an AppConfig.ready()); a second layer of the same name is a mistake."""
    if _LAYERS.get(layer.name, layer) != layer:
        raise ImproperlyConfigured(f"Two map layers are named {layer.name}.")
    _LAYERS[layer.name] = layer


def map_layer_unregister(name):
    """Take a layer off the map (the tests' own layers)."""
    _LAYERS.pop(name, None)


def map_layers_for(user):
    """Return the layers `user` may see, in the order they were registered."""
    return [layer for layer in _LAYERS.values() if layer.allows(user)]


def map_layer_check(user, name):
    """Raise PermissionDenied unless `user` may see the layer `name` (its endpoint calls this first)."""
    layer = _LAYERS.get(name)
    if layer is None or not layer.allows(user):
        raise PermissionDenied(LAYER_NOT_ALLOWED)


def map_layers_page_data(user):
    """Return what the map page's script needs of each layer `user` may see."""
    return [{"name": layer.name, "label": str(layer.label), "url": reverse(layer.endpoint), "style": layer.style,
             "checked": layer.checked} for layer in map_layers_for(user)]
