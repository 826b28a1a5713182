"""Extensions: asked for only before the limit expires, at most 10 working days (test_follow_up), and
every citizen of the order is told by SMS through the gateway once it is approved."""

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from incidents.merging import ticket_merge
from incidents.services import (
    EXTENSION_TOO_LATE, WorkflowInputError, ticket_accept, ticket_approve_extension, ticket_request_extension,
)
from incidents.worktime import working_day_minutes

pytestmark = pytest.mark.dated

CST = ZoneInfo("Asia/Shanghai")
MONDAY_9AM = datetime(2026, 11, 23, 9, 0, tzinfo=CST)


@pytest.fixture
def accepted(dispatched, actors):
    with time_machine.travel(MONDAY_9AM, tick=False):
        call = dispatched()
        return ticket_accept(ticket_id=call.ticket_id, actor=actors.community_staff)


def test_an_extension_is_refused_once_the_limit_has_expired(accepted, actors):
    with time_machine.travel(accepted.due_at + timedelta(minutes=1), tick=False):
        with pytest.raises(WorkflowInputError, match=str(EXTENSION_TOO_LATE)):
            ticket_request_extension(ticket_id=accepted.pk, actor=actors.community_staff,
                                     minutes=working_day_minutes(), reason="等待材料")


def test_an_approved_extension_is_told_to_every_citizen_by_sms(accepted, dispatched, operator, actors, caplog,
                                                               django_capture_on_commit_callbacks):
    caplog.set_level(logging.INFO, logger="incidents.sms")
    with time_machine.travel(MONDAY_9AM, tick=False):
        duplicate = dispatched(caller_phone="13977776666").ticket
        ticket_merge(ticket_id=duplicate.pk, actor=operator, master_number=accepted.number, reason="同一件事")
    with time_machine.travel(MONDAY_9AM + timedelta(hours=1), tick=False):
        ticket_request_extension(ticket_id=accepted.pk, actor=actors.community_staff,
                                 minutes=2 * working_day_minutes(), reason="需采购配件")
        with django_capture_on_commit_callbacks(execute=True):
            ticket = ticket_approve_extension(ticket_id=accepted.pk, actor=actors.street_coordinator)
    texts = sorted(record.getMessage() for record in caplog.records if record.name == "incidents.sms")
    due = f"{ticket.due_at.astimezone(CST):%Y-%m-%d %H:%M}"
    assert len(texts) == 2  # the caller of the order and the caller of the merged duplicate
    assert texts[0].startswith("SMS to 138****1234:") and texts[1].startswith("SMS to 139****6666:")
    assert all(accepted.number in text and due in text and "延长" in text for text in texts)
