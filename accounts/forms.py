from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .lockout import login_is_locked

ACCOUNT_LOCKED = _("Too many failed log-ins: this account is locked for %(minutes)d minutes.")


class LockoutAuthenticationForm(AuthenticationForm):
    """The log-in form, telling a locked-out user why instead of "wrong password"."""

    def clean(self):
        if login_is_locked(self.cleaned_data.get("username")):
            raise ValidationError(
                ACCOUNT_LOCKED, code="locked", params={"minutes": settings.LOGIN_LOCKOUT_SECONDS // 60}
            )
        return super().clean()
