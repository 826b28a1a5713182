from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CarelistConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "carelist"
    verbose_name = _("Special groups")

    def ready(self):
        from dashboards.layers import map_layer_register

        from .layers import CARE_COUNTS_LAYER

        map_layer_register(CARE_COUNTS_LAYER)
