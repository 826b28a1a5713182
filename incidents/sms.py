"""The SMS gateway interface; settings.SMS_GATEWAY names the implementation to use."""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class LoggingSmsGateway:
    """Writes each message to the log instead of sending it (development and tests)."""

    def send(self, phone, text):
        logger.info("SMS to %s: %s", phone, text)


def sms_gateway():
    """Return an instance of the configured gateway: anything with send(phone, text)."""
    return import_string(settings.SMS_GATEWAY)()
