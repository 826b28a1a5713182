from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldworkConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "fieldwork"
    verbose_name = _("Field work")

    def ready(self):
        from dashboards.layers import map_layer_register

        from .layers import PATROL_TRACKS_LAYER

        map_layer_register(PATROL_TRACKS_LAYER)
