from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "registers"
    verbose_name = _("Base-data registers")

    def ready(self):
        from . import receivers  # noqa: F401 - reveals go into the audit trail
