"""System check: without FIELD_ENCRYPTION_KEY, parties' ID and phone numbers cannot be recorded."""

from django.conf import settings
from django.core.checks import Warning, register


@register()
def field_encryption_key_set(app_configs, **kwargs):
    if settings.FIELD_ENCRYPTION_KEY:
        return []
    return [Warning(
        "FIELD_ENCRYPTION_KEY is not set: mediation cannot record parties' ID and phone numbers.",
        hint="Set it to a Fernet key, e.g. python -c 'from cryptography.fernet import Fernet; "
             "print(Fernet.generate_key().decode())'.",
        id="mediation.W001",
    )]
