"""三员: the system, security and audit administrators, each able to do their own work and nothing else,
in the admin and through the API."""

import importlib
from dataclasses import dataclass

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group, Permission
from django.db import IntegrityError, transaction
from django.test import Client
from rest_framework.test import APIClient

from accounts.access import sees_areas
from accounts.models import User
from accounts.roles import ADMINISTRATOR_PERMISSIONS, administrator_groups_sync
from accounts.tokens import ADMINISTRATORS_GET_NO_TOKEN
from audit.models import AuditEvent
from incidents.models import Category, Ticket
from incidents.services import NOT_A_REPORTER
from tests.factories import TEST_PASSWORD, UserFactory, log_in_verified
from tests.incidents.conftest import report  # noqa: F401  (a routed ticket)
from tests.mediation.conftest import APPLICANT, make_case, mediation  # noqa: F401  (a mediation case)
from tests.pages import zh

NEW_PASSWORD = "Kp4!vnZe-w"
WITHOUT_ROLE = ("Your account has no role yet: the security administrator gives it one. Until then no area, "
                "work order or case is shown to you.")


@dataclass
class Administrators:
    sysadmin: User
    secadmin: User
    auditor: User

    def each(self):
        return (self.sysadmin, self.secadmin, self.auditor)


@pytest.fixture
def administrators(db):
    return Administrators(
        sysadmin=UserFactory(role=User.Role.SYSTEM_ADMIN, last_name="系统管理员"),
        secadmin=UserFactory(role=User.Role.SECURITY_ADMIN, last_name="安全管理员"),
        auditor=UserFactory(role=User.Role.AUDIT_ADMIN, last_name="审计管理员"),
    )


def client_of(user):
    client = Client()
    log_in_verified(client, user)
    return client


def user_change(user, **changes):
    """Return the admin's change form of `user` as posted data, with `changes`."""
    data = {"username": user.username, "first_name": user.first_name, "last_name": user.last_name,
            "email": user.email, "phone": user.phone, "role": user.role, "unit": user.unit_id or "",
            "is_active": "on", "groups": [group.pk for group in user.groups.all()]}
    return {key: value for key, value in (data | changes).items() if value is not None}


def test_each_administrator_is_staff_in_their_roles_group_only(administrators, actors):
    for administrator in administrators.each():
        assert administrator.is_staff and administrator.unit is None
        assert list(administrator.groups.values_list("name", flat=True)) == [administrator.role]
    actors.leader.is_staff = True
    actors.leader.save()
    actors.leader.refresh_from_db()
    assert not actors.leader.is_staff  # the admin site is for the three (and a superuser) only


def test_a_new_role_moves_the_account_to_that_roles_group(administrators):
    administrators.sysadmin.role = User.Role.AUDIT_ADMIN
    administrators.sysadmin.save()
    assert list(administrators.sysadmin.groups.values_list("name", flat=True)) == ["auditor"]


def test_the_permissions_are_the_table_and_a_sync_restores_them(administrators):
    sysadmin_group = Group.objects.get(name="sysadmin")
    sysadmin_group.permissions.add(Permission.objects.get(codename="change_group"))
    administrator_groups_sync()
    granted = {f"{p.content_type.app_label}.{p.codename}" for p in sysadmin_group.permissions.all()}
    assert granted == set(ADMINISTRATOR_PERMISSIONS[User.Role.SYSTEM_ADMIN])


def test_the_sysadmin_cannot_touch_roles_groups_permissions_or_the_audit_trail(administrators, actors):
    sysadmin = User.objects.get(pk=administrators.sysadmin.pk)
    assert sysadmin.has_perm("accounts.change_user") and sysadmin.has_perm("incidents.change_category")
    assert not sysadmin.has_perm("auth.change_group") and not sysadmin.has_perm("accounts.assign_groups")
    assert not sysadmin.has_perm("accounts.assign_roles") and not sysadmin.has_perm("audit.view_auditevent")
    client = client_of(sysadmin)
    assert client.get("/admin/auth/group/").status_code == 403
    assert client.post("/admin/auth/group/add/", {"name": "mine"}).status_code == 403
    helpers = Group.objects.create(name="helpers")
    worker = actors.grid_worker
    page = client.get(f"/admin/accounts/user/{worker.pk}/change/").content.decode()
    assert 'name="unit"' in page and 'name="groups"' not in page and 'name="role"' not in page
    response = client.post(f"/admin/accounts/user/{worker.pk}/change/",
                           user_change(worker, unit=actors.street_coordinator.unit_id, role="leader",
                                       groups=[helpers.pk]))
    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.unit == actors.street_coordinator.unit  # the account is the system administrator's
    assert worker.role == User.Role.GRID_WORKER and not worker.groups.exists()  # its power is not
    # The other administrators' accounts are a superuser's: no new password for the security administrator.
    secadmin = administrators.secadmin
    assert client.post(f"/admin/accounts/user/{secadmin.pk}/change/", user_change(secadmin)).status_code == 403
    assert client.get(f"/admin/accounts/user/{secadmin.pk}/password/").status_code == 403
    for url in ("/audit/", "/audit/export.csv"):
        assert client.get(url).status_code == 404


