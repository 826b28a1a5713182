from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from mediation.models import CaseEvent, MediationCase
from mediation.sweeps import overdue_cases_escalate
from mediation.tasks import escalate_overdue_cases
from mediation.workflow import TRANSITIONS
from tests.incidents.test_workflow_sql import assert_events_follow_the_table

pytestmark = pytest.mark.dated

S = MediationCase.Status
CST = ZoneInfo("Asia/Shanghai")
MONDAY_9AM = datetime(2026, 11, 23, 9, 0, tzinfo=CST)
# 22 working days after MONDAY_9AM (incidents.worktime, the Chinese working calendar).
DUE = datetime(2026, 12, 23, 9, 0, tzinfo=CST)


def test_unresolved_case_moves_up_the_chain_once_per_missed_deadline(make_case, mediation):
    with time_machine.travel(MONDAY_9AM, tick=False):
        committee_case = make_case(S.MEDIATING)
        top_case = make_case(S.ACCEPTED)
        MediationCase.objects.filter(pk=top_case.pk).update(organisation=mediation.district_centre)
        waiting = make_case()  # registered, no clock
    assert committee_case.due_at == DUE
    with time_machine.travel(DUE - timedelta(minutes=1), tick=False):
        assert overdue_cases_escalate() == {"escalated": 0, "marked_overdue": 0}
    with time_machine.travel(DUE + timedelta(minutes=1), tick=False):
        assert escalate_overdue_cases() == {"escalated": 1, "marked_overdue": 1}
        assert overdue_cases_escalate() == {"escalated": 0, "marked_overdue": 0}
    committee_case.refresh_from_db()
    assert (committee_case.organisation, committee_case.overdue_count, committee_case.status) == (
        mediation.west_centre, 1, S.MEDIATING)
    assert committee_case.due_at > DUE
    event = committee_case.events.last()
    assert (event.action, event.actor, event.organisation) == ("overdue_escalate", None, mediation.west_centre)
    top_case.refresh_from_db()
    assert (top_case.organisation, top_case.overdue_count, top_case.due_at) == (mediation.district_centre, 1, None)
    assert top_case.events.last().action == "overdue"
    waiting.refresh_from_db()
    assert (waiting.organisation, waiting.overdue_count) == (mediation.west_committee, 0)


def test_sweep_claims_in_batches(make_case, mediation):
    with time_machine.travel(MONDAY_9AM, tick=False):
        for _ in range(3):
            make_case(S.ACCEPTED)
    with time_machine.travel(DUE + timedelta(minutes=1), tick=False):
        assert overdue_cases_escalate(batch_size=2) == {"escalated": 3, "marked_overdue": 0}
    assert set(MediationCase.objects.values_list("organisation", flat=True)) == {mediation.west_centre.pk}


def test_the_case_sweep_writes_only_moves_the_table_allows(make_case, mediation):
    with time_machine.travel(MONDAY_9AM, tick=False):
        make_case(MediationCase.Status.MEDIATING)
        make_case(MediationCase.Status.ACCEPTED)
        make_case()
    for later in (timedelta(days=60), timedelta(days=120), timedelta(days=180)):
        overdue_cases_escalate(now=MONDAY_9AM + later)
    assert_events_follow_the_table(CaseEvent.objects.all(), TRANSITIONS)
    for case in MediationCase.objects.all():
        assert case.status == case.events.last().to_status, case.number
