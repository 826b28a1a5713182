"""The administrators' second factor (等保 level 3: two factors, one cryptographic): TOTP codes from
an authenticator app, with django-otp's devices, throttling and one-use codes.

An administrator without a confirmed device enrols on their first log-in: a fresh secret is made
for each visit of the enrolment page (so a secret is shown once and a page left open proves
nothing) and the device is confirmed by a first code. A lost phone: the security administrator
deletes the device in the admin, and the next log-in enrols again. Every code entered, right or
refused, and every enrolment goes into the audit trail (a removal too: audit.receivers).
"""

from base64 import b32encode

import segno
from django import forms
from django.db import transaction
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent
from audit.services import audit_record

WRONG_CODE = _("That code is not right. Enter the 6 digits your authenticator app shows now.")
TOO_MANY_TRIES = _("Too many wrong codes: wait a moment, then enter the newest code.")
DEVICE_NAME = "authenticator"


def totp_device_get(*, user, confirmed=True):
    """Return `user`'s confirmed (or, with confirmed=False, pending) TOTP device, or None."""
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("-pk").first()


def totp_enrolment_start(*, user):
    """Return a new pending TOTP device for `user`, replacing a pending one whose secret was shown before."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def totp_enrolment_confirm(*, device):
    """Mark the pending `device` confirmed (its first code was right), record it, and return it as stored."""
    TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
    audit_record(action=AuditEvent.Action.DEVICE_ENROL, result=AuditEvent.Result.SUCCESS, actor=device.user,
                 target=device.user.get_username(), details={"device": device.name})
    return TOTPDevice.objects.get(pk=device.pk)


def second_factor_accept(*, request, device, stage):
    """Confirm this session's log-in with `device`, whose code was right, and record it.

    `stage` is "verify" (a log-in) or "enrol" (the first code of a new device).
    """
    otp_login(request, device)
    _second_factor_record(request, device, AuditEvent.Result.SUCCESS, stage=stage)


def second_factor_refuse(*, request, device, stage, form):
    """Record a refused code: wrong, throttled or malformed, as the TotpCodeForm's error codes say."""
    reasons = sorted({error.code or "invalid" for errors in form.errors.as_data().values() for error in errors})
    _second_factor_record(request, device, AuditEvent.Result.FAILURE, stage=stage, reasons=reasons)


def _second_factor_record(request, device, result, **details):
    audit_record(action=AuditEvent.Action.SECOND_FACTOR, result=result, actor=request.user,
                 target=request.user.get_username(), details={"path": request.path, "device": device.name, **details},
                 request=request)


def totp_qr_svg(device):
    """Return the device's otpauth:// address as an inline SVG QR code (no image request, no data: URI)."""
    return mark_safe(segno.make(device.config_url, error="m").svg_inline(scale=5, border=2))


def totp_secret_display(device):
    """Return the device's secret in base32, in groups of four, for typing into an app by hand."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[start:start + 4] for start in range(0, len(secret), 4))


class TotpCodeForm(forms.Form):
    """One code from the authenticator app, checked against `device` (throttled after wrong ones)."""

    code = forms.CharField(
        label=_("Authentication code"), min_length=6, max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def __init__(self, *args, device, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self):
        code = self.cleaned_data["code"].replace(" ", "")
        allowed, _details = self.device.verify_is_allowed()
        if not allowed:
            raise forms.ValidationError(TOO_MANY_TRIES, code="throttled")
        if verify_token(self.device.user, self.device.persistent_id, code) is None:
            raise forms.ValidationError(WRONG_CODE, code="wrong_code")
        return code