def test_the_sysadmin_creates_an_account_without_power_until_the_secadmin_gives_its_role(administrators, actors):
    client = client_of(administrators.sysadmin)
    form = client.get("/admin/accounts/user/add/").content.decode()
    assert 'name="unit"' in form and 'name="role"' not in form
    account = {"username": "newcomer", "usable_password": "true", "password1": NEW_PASSWORD,
               "password2": NEW_PASSWORD}
    assert client.post("/admin/accounts/user/add/", account).status_code == 200  # a unit is needed
    response = client.post("/admin/accounts/user/add/", account | {"unit": actors.leader.unit_id, "role": "leader"})
    assert response.status_code == 302
    newcomer = User.objects.get(username="newcomer")
    assert (newcomer.role, newcomer.unit, newcomer.groups.count()) == ("", actors.leader.unit, 0)
    assert not sees_areas(newcomer)
    newcomer_client = Client()
    newcomer_client.force_login(newcomer)
    assert newcomer_client.get("/api/v1/areas/").json()["features"] == []
    assert zh(WITHOUT_ROLE) in newcomer_client.get("/").content.decode()
    security = client_of(administrators.secadmin)
    response = security.post(f"/admin/accounts/user/{newcomer.pk}/change/", user_change(newcomer, role="leader"))
    assert response.status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.role == User.Role.LEADER and sees_areas(newcomer)
    assert newcomer_client.get("/api/v1/areas/").json()["features"] != []


def test_the_secadmin_gives_roles_and_groups_but_cannot_create_or_edit_accounts(administrators, actors, catalogue):
    client = client_of(administrators.secadmin)
    helpers = Group.objects.create(name="helpers")
    worker = actors.grid_worker
    response = client.post(f"/admin/accounts/user/{worker.pk}/change/",
                           user_change(worker, unit=actors.street_coordinator.unit_id, role="leader",
                                       last_name="改名", is_active=None, groups=[helpers.pk]))
    assert response.status_code == 302
    worker.refresh_from_db()
    assert (worker.role, list(worker.groups.all())) == (User.Role.LEADER, [helpers])
    assert (worker.unit, worker.last_name, worker.is_active) == (actors.community_staff.unit, "王网格", True)
    response = client.post(f"/admin/accounts/user/{worker.pk}/change/", user_change(worker, role="auditor"))
    assert response.status_code == 200  # not a choice: the administrators' roles are a superuser's
    worker.refresh_from_db()
    assert worker.role == User.Role.LEADER
    assert client.get("/admin/accounts/user/add/").status_code == 403
    assert client.post("/admin/accounts/user/add/", {"username": "mine", "usable_password": "true",
                                                     "password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
                                                     "unit": actors.leader.unit_id}).status_code == 403
    assert not User.objects.filter(username="mine").exists()
    assert client.get(f"/admin/accounts/user/{worker.pk}/password/").status_code == 403
    assert client.get("/admin/accounts/handlingunit/").status_code == 403
    assert client.get("/admin/accounts/handlingunit/add/").status_code == 403
    category = Category.objects.get(code="0102")
    assert client.get(f"/admin/incidents/category/{category.pk}/change/").status_code == 403
    assert client.post("/admin/auth/group/add/", {"name": "inspectors"}).status_code == 302
    sysadmin_group = Group.objects.get(name="sysadmin")  # the administrators' groups are the table's
    assert client.post(f"/admin/auth/group/{sysadmin_group.pk}/change/", {"name": "x"}).status_code == 403
    for url in ("/audit/", "/audit/export.csv"):
        assert client.get(url).status_code == 404


def test_the_auditor_reads_the_trail_and_can_change_nothing(administrators, actors, catalogue):
    auditor = User.objects.get(pk=administrators.auditor.pk)
    assert auditor.get_all_permissions() <= {"audit.view_auditevent"}
    client = client_of(auditor)
    assert client.get("/admin/").status_code == 200
    for url in ("/admin/accounts/user/", "/admin/accounts/user/add/", "/admin/auth/group/",
                "/admin/incidents/category/", "/admin/accounts/handlingunit/", "/admin/otp_totp/totpdevice/",
                "/admin/axes/accessattempt/", "/admin/knox/authtoken/"):
        assert client.get(url).status_code == 403, url
    assert client.post("/admin/auth/group/add/", {"name": "mine"}).status_code == 403
    assert client.post(f"/admin/accounts/user/{actors.leader.pk}/change/", user_change(actors.leader)).status_code == 403
    assert client.get("/audit/").status_code == 200 and client.get("/audit/export.csv").status_code == 200


