from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from .logins import ACCOUNT_LOCKED, login_refusal

__all__ = ["ACCOUNT_LOCKED", "LockoutAuthenticationForm"]


class LockoutAuthenticationForm(AuthenticationForm):
    """The log-in form, telling a locked-out user why instead of "wrong password"."""

    def get_invalid_login_error(self):
        refusal = self.request and login_refusal(self.request, self.cleaned_data.get("username"))
        if refusal:
            return ValidationError(refusal, code="locked")
        return super().get_invalid_login_error()
