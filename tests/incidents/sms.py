"""Reading the SMS verification code the development gateway (incidents.sms.LoggingSmsGateway) logs."""

import logging
import re

SIX_DIGITS = re.compile(r"(?<!\d)\d{6}(?!\d)")  # not part of a phone number


def listen_for_sms(caplog):
    """Capture the gateway's log lines, from every thread (the live server's too)."""
    caplog.set_level(logging.INFO, logger="incidents.sms")


def sent_code(caplog):
    """Return the code in the last SMS the logging gateway wrote."""
    texts = [record.getMessage() for record in caplog.records if record.name == "incidents.sms"]
    assert texts, "no SMS was logged"
    return SIX_DIGITS.findall(texts[-1])[-1]