def test_no_administrator_gets_an_api_token(administrators, actors):
    for administrator in (*administrators.each(), actors.admin):  # a break-glass superuser neither
        response = APIClient().post("/api/v1/auth/token/", {"username": administrator.username,
                                                            "password": TEST_PASSWORD})
        assert response.status_code == 403, administrator
        assert response.json()["message"] == str(ADMINISTRATORS_GET_NO_TOKEN)
    wrong = APIClient().post("/api/v1/auth/token/", {"username": administrators.auditor.username, "password": "x"})
    assert wrong.status_code == 400  # a wrong password says no more than for anyone else


def test_no_administrator_works_cases_through_the_api(administrators, actors, catalogue, mediation):  # noqa: F811
    ticket = {"category": "0102", "description": "楼道堆放杂物", "lat": 23.005, "lng": 113.705}
    case = {"source": "walk_in", "dispute_type": "neighbours", "facts": "楼上漏水", "parties": [APPLICANT]}
    for administrator in administrators.each():
        client = client_of(administrator)  # a session past the second factor: the API answers it too
        for url, body in (("/api/v1/tickets/", ticket), ("/api/v1/tickets/batch/", {"tickets": [ticket]}),
                          ("/api/v1/mediation/cases/", case), ("/api/v1/hotline/calls/", {})):
            response = client.post(url, body, content_type="application/json")
            assert response.status_code == 403, (administrator.role, url, response.content)
        response = client.post("/api/v1/tickets/", ticket, content_type="application/json")
        assert response.json()["message"] == str(NOT_A_REPORTER)
        assert client.get("/tickets/new/").status_code == 403
        assert client.get("/api/v1/areas/").json()["features"] == []
    assert not Ticket.objects.exists()


def test_an_administrator_belongs_to_no_unit(administrators, actors):
    administrators.auditor.unit = actors.community_staff.unit  # its work orders would show
    with pytest.raises(IntegrityError), transaction.atomic():
        administrators.auditor.save()


def test_no_administrator_sees_a_ticket_or_a_case(administrators, report, make_case):  # noqa: F811
    ticket, case = report(), make_case()
    for administrator in administrators.each():
        client = client_of(administrator)
        assert client.get("/").status_code == 200
        for url in (f"/tickets/{ticket.pk}/", f"/api/v1/tickets/{ticket.pk}/", f"/mediation/{case.pk}/",
                    f"/api/v1/mediation/cases/{case.pk}/", f"/admin/incidents/ticket/{ticket.pk}/change/",
                    f"/admin/mediation/mediationcase/{case.pk}/change/", "/admin/incidents/ticket/",
                    "/admin/hotline/call/"):
            assert client.get(url).status_code in (403, 404), (administrator.role, url)
        for url in ("/api/v1/tickets/", "/api/v1/mediation/cases/"):
            response = client.get(url)
            assert response.status_code == 403 or response.json()["results"] == [], (administrator.role, url)
        for url in ("/tickets/board/", "/mediation/", "/hotline/calls/"):
            response = client.get(url)
            assert response.status_code == 403 or ticket.number not in response.content.decode(), url
            assert response.status_code == 403 or case.number not in response.content.decode(), url


def test_the_legacy_admin_role_retires_into_no_role_or_a_leader(actors):
    """accounts/0008: a superuser of the old role keeps its flag and no role; an everyday account of it
    becomes a read-only leader; each change is in the audit trail."""
    retire = importlib.import_module("accounts.migrations.0008_retire_admin_role").admin_role_retire
    breakglass = UserFactory(role="admin", is_superuser=True)
    everyday = UserFactory(role="admin", unit=actors.leader.unit)
    retire(django_apps, schema_editor=None)
    breakglass.refresh_from_db()
    everyday.refresh_from_db()
    assert (breakglass.role, breakglass.is_superuser, everyday.role) == ("", True, User.Role.LEADER)
    assert not User.objects.filter(role="admin").exists()
    changes = AuditEvent.objects.filter(action=AuditEvent.Action.ROLE_CHANGE).order_by("id")
    assert [(event.target, event.details["role"]) for event in changes] == [
        (breakglass.username, ["admin", ""]), (everyday.username, ["admin", "leader"])]
