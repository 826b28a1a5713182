"""Encryption of parties' ID and phone numbers (PIPL: stored encrypted; shown masked by govportal.masking)."""

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
