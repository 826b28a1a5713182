"""System check: without FIELD_ENCRYPTION_KEY, no personal number or name can be recorded (govportal.crypto)."""

from django.conf import settings
from django.core.checks import Warning, register


@register()
def field_encryption_key_set(app_configs, **kwargs):
    if settings.FIELD_ENCRYPTION_KEY:
        return []
    return [Warning(
        "FIELD_ENCRYPTION_KEY is not set: the hotline cannot record calls, citizens cannot report and "
        "mediation cannot record parties' ID and phone numbers.",
        hint="Set it to a Fernet key, e.g. python -c 'from cryptography.fernet import Fernet; "
             "print(Fernet.generate_key().decode())'.",
        id="govportal.W001",
    )]
