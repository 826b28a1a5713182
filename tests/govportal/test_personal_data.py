"""Personal data at rest (PIPL, domain.md §7): no table holds a caller's, citizen's or Open311
reporter's number, name or e-mail in clear; the admin shows them masked; a phone's reward entries
(in participation's points ledger) are found by its keyed hash; the data migrations convert existing rows and back."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from govportal.crypto import blind_index, decrypt
from grids.selectors import grid_locate
from hotline import services as hotline_services
from hotline.models import Call, Open311Key, Open311Request
from incidents import services
from incidents.models import Ticket
from participation.models import PointEntry
from tests.hotline.conftest import WEST_POINT, call_fields, catalogue, dispatched, operator  # noqa: F401 - fixtures

CALLER_PHONE, CALLER_NAME = "13812341234", "诸葛孔明"
CITIZEN_PHONE = "13955556666"
OPEN311_PHONE, OPEN311_EMAIL, OPEN311_FIRST, OPEN311_LAST = "13677778888", "kongming.zhuge@example.com", "孔明", "诸葛"
CLEAR = [CALLER_PHONE, CALLER_NAME, CITIZEN_PHONE, OPEN311_PHONE, OPEN311_EMAIL]
MASKED = ["138****1234", "诸**明", "139****6666", "136****8888", "k***@example.com"]
# hotline 0004 and incidents 0013 seal these columns; the rows made here are converted back and forth.
BEFORE_SEALING = [("hotline", "0003_ticket_place"), ("incidents", "0012_notification_retention_index")]


@pytest.fixture
def recorded(dispatched, catalogue, actors):
    """A hotline call, a citizen's report with its reward entry and an Open311 request; returns them."""
    call = dispatched(caller_phone=CALLER_PHONE, caller_name=CALLER_NAME)
    report, _created = services.ticket_create(source=Ticket.Source.CITIZEN, category=catalogue["0102"],
                                              description="路边垃圾堆积", location=WEST_POINT,
                                              reporter_phone=CITIZEN_PHONE)
    report = services.ticket_route(ticket_id=report.pk)
    services.ticket_accept(ticket_id=report.pk, actor=actors.community_staff)
    request = hotline_services.open311_request_create(
        api_key=Open311Key.objects.create(key="k", name="测试"), category=catalogue["0201"], location=WEST_POINT,
        place=grid_locate(WEST_POINT), description="路灯不亮", phone=OPEN311_PHONE, email=OPEN311_EMAIL,
        first_name=OPEN311_FIRST, last_name=OPEN311_LAST)
    return {"call": call, "report": report, "reward": PointEntry.objects.get(), "open311": request}


def clear_texts_in_tables(texts):
    """Return {table: [texts found in its rows]} over every table of the database."""
    found = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
                       "AND table_type = 'BASE TABLE' AND table_name <> 'spatial_ref_sys'")
        for (table,) in cursor.fetchall():
            cursor.execute(f'SELECT string_agg(t::text, \'\n\') FROM "{table}" t')
            rows = cursor.fetchone()[0] or ""
            if hits := [text for text in texts if text in rows]:
                found[table] = hits
    return found


def test_no_table_holds_a_number_name_or_address_in_clear(recorded):
    assert clear_texts_in_tables(CLEAR) == {}
    assert clear_texts_in_tables(MASKED).keys() == {
        "hotline_call", "incidents_ticket", "participation_participant", "hotline_open311request"}


def test_each_is_read_back_with_the_key(recorded):
    call, report, reward, request = recorded["call"], recorded["report"], recorded["reward"], recorded["open311"]
    assert [decrypt(call.caller_phone_encrypted), decrypt(call.caller_name_encrypted)] == [CALLER_PHONE, CALLER_NAME]
    assert decrypt(report.reporter_phone_encrypted) == decrypt(reward.participant.phone_encrypted) == CITIZEN_PHONE
    assert decrypt(request.ticket.reporter_phone_encrypted) == OPEN311_PHONE
    assert [decrypt(request.email_encrypted), decrypt(request.first_name_encrypted),
            decrypt(request.last_name_encrypted)] == [OPEN311_EMAIL, OPEN311_FIRST, OPEN311_LAST]


@pytest.mark.parametrize("model", [Call, Ticket, PointEntry, Open311Request])
def test_the_admin_shows_them_masked(recorded, admin_client, model):
    opts = model._meta
    rows = model.objects.all()
    pages = [admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")).content.decode()]
    pages += [admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[row.pk]))
              .content.decode() for row in rows]
    assert rows and not [text for text in CLEAR for shown in pages if text in shown]
    assert any(masked in shown for masked in MASKED for shown in pages)


def test_the_admin_finds_a_phones_reward_entries_by_its_hash(recorded, admin_client):
    url = reverse("admin:participation_pointentry_changelist")
    assert recorded["report"].number in admin_client.get(url, {"q": CITIZEN_PHONE}).content.decode()
    assert recorded["report"].number not in admin_client.get(url, {"q": "13900000000"}).content.decode()


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def clear_columns():
    with connection.cursor() as cursor:
        cursor.execute("SELECT caller_phone, caller_name FROM hotline_call")
        calls = cursor.fetchall()
        cursor.execute("SELECT reporter_phone FROM incidents_ticket WHERE reporter_phone <> '' ORDER BY id")
        tickets = [phone for (phone,) in cursor.fetchall()]
        cursor.execute("SELECT phone FROM incidents_rewardentry")
        rewards = [phone for (phone,) in cursor.fetchall()]
        cursor.execute("SELECT email, first_name, last_name FROM hotline_open311request")
        requests = cursor.fetchall()
    return calls, tickets, rewards, requests


@pytest.mark.django_db(transaction=True)
def test_the_data_migrations_unseal_and_seal_existing_rows(recorded):
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    credited = recorded["reward"]
    try:
        migrate(BEFORE_SEALING)
        assert clear_columns() == ([(CALLER_PHONE, CALLER_NAME)], [CITIZEN_PHONE, OPEN311_PHONE], [CITIZEN_PHONE],
                                   [(OPEN311_EMAIL, OPEN311_FIRST, OPEN311_LAST)])
    finally:
        migrate(latest)
    assert clear_texts_in_tables(CLEAR) == {}
    moved = PointEntry.objects.select_related("participant").get()  # back in the one ledger, as it was
    assert (moved.points, moved.created_at, moved.ticket_id) == (credited.points, credited.created_at,
                                                                 credited.ticket_id)
    call, reward = Call.objects.get(), moved.participant
    assert (call.caller_phone_masked, call.caller_phone_hash) == ("138****1234", blind_index(CALLER_PHONE))
    assert decrypt(call.caller_name_encrypted) == CALLER_NAME and call.caller_name_masked == "诸**明"
    assert (reward.phone_masked, reward.phone_hash) == ("139****6666", blind_index(CITIZEN_PHONE))
    assert decrypt(Open311Request.objects.get().email_encrypted) == OPEN311_EMAIL
    assert sorted(decrypt(t.reporter_phone_encrypted) for t in Ticket.objects.exclude(reporter_phone_masked="")) \
        == sorted([CITIZEN_PHONE, OPEN311_PHONE])
