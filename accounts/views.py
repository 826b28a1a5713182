"""Pages of one's own account: changing the password and the administrators' second factor."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _

from .forms import NewPasswordChangeForm
from .second_factor import (
    TotpCodeForm, second_factor_accept, second_factor_refuse, totp_device_get, totp_enrolment_confirm,
    totp_enrolment_start, totp_qr_svg, totp_secret_display,
)
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


def _administrator(request):
    if not request.user.is_administrator:
        raise Http404
    return request.user


def _with_next(name, request):
    return f"{reverse(name)}?{urlencode({'next': next_url(request)})}"


@login_required
def otp_verify(request):
    """The administrator's second step of a log-in: a code from their authenticator app."""
    device = totp_device_get(user=_administrator(request))
    if device is None:
        return redirect(_with_next("otp-enrol", request))
    form = TotpCodeForm(request.POST or None, device=device)
    if request.method == "POST":
        if form.is_valid():
            second_factor_accept(request=request, device=device, stage="verify")
            return redirect(next_url(request))
        second_factor_refuse(request=request, device=device, stage="verify", form=form)
    return render(request, "accounts/otp_verify.html", {"form": form, "next": next_url(request)})


@login_required
def otp_enrol(request):
    """An administrator's first log-in: scan the QR code (or type the secret), confirm with a first code."""
    user = _administrator(request)
    if totp_device_get(user=user) is not None:
        return redirect(_with_next("otp-verify", request))
    if request.method == "POST":
        device = totp_device_get(user=user, confirmed=False)
        if device is None:
            return redirect(_with_next("otp-enrol", request))
        form = TotpCodeForm(request.POST, device=device)
        if form.is_valid():
            second_factor_accept(request=request, device=totp_enrolment_confirm(device=device), stage="enrol")
            return redirect(next_url(request))
        second_factor_refuse(request=request, device=device, stage="enrol", form=form)
    else:
        device = totp_enrolment_start(user=user)
        form = TotpCodeForm(device=device)
    return render(request, "accounts/otp_enrol.html", {
        "form": form, "next": next_url(request), "qr_svg": totp_qr_svg(device), "secret": totp_secret_display(device),
    })
