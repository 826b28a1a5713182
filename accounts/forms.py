from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .lockout import login_is_locked

ACCOUNT_LOCKED = _("Too many failed log-ins: this account is locked for %(minutes)d minutes.")
PASSWORD_UNCHANGED = _("The new password must differ from the current one.")


class LockoutAuthenticationForm(AuthenticationForm):
    """The log-in form, telling a locked-out user why instead of "wrong password"."""

    def clean(self):
        if login_is_locked(self.cleaned_data.get("username")):
            raise ValidationError(
                ACCOUNT_LOCKED, code="locked", params={"minutes": settings.LOGIN_LOCKOUT_SECONDS // 60}
            )
        return super().clean()


class NewPasswordChangeForm(PasswordChangeForm):
    """Django's change-password form, refusing the current password as the new one (a periodic change)."""

    def clean(self):
        cleaned_data = super().clean()
        password = cleaned_data.get("new_password2")
        if password and "new_password2" not in self.errors and self.user.check_password(password):
            self.add_error("new_password2", ValidationError(PASSWORD_UNCHANGED, code="password_unchanged"))
        return cleaned_data
