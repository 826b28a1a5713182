from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .logins import ACCOUNT_LOCKED, login_refusal

__all__ = ["ACCOUNT_LOCKED", "LockoutAuthenticationForm", "NewPasswordChangeForm"]

PASSWORD_UNCHANGED = _("The new password must differ from the current one.")


class LockoutAuthenticationForm(AuthenticationForm):
    """The log-in form, telling a locked-out user why instead of "wrong password"."""

    def get_invalid_login_error(self):
        refusal = self.request and login_refusal(self.request, self.cleaned_data.get("username"))
        if refusal:
            return ValidationError(refusal, code="locked")
        return super().get_invalid_login_error()


class NewPasswordChangeForm(PasswordChangeForm):
    """Django's change-password form, refusing the current password as the new one (a periodic change)."""

    def clean(self):
        cleaned_data = super().clean()
        password = cleaned_data.get("new_password2")
        if password and "new_password2" not in self.errors and self.user.check_password(password):
            self.add_error("new_password2", ValidationError(PASSWORD_UNCHANGED, code="password_unchanged"))
        return cleaned_data
