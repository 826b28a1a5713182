"""Retention: only the audit administrator prunes, only what is older than the retention period
(never under 184 days), and the chain stays verifiable from the anchor the prune records."""

import os
import re
import subprocess
import sys
from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from audit.models import AuditEvent
from audit.selectors import AUDIT_ADMIN_ROLE, audit_chain_verify
from audit.services import ONLY_THE_AUDIT_ADMIN, audit_record
from tests.factories import HandlingUnitFactory, UserFactory

from .test_chain import REFUSED, without_guard

pytestmark = pytest.mark.dated

A, R = AuditEvent.Action, AuditEvent.Result
# Older than any retention under both clocks: Python's (moved by --at) and PostgreSQL's (real).
LONG_AGO = datetime(2020, 1, 6, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def old_then_new(tree):
    """Three events of 2020 at the head of the chain, then the audit administrator and events of today."""
    with connection.cursor() as cursor:  # a chain that starts in 2020: not with the groups set up by migrate
        cursor.execute(f"TRUNCATE {AuditEvent._meta.db_table}")
    with time_machine.travel(LONG_AGO, tick=False):
        old = [audit_record(action=A.LOGIN, result=R.FAILURE, target=f"old{n}") for n in range(3)]
    auditor = UserFactory(role=AUDIT_ADMIN_ROLE, unit=None, username="auditor")  # administrators have no unit
    new = audit_record(action=A.LOGIN, result=R.SUCCESS, actor=auditor)
    return old, new, auditor


def prune(username):
    out = StringIO()
    call_command("audit_prune", "--auditor", username, stdout=out)
    return out.getvalue().strip()


def test_the_audit_administrator_prunes_the_old_head_and_the_chain_stays_whole(old_then_new):
    old, new, auditor = old_then_new
    first_kept = AuditEvent.objects.filter(id__gt=old[-1].pk).order_by("id").first()
    assert prune("auditor") == "Audit records removed: 3 (kept: the last 184 days)."
    assert not AuditEvent.objects.filter(pk__in=[event.pk for event in old]).exists()
    event = AuditEvent.objects.filter(action=A.AUDIT_PRUNE).get()
    assert event.actor == auditor
    assert event.details == {"retention_days": 184, "removed": 3, "through_id": old[-1].pk,
                             "anchor": old[-1].hash, "first_kept_id": first_kept.pk}
    assert audit_chain_verify() == (AuditEvent.objects.count(), None)
    assert prune("auditor") == "Audit records removed: 0 (kept: the last 184 days)."
    assert audit_chain_verify() == (AuditEvent.objects.count(), None)


def test_deleting_the_first_kept_row_afterwards_breaks_the_chain(old_then_new):
    prune("auditor")
    first, second = AuditEvent.objects.order_by("id")[:2]
    without_guard("DELETE FROM audit_auditevent WHERE id = %s", [first.pk])
    assert audit_chain_verify() == (0, second.pk)


@pytest.mark.parametrize("who", ["superuser", "coordinator", "nobody"])
def test_no_one_else_prunes(old_then_new, actors, who):
    name = {"superuser": actors.admin.username, "coordinator": actors.street_coordinator.username,
            "nobody": "no-such-user"}[who]
    with pytest.raises(CommandError, match=re.escape(str(ONLY_THE_AUDIT_ADMIN))):
        prune(name)
    assert AuditEvent.objects.filter(pk=old_then_new[0][0].pk).exists()
    assert not AuditEvent.objects.filter(action=A.AUDIT_PRUNE).exists()


def test_the_database_never_removes_what_is_younger_than_184_days(old_then_new):
    old, new, auditor = old_then_new
    for sql, params, refusal in (
        ("SELECT audit_prune(%s, 183)", [old[-1].pk], "kept at least 184 days"),
        ("SELECT audit_prune(%s, 184)", [new.pk], "not all older than 184 days"),
        ("SET LOCAL audit.pruning = 'on'; DELETE FROM audit_auditevent WHERE id = %s", [new.pk], REFUSED),
    ):
        with pytest.raises(DatabaseError, match=refusal), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    assert AuditEvent.objects.filter(pk__in=[old[0].pk, new.pk]).count() == 2


def _settings_with(retention):
    env = {**os.environ, "AUDIT_RETENTION_DAYS": retention, "DJANGO_SECRET_KEY": "x"}
    return subprocess.run([sys.executable, "-c", "import govportal.settings.base as s; print(s.AUDIT_RETENTION_DAYS)"],
                          env=env, capture_output=True, text=True)


@pytest.mark.parametrize(("raw", "refusal"), [("183", "must be at least 184"), ("half a year", "is not an integer")])
def test_a_retention_under_184_days_or_unreadable_stops_start_up(raw, refusal):
    result = _settings_with(raw)
    assert result.returncode != 0 and refusal in result.stderr


def test_a_longer_retention_is_accepted():
    assert _settings_with("400").stdout.strip() == "400"


def test_only_the_functions_owner_and_whom_it_grants_may_prune(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT has_function_privilege('public', 'audit_prune(bigint, integer)', 'EXECUTE')")
        assert cursor.fetchone()[0] is False
