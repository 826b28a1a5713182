from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and units")

    def ready(self):
        from . import tokens  # noqa: F401  (revokes API tokens on password change, deactivation, lockout)
