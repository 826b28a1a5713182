from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CarelistConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "carelist"
    verbose_name = _("Special groups")
