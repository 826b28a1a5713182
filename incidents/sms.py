"""The SMS gateway interface; settings.SMS_GATEWAY names the implementation to use."""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

from govportal.masking import mask_phone

logger = logging.getLogger(__name__)


class LoggingSmsGateway:
    """Writes each message to the log instead of sending it (development and tests), the number masked:
    logs are read more widely than the staff list (PIPL)."""

    def send(self, phone, text):
        logger.info("SMS to %s: %s", mask_phone(phone), text)


def sms_gateway():
    """Return an instance of the configured gateway: anything with send(phone, text)."""
    return import_string(settings.SMS_GATEWAY)()
