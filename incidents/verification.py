"""SMS verification codes of the citizen report (随手拍): the reporter shows they hold the phone they give.

A code is 6 random digits sent through SMS_GATEWAY, valid for 5 minutes, 5 tries and one report.
Only keyed digests are stored (HMAC with SECRET_KEY: a million codes hash in a blink, so a plain
hash would hide nothing) of the code, the phone and the asking address. Sending is limited per
phone (one a minute, SMS_CODES_PER_PHONE_PER_HOUR) and per address
(SMS_CODES_PER_ADDRESS_PER_HOUR), counted in PostgreSQL under a lock: each SMS costs money and
could flood a stranger's phone, so the limits must hold exactly, Redis or not.
"""

import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from govportal.errors import DomainInputError

from .models import PhoneCode
from .sms import sms_gateway

logger = logging.getLogger(__name__)

CODE_DIGITS = 6
CODE_TTL = timedelta(minutes=5)
CODE_TRIES = 5
RESEND_INTERVAL = timedelta(minutes=1)

CODE_SMS = _("Your citizen report verification code is %(code)s, valid for %(minutes)d minutes. "
             "Do not tell anyone.")
CODE_SENT = _("A code was sent to %(phone)s; it is valid for %(minutes)d minutes.")
CODE_TOO_SOON = _("A code was sent less than a minute ago; wait a moment before asking again.")
TOO_MANY_CODES = _("Too many codes asked for this phone or from this network; try again later.")
CODE_NOT_SENT = _("The SMS could not be sent; try again later.")
CODE_WRONG = _("The verification code is not right.")
CODE_MISSING = _("No valid code for this phone: ask for a new one.")
CODE_USED_UP = _("This code can no longer be used: ask for a new one.")


class PhoneCodeRefused(Exception):
    """No code is sent now; the message says why, `status` is the HTTP answer (429 a limit, 503 the gateway)."""

    def __init__(self, message, status=429):
        super().__init__(message)
        self.status = status


def _digest(kind, value):
    return salted_hmac(f"incidents.verification.{kind}", value, algorithm="sha256").hexdigest()


def phone_code_send(*, phone, address):
    """Send a new code to `phone`, asked from `address`; raise PhoneCodeRefused when a limit forbids it.

    1. Lock the phone and the address (advisory locks, ordered), so two requests cannot both
       pass a limit on the same count.
    2. Refuse a second code within a minute, or more than the hourly limits.
    3. Store the code's digest; after commit, send the code.
    """
    now = timezone.now()
    phone_digest, address_digest = _digest("phone", phone), _digest("address", address)
    code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
    with transaction.atomic():
        with connection.cursor() as cursor:
            for key in sorted({phone_digest, address_digest}):
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [key])
        hour = PhoneCode.objects.filter(created_at__gt=now - timedelta(hours=1))
        last = hour.filter(phone_digest=phone_digest).order_by("-created_at").first()
        if last is not None and last.created_at > now - RESEND_INTERVAL:
            raise PhoneCodeRefused(CODE_TOO_SOON)
        if (hour.filter(phone_digest=phone_digest).count() >= settings.SMS_CODES_PER_PHONE_PER_HOUR
                or hour.filter(address_digest=address_digest).count() >= settings.SMS_CODES_PER_ADDRESS_PER_HOUR):
            raise PhoneCodeRefused(TOO_MANY_CODES)
        PhoneCode.objects.create(phone_digest=phone_digest, address_digest=address_digest,
                                 code_digest=_digest("code", f"{phone}:{code}"), created_at=now,
                                 expires_at=now + CODE_TTL)
    try:
        sms_gateway().send(phone, str(CODE_SMS % {"code": code, "minutes": CODE_TTL.seconds // 60}))
    except Exception:  # the gateway's own errors: the code stays unsent and counted
        logger.exception("The SMS gateway failed to send a verification code")
        raise PhoneCodeRefused(CODE_NOT_SENT, status=503) from None


def phone_code_use(*, phone, code, report):
    """Accept `code` for `phone` and the report whose idempotency key is `report`; else raise DomainInputError.

    Only the phone's latest code counts. A wrong code uses up one of its tries (kept though an
    error is raised). A right one then belongs to that report: the same report sent again (a
    retry, or the form corrected after another error) passes, any other report is refused.
    """
    now = timezone.now()
    with transaction.atomic():
        latest = PhoneCode.objects.select_for_update().filter(
            phone_digest=_digest("phone", phone)).order_by("-created_at").first()
        if latest is None or latest.expires_at <= now:
            error = CODE_MISSING
        elif latest.tries >= CODE_TRIES or (latest.used_for and latest.used_for != report):
            error = CODE_USED_UP
        elif not constant_time_compare(latest.code_digest, _digest("code", f"{phone}:{code}")):
            PhoneCode.objects.filter(pk=latest.pk).update(tries=F("tries") + 1)
            error = CODE_WRONG
        else:
            PhoneCode.objects.filter(pk=latest.pk).update(used_for=report)
            error = None
    if error is not None:
        raise DomainInputError(error, "code")


def phone_codes_prune():
    """Delete the codes older than a day (the hourly limits need only the last hour); return the count."""
    return PhoneCode.objects.filter(created_at__lt=timezone.now() - timedelta(days=1)).delete()[0]
