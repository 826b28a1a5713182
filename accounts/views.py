"""Pages of one's own account: changing the password."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from .forms import NewPasswordChangeForm
from .sessions import session_register

PASSWORD_CHANGED = _("Your password has been changed.")


def next_url(request):
    """Return the safe `next` address of the request, or the home page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("home")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's password; where an expired password sends everyone (accounts.middleware)."""

    form_class = NewPasswordChangeForm
    template_name = "accounts/password_change.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **kwargs, password_expired=self.request.user.password_is_expired,
            max_age_days=settings.PASSWORD_MAX_AGE_DAYS, next=next_url(self.request),
        )

    def form_valid(self, form):
        response = super().form_valid(form)  # keeps this session, ends the others (their hash is stale)
        session_register(request=self.request, user=form.user)  # the session's key was cycled
        messages.success(self.request, PASSWORD_CHANGED)
        return response

    def get_success_url(self):
        return next_url(self.request)
