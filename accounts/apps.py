from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def administrator_groups_refresh(sender, **kwargs):
    from .roles import administrator_groups_sync

    administrator_groups_sync()


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and units")

    def ready(self):
        from . import roles  # noqa: F401  (puts administrators in their role's group)
        from . import sessions  # noqa: F401  (registers log-in sessions, ends the oldest)
        from . import tokens  # noqa: F401  (revokes API tokens on password change, deactivation, lockout)

        # After the last migration (and a test database's flush): an app installed since is granted too.
        post_migrate.connect(administrator_groups_refresh, sender=self)
