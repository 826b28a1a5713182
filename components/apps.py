from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComponentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "components"
    verbose_name = _("City components")

    def ready(self):
        from dashboards.layers import map_layer_register

        from .layers import COMPONENTS_LAYER

        map_layer_register(COMPONENTS_LAYER)
