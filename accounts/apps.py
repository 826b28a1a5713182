from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and units")

    def ready(self):
        from . import lockout  # noqa: F401  (connects the log-in failure counters)
        from . import sessions  # noqa: F401  (registers log-in sessions, ends the oldest)
