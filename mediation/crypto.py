"""Encryption and masking of parties' ID and phone numbers (PIPL: stored encrypted, shown masked)."""

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _fernet():
    if not settings.FIELD_ENCRYPTION_KEY:
        raise ImproperlyConfigured("Set FIELD_ENCRYPTION_KEY to record parties' ID and phone numbers.")
    return Fernet(settings.FIELD_ENCRYPTION_KEY)


def encrypt(text):
    """Return `text` encrypted (authenticated, with a random IV) as ASCII, or "" for no text."""
    return _fernet().encrypt(text.encode()).decode("ascii") if text else ""


def decrypt(token):
    """Return the text `token` was made from ("" for none)."""
    return _fernet().decrypt(token.encode("ascii")).decode() if token else ""


def mask(text, *, keep_start, keep_end=4):
    """Return `text` with all but its first `keep_start` and last `keep_end` characters starred.

    ID number 441900199001011234 → 4419**********1234; phone 13812345678 → 138****5678.
    """
    if len(text) <= keep_start + keep_end:
        return "*" * len(text)
    return text[:keep_start] + "*" * (len(text) - keep_start - keep_end) + text[-keep_end:]


def mask_id_number(number):
    return mask(number, keep_start=4)


def mask_phone(phone):
    return mask(phone, keep_start=3)
