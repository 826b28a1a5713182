from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "audit"
    verbose_name = _("Security audit")

    def ready(self):
        from . import checks, receivers  # noqa: F401  (checks: registers audit.E001)

        receivers.connect_optional()  # the token and lockout apps' signals, when those apps are installed
