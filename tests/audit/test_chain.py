"""The audit trail is one hash chain: appended in order, checked by audit_verify, refused any change."""

from datetime import date
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.utils import translation
from django.utils.translation import gettext_lazy

from audit.models import GENESIS, RECORD_IS_IMMUTABLE, RECORD_IS_PERMANENT, AuditEvent
from audit.selectors import audit_chain_verify
from audit.services import audit_record
from tests.concurrency import run_at_once

A, R = AuditEvent.Action, AuditEvent.Result


def verify():
    """Return (exit status, message) of manage.py audit_verify."""
    out = StringIO()
    try:
        call_command("audit_verify", stdout=out)
    except CommandError as error:
        return error.returncode, str(error)
    return 0, out.getvalue().strip()


# What refuses a change: the trigger, or first the privileges an application role gave up (audit 0002).
REFUSED = "audit records are never changed or deleted|permission denied for table audit_auditevent"


def without_guard(sql, params=()):
    """Run `sql` on the audit table with its trigger off: what someone with the owner's power could do
    (the test's transaction rolls the grant back)."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred checks pending: ALTER TABLE needs that
        cursor.execute("GRANT UPDATE, DELETE ON audit_auditevent TO CURRENT_USER")
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only")
        cursor.execute(sql, params)
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_append_only")


def test_an_event_holds_who_what_when_where_and_chains_to_the_one_before(actors):
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.2.3")
    with translation.override("en"):
        first = audit_record(action=A.EXPORT, result=R.SUCCESS, actor=actors.leader, target="report.xlsx",
                             details={"month": date(2026, 11, 1), "label": gettext_lazy("Export")}, request=request)
    second = audit_record(action=A.LOGIN, result=R.FAILURE, target="nobody", details={"text": "a\x00b"})
    stored = AuditEvent.objects.get(pk=first.pk)
    assert (stored.actor, stored.actor_username, stored.client_ip, stored.target, stored.result) == (
        actors.leader, actors.leader.username, "10.1.2.3", "report.xlsx", "success")
    assert stored.details == {"month": "2026-11-01", "label": "Export"}
    assert AuditEvent.objects.get(pk=second.pk).details == {"text": "ab"}  # PostgreSQL holds no NUL
    assert second.pk > first.pk and second.actor is None and second.client_ip == ""
    previous = AuditEvent.objects.filter(pk__lt=first.pk).order_by("-pk").values_list("hash", flat=True).first()
    assert stored.hash == stored.chain_hash(previous or GENESIS)
    assert AuditEvent.objects.get(pk=second.pk).hash == AuditEvent.objects.get(pk=second.pk).chain_hash(stored.hash)


def test_a_bad_client_address_is_left_out(actors):
    request = RequestFactory().get("/", REMOTE_ADDR="not-an-address")
    assert audit_record(action=A.LOGIN, result=R.SUCCESS, actor=actors.leader, request=request).client_ip == ""


def test_verify_reports_an_intact_chain(actors):
    for n in range(3):
        audit_record(action=A.LOGIN, result=R.SUCCESS, actor=actors.leader, target=str(n))
    assert verify() == (0, f"{AuditEvent.objects.count()} rows, chain intact.")


def test_verify_names_the_first_row_changed_behind_the_trigger(actors):
    events = [audit_record(action=A.LOGIN, result=R.SUCCESS, actor=actors.leader, target=str(n)) for n in range(4)]
    without_guard("UPDATE audit_auditevent SET target = 'someone else' WHERE id = %s", [events[2].pk])
    status, message = verify()
    assert status == 1 and f"broken at row {events[2].pk}" in message
    assert audit_chain_verify()[1] == events[2].pk


def test_verify_names_the_row_after_one_deleted_behind_the_trigger(actors):
    events = [audit_record(action=A.LOGIN, result=R.SUCCESS, actor=actors.leader, target=str(n)) for n in range(4)]
    without_guard("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    intact = AuditEvent.objects.filter(pk__lt=events[2].pk).count()
    assert verify() == (1, f"Audit chain broken at row {events[2].pk} ({intact} rows before it intact).")


def test_the_database_refuses_to_change_or_delete_a_record(actors):
    event = audit_record(action=A.LOGIN, result=R.SUCCESS, actor=actors.leader)
    for sql in ("UPDATE audit_auditevent SET result = 'failure' WHERE id = %s",
                "DELETE FROM audit_auditevent WHERE id = %s"):
        with pytest.raises(DatabaseError, match=REFUSED):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, [event.pk])
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(result="failure")
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk)._raw_delete(connection.alias)
    assert AuditEvent.objects.get(pk=event.pk).result == "success"


def test_the_model_refuses_to_save_again_or_delete(actors):
    event = AuditEvent.objects.get(pk=audit_record(action=A.LOGIN, result=R.SUCCESS, actor=actors.leader).pk)
    event.target = "changed"
    with pytest.raises(ValidationError) as changed:
        event.save()
    assert changed.value.messages == [str(RECORD_IS_IMMUTABLE)]
    with pytest.raises(ValidationError) as deleted:
        event.delete()
    assert deleted.value.messages == [str(RECORD_IS_PERMANENT)]


@pytest.mark.django_db(transaction=True)
def test_appends_released_together_make_one_ordered_chain():
    """Eight writers at once: the advisory lock orders them, no two chain to the same row."""
    def append():
        with transaction.atomic():
            return audit_record(action=A.LOGIN, result=R.FAILURE, target="burst").pk

    ids = run_at_once(append, times=8)
    assert len(set(ids)) == 8
    hashes = list(AuditEvent.objects.order_by("id").values_list("hash", flat=True))
    assert len(set(hashes)) == len(hashes)
    assert audit_chain_verify() == (AuditEvent.objects.count(), None)
