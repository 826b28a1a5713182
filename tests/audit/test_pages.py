"""The audit page and its exports: the audit administrator's alone (404 to everyone else), filtered,
paginated, translated, and audited themselves."""

import csv
from datetime import datetime
from io import BytesIO, StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from openpyxl import load_workbook

from accounts.models import User
from audit.models import AuditEvent
from audit.services import audit_record
from audit.selectors import AUDIT_ADMIN_ROLE
from audit.views import EVENTS_PER_PAGE
from tests.factories import UserFactory, log_in_verified
from tests.pages import page

pytestmark = pytest.mark.dated

A, R = AuditEvent.Action, AuditEvent.Result
CST = ZoneInfo("Asia/Shanghai")
NOVEMBER = datetime(2026, 11, 10, 9, 0, tzinfo=CST)
URLS = ("/audit/", "/audit/export.csv", "/audit/export.xlsx")


@pytest.fixture
def trail(actors):
    """Three November events of two people; one failure, one with a formula-like name."""
    with time_machine.travel(NOVEMBER, tick=False):
        audit_record(action=A.LOGIN, result=R.SUCCESS, actor=actors.leader, target=actors.leader.username)
        audit_record(action=A.LOGIN, result=R.FAILURE, target="=HYPERLINK(\"http://x\")")
        audit_record(action=A.EXPORT, result=R.SUCCESS, actor=actors.street_coordinator, target="report.xlsx")


def rows(response):
    return page(response).select("table.audit tbody tr[data-event]")


@pytest.mark.parametrize("role", [role for role in User.Role.values if role != AUDIT_ADMIN_ROLE])
def test_no_one_but_the_audit_administrator_finds_the_audit_trail(actors, client, role):
    administrator = role in User.ADMINISTRATOR_ROLES  # the three belong to no unit
    user = UserFactory(role=role, unit=None if administrator else actors.street_coordinator.unit)
    log_in_verified(client, user) if administrator else client.force_login(user)
    for url in URLS:
        assert client.get(url).status_code == 404, url


def test_anonymous_visitors_find_nothing_either(tree, client):
    for url in URLS:
        assert client.get(url).status_code == 404


def test_the_audit_administrator_filters_the_trail(trail, actors, auditor, client):
    log_in_verified(client, auditor)
    november = {"start": "2026-11-01", "end": "2026-11-30"}
    response = client.get("/audit/", november)
    assert page(response).one("h1").text == "审计日志"  # Chinese by default
    assert len(rows(response)) == 3
    assert [row.text for row in rows(client.get("/audit/", {**november, "result": "failure"}))] == [
        "2026-11-10 09:00:00 — — 登录 =HYPERLINK(\"http://x\") 失败"]
    assert len(rows(client.get("/audit/", {**november, "actor": actors.leader.username}))) == 1
    assert len(rows(client.get("/audit/", {**november, "action": "export"}))) == 1
    assert len(rows(client.get("/audit/", {"start": "2020-01-01", "end": "2020-01-31"}))) == 0
    assert client.get("/audit/", {"start": "2026-11-30", "end": "2026-11-01"}).status_code == 400


def test_reading_the_trail_is_recorded(trail, auditor, client, recorded):
    log_in_verified(client, auditor)
    client.get("/audit/", {"action": "login"})
    (read,) = recorded(A.AUDIT_READ)
    assert (read.actor, read.details) == (auditor, {"query": {"action": "login"}})


def test_pages_keep_the_filters(actors, auditor, client):
    with time_machine.travel(NOVEMBER, tick=False):
        for n in range(EVENTS_PER_PAGE + 1):
            audit_record(action=A.LOGIN, result=R.SUCCESS, actor=actors.leader, target=str(n))
    log_in_verified(client, auditor)
    query = {"start": "2026-11-01", "end": "2026-11-30", "action": "login"}
    link = page(client.get("/audit/", query)).one("nav.pages a[rel=next]").attrs["href"]
    assert link == "?start=2026-11-01&end=2026-11-30&action=login&page=2"
    second = client.get("/audit/" + link)
    assert [row.text.split()[-2] for row in rows(second)] == ["0"]  # the oldest, alone on page 2


def test_the_csv_export_holds_the_filtered_rows_as_text_and_is_recorded(trail, auditor, client, recorded):
    log_in_verified(client, auditor)
    response = client.get("/audit/export.csv", {"start": "2026-11-01", "end": "2026-11-30", "action": "login"})
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-')
    text = b"".join(response.streaming_content).decode()
    assert text.startswith("\ufeff")
    header, *lines = list(csv.reader(StringIO(text[1:])))
    assert header[:3] == ["编号", "时间", "用户名"] and len(lines) == 2
    assert lines[0][5] == "'=HYPERLINK(\"http://x\")"  # read as text, never as a formula
    (export,) = recorded(A.EXPORT)
    assert export.actor == auditor and export.target.endswith(".csv")
    assert export.details["rows"] == 2 and export.details["query"]["action"] == "login"


def test_the_excel_export_holds_the_filtered_rows(trail, auditor, client, recorded):
    log_in_verified(client, auditor)
    response = client.get("/audit/export.xlsx", {"start": "2026-11-01", "end": "2026-11-30"})
    sheet = load_workbook(BytesIO(response.content)).active
    values = list(sheet.values)
    assert len(values) == 4 and values[0][4] == "操作"
    assert {row[5] for row in values[1:]} == {"'=HYPERLINK(\"http://x\")", "report.xlsx", recorded_name(values)}
    assert recorded(A.EXPORT)[0].details["rows"] == 3


def recorded_name(values):
    return next(row[5] for row in values[1:] if row[4] == "登录" and row[6] == "成功")


def test_an_unknown_export_format_is_not_found(auditor, client):
    log_in_verified(client, auditor)
    assert client.get("/audit/export.json").status_code == 404


def test_the_audit_administrator_finds_the_page_in_the_menu(auditor, actors, client):
    log_in_verified(client, auditor)
    assert page(client.get("/")).one("header nav a[href='/audit/']").text == "审计日志"
    client.force_login(actors.leader)
    assert not page(client.get("/")).select("header nav a[href='/audit/']")
