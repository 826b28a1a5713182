"""Participation on the test tree: the west community is "ours" (actors.community_staff), the east
one another street's (actors.outsider). SMS codes are caught by a gateway that keeps what it sends."""

import re

import pytest
from django.test import override_settings

from participation import services
from participation.models import Participant

PHONE = "13800001111"


class CodeCatcher:
    """An SMS gateway keeping the last code sent to each phone."""

    codes = {}

    def send(self, phone, text):
        self.codes[phone] = re.search(r"\d{6}", text).group()


@pytest.fixture
def sms():
    CodeCatcher.codes = {}
    with override_settings(SMS_GATEWAY="tests.participation.conftest.CodeCatcher"):
        yield CodeCatcher


@pytest.fixture
def enter(actors, tree):
    """Enter a confirmed participant of the west community (or `community`) as its staff."""
    counter = iter(range(1000))

    def entered(name="李志愿", *, community=None, kind=Participant.Kind.VOLUNTEER, phone=None, **fields):
        return services.participant_enter(actor=actors.community_staff if community is None else actors.admin,
                                          community=community or tree.west_community, kind=kind, name=name,
                                          phone=phone or f"1390000{next(counter):04d}", **fields)

    return entered
