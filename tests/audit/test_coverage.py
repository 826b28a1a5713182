"""Every kind of security event the audit trail must hold, one by one, each with who, when, from which
address, what and the result (等保 2.0 level 3, PIPL; the issue's list):

log-ins, successful and failed, on the pages, the admin and the token API, and tokens refused; the
administrators' second factor (codes right and wrong, enrolment, removal); log-outs; API tokens
issued, refused and revoked, for every reason; lockouts; password changes; accounts created; role,
unit and status changes; group and permission changes; every addition, change and deletion in the
admin, and what it refuses; every file handed out; reveals of personal numbers, granted or refused;
the admin's views of personal data; reading the trail and pruning it.

The clock stands still at NOW (moved on where a test says so), so "when" is exact; each request
comes from its own address.
"""

from datetime import datetime, timedelta
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.contrib.admin import ModelAdmin
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve, reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.models import User
from accounts.tasks import delete_expired_tokens
from audit.checks import personal_data_views_audited
from audit.models import AuditEvent
from grids.models import GridMember
from grids.selectors import grid_locate
from hotline import services as hotline_services
from hotline.models import Call, KnowledgeArticle, Open311Key, OverdueNotice
from hotline.supervision import overdue_notices_send
from incidents import services as ticket_services
from incidents.models import Ticket
from mediation.models import MediationCase, Party
from participation.models import PointEntry
from supervision.models import Programme
from tests.carelist.conftest import care, care_groups, person, person_make  # noqa: F401  (fixtures)
from tests.factories import TEST_PASSWORD, UserFactory, log_in_verified
from tests.hotline.conftest import WEST_POINT, call_fields, catalogue, dispatched, operator  # noqa: F401
from tests.hotline.test_supervision import overdue  # noqa: F401  (a fixture)
from tests.mediation.conftest import make_case, mediation  # noqa: F401  (fixtures)

# Not `dated`: every test runs at NOW (the clock stands still: TOTP codes, token expiry and lockouts read it).

A, R = AuditEvent.Action, AuditEvent.Result
NOW = datetime(2026, 11, 10, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
TOKEN = "/api/v1/auth/token/"
NEW_PASSWORD = "Kp4!vnZe-w"
CITIZEN_PHONE = "13955556666"
ROOT = Path(settings.BASE_DIR)
COVERED = set()  # the actions some test of this module proves (test_every_kind_of_event_is_enumerated_here)


def covers(*actions):
    """Mark a test as the proof that `actions` are recorded."""
    COVERED.update(actions)
    return lambda test: test


@pytest.fixture(autouse=True)
def clock():
    """Stop the clock at NOW before the fixtures' log-ins and the test."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def sysadmin(db):
    return UserFactory(role=User.Role.SYSTEM_ADMIN, last_name="系统管理员")


@pytest.fixture
def secadmin(db):
    return UserFactory(role=User.Role.SECURITY_ADMIN, last_name="安全管理员")


def check(event, action, result, actor, address, *, at=NOW, target=None, **details):
    """Assert the event's what (action, target, details), its result, who (the account and its name),
    when (`at`) and from which address; return it."""
    assert (event.action, event.result) == (action, result), event
    assert (event.actor, event.actor_username) == (actor, actor.get_username() if actor else ""), event
    assert (event.created_at, event.client_ip) == (at, address), event
    if target is not None:
        assert event.target == target, event
    for key, value in details.items():
        assert event.details.get(key) == value, (key, event.details)
    return event


def client_of(user, address="127.0.0.1"):
    """A page client of `user`, past the second factor when they are an administrator."""
    client = Client(REMOTE_ADDR=address)
    if user.is_administrator:
        log_in_verified(client, user)
    else:
        client.force_login(user)
    return client


def user_form(user, **changes):
    """The admin's change form of `user` as posted data, with `changes` (None drops a field)."""
    data = {"username": user.username, "first_name": user.first_name, "last_name": user.last_name,
            "email": user.email, "phone": user.phone, "role": user.role, "unit": user.unit_id or "",
            "is_active": "on", "groups": [group.pk for group in user.groups.all()]}
    return {key: value for key, value in (data | changes).items() if value is not None}


def project_sources():
    """Yield (path from the project's root, text) of each Python module of the project (not its tests)."""
    for path in sorted(ROOT.glob("*/**/*.py")):
        relative = path.relative_to(ROOT)
        if relative.parts[0] not in (".venv", "node_modules", "static_vendor", "tests", "bench"):
            yield str(relative), path.read_text(encoding="utf-8")


def code_of(device):
    """Return the code the administrator's app shows now."""
    return str(TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()).zfill(device.digits)


def wrong_code_of(device):
    """Return a code the device accepts at no moment near now (its tolerance is a step either side)."""
    near = {str(TOTP(device.bin_key, device.step, device.t0, device.digits, drift).token()).zfill(device.digits)
            for drift in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in near)


# --- log-ins and log-outs -----------------------------------------------------------------------

@covers(A.LOGIN, A.LOGOUT)
def test_log_ins_on_the_page_and_the_admin_failed_and_successful_and_log_outs(actors, recorded):
    leader = actors.leader
    client = Client()
    client.post("/login/", {"username": leader.username, "password": "Wrong-guess-1"}, REMOTE_ADDR="192.0.2.1")
    client.post("/admin/login/", {"username": leader.username, "password": "Wrong-guess-2"}, REMOTE_ADDR="192.0.2.2")
    client.post("/login/", {"username": leader.username, "password": TEST_PASSWORD}, REMOTE_ADDR="192.0.2.3")
    client.post("/logout/", REMOTE_ADDR="192.0.2.4")
    page_failure, admin_failure, success = recorded(A.LOGIN)
    check(page_failure, A.LOGIN, R.FAILURE, None, "192.0.2.1", target=leader.username, path="/login/")
    check(admin_failure, A.LOGIN, R.FAILURE, None, "192.0.2.2", target=leader.username, path="/admin/login/")
    check(success, A.LOGIN, R.SUCCESS, leader, "192.0.2.3", target=leader.username, path="/login/")
    (logout,) = recorded(A.LOGOUT)
    check(logout, A.LOGOUT, R.SUCCESS, leader, "192.0.2.4", target=leader.username)
    assert not any("Wrong-guess" in str(event.details) or TEST_PASSWORD in str(event.details) for event in recorded())


@covers(A.LOGIN, A.TOKEN_ISSUE)
def test_token_log_ins_failed_and_successful_and_a_token_refused(tree, actors, recorded):
    worker = actors.grid_worker
    api = APIClient()
    assert api.post(TOKEN, {"username": worker.username, "password": "wrong"}, REMOTE_ADDR="198.51.100.1"
                    ).status_code == 400
    key = api.post(TOKEN, {"username": worker.username, "password": TEST_PASSWORD}, REMOTE_ADDR="198.51.100.2"
                   ).json()["token"]
    forged = APIClient(HTTP_AUTHORIZATION=f"Token {key[:-4]}0000")  # its start finds the row, the hash differs
    assert forged.get("/api/v1/categories/", REMOTE_ADDR="198.51.100.3").status_code == 401
    failed, succeeded, refused = recorded(A.LOGIN)
    check(failed, A.LOGIN, R.FAILURE, None, "198.51.100.1", target=worker.username, path=TOKEN)
    check(succeeded, A.LOGIN, R.SUCCESS, worker, "198.51.100.2", target=worker.username, path=TOKEN)
    check(refused, A.LOGIN, R.FAILURE, None, "198.51.100.3", target="", via="token", reason="authentication_failed",
          path="/api/v1/categories/")
    (issued,) = recorded(A.TOKEN_ISSUE)
    digest = AuthToken.objects.get(user=worker).digest
    check(issued, A.TOKEN_ISSUE, R.SUCCESS, worker, "198.51.100.2", target=worker.username, token=digest[:16])
    assert key[:8] not in str([event.details for event in recorded()])  # nothing of the token itself


@covers(A.TOKEN_ISSUE, A.LOGIN)
def test_an_administrators_token_is_refused_when_asked_for_and_when_used(sysadmin, recorded):
    response = APIClient().post(TOKEN, {"username": sysadmin.username, "password": TEST_PASSWORD},
                                REMOTE_ADDR="198.51.100.4")
    assert response.status_code == 403
    (refused,) = recorded(A.TOKEN_ISSUE)
    check(refused, A.TOKEN_ISSUE, R.FAILURE, sysadmin, "198.51.100.4", target=sysadmin.username,
          reason="administrator")
    _token, key = AuthToken.objects.create(user=sysadmin)  # one made behind the API's back
    use = APIClient(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/categories/", REMOTE_ADDR="198.51.100.5")
    assert use.status_code == 401
    check(recorded(A.LOGIN)[-1], A.LOGIN, R.FAILURE, None, "198.51.100.5", target=sysadmin.username,
          via="token", reason="administrator")


# --- the administrators' second factor ----------------------------------------------------------

@covers(A.SECOND_FACTOR, A.DEVICE_ENROL, A.DEVICE_REMOVE, A.ADMIN_DELETE)
def test_the_second_factor_enrolment_codes_right_wrong_and_throttled_and_a_device_removed(
        sysadmin, secadmin, recorded, clock):
    first = Client()
    first.post("/login/", {"username": sysadmin.username, "password": TEST_PASSWORD}, REMOTE_ADDR="10.3.0.1")
    first.get("/otp/enrol/", REMOTE_ADDR="10.3.0.1")  # a pending device, its secret shown once
    device = TOTPDevice.objects.get(user=sysadmin)
    assert first.post("/otp/enrol/", {"code": code_of(device)}, REMOTE_ADDR="10.3.0.2").status_code == 302
    later = Client()
    later.post("/login/", {"username": sysadmin.username, "password": TEST_PASSWORD}, REMOTE_ADDR="10.3.0.3")
    later.post("/otp/verify/", {"code": wrong_code_of(device)}, REMOTE_ADDR="10.3.0.3")
    later.post("/otp/verify/", {"code": code_of(device)}, REMOTE_ADDR="10.3.0.4")  # too soon after a wrong one
    clock.shift(timedelta(seconds=30))  # the next code
    assert later.post("/otp/verify/", {"code": code_of(device)}, REMOTE_ADDR="10.3.0.5").status_code == 302
    (enrolled,) = recorded(A.DEVICE_ENROL)
    check(enrolled, A.DEVICE_ENROL, R.SUCCESS, sysadmin, "10.3.0.2", target=sysadmin.username,
          device="authenticator")
    enrol, wrong, throttled, verified = recorded(A.SECOND_FACTOR)
    check(enrol, A.SECOND_FACTOR, R.SUCCESS, sysadmin, "10.3.0.2", stage="enrol", path="/otp/enrol/")
    check(wrong, A.SECOND_FACTOR, R.FAILURE, sysadmin, "10.3.0.3", stage="verify", reasons=["wrong_code"])
    check(throttled, A.SECOND_FACTOR, R.FAILURE, sysadmin, "10.3.0.4", stage="verify", reasons=["throttled"])
    check(verified, A.SECOND_FACTOR, R.SUCCESS, sysadmin, "10.3.0.5", at=NOW + timedelta(seconds=30),
          stage="verify", path="/otp/verify/")
    # A lost phone: the security administrator deletes the device; the next log-in enrols again.
    client_of(secadmin, "10.3.0.6").post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    (removed,) = recorded(A.DEVICE_REMOVE)
    check(removed, A.DEVICE_REMOVE, R.SUCCESS, secadmin, "10.3.0.6", at=NOW + timedelta(seconds=30),
          target=sysadmin.username)
    check(recorded(A.ADMIN_DELETE)[-1], A.ADMIN_DELETE, R.SUCCESS, secadmin, "10.3.0.6",
          at=NOW + timedelta(seconds=30), target=f"otp_totp.totpdevice:{device.pk} authenticator ({sysadmin})")


# --- API tokens revoked, and lockouts -----------------------------------------------------------

@covers(A.TOKEN_REVOKE, A.LOCKOUT)
def test_token_revocations_name_who_why_and_from_where(tree, actors, sysadmin, secadmin, recorded, clock):
    def issue(user):
        return APIClient().post(TOKEN, {"username": user.username, "password": TEST_PASSWORD},
                                REMOTE_ADDR="10.2.0.1").json()["token"]

    def holding(key):
        return APIClient(HTTP_AUTHORIZATION=f"Token {key}")

    worker, coordinator, staff = actors.grid_worker, actors.street_coordinator, actors.community_staff
    leader, handler, outsider = actors.leader, actors.department_handler, actors.outsider
    first, second, _third = issue(worker), issue(worker), issue(worker)
    holding(first).post("/api/v1/auth/logout/", REMOTE_ADDR="10.2.0.2")
    holding(second).post("/api/v1/auth/logout-all/", REMOTE_ADDR="10.2.0.3")
    issue(worker)
    client_of(worker, "10.2.0.4").post("/password_change/", {
        "old_password": TEST_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    issue(coordinator)
    client_of(sysadmin, "10.2.0.5").post(f"/admin/accounts/user/{coordinator.pk}/change/",
                                         user_form(coordinator, is_active=None))  # deactivated
    issue(staff)
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        Client().post("/login/", {"username": staff.username, "password": "wrong"}, REMOTE_ADDR="10.2.0.6")
    issue(leader)
    client_of(secadmin, "10.2.0.7").post("/admin/accounts/user/", {"action": "revoke_tokens",
                                                                   "_selected_action": [leader.pk]})
    issue(handler)
    client_of(actors.admin, "10.2.0.8").post(f"/admin/accounts/user/{handler.pk}/change/",
                                             user_form(handler, is_superuser="on"))  # break-glass makes one
    issue(outsider)
    clock.shift(settings.TOKEN_TTL + timedelta(minutes=1))
    delete_expired_tokens()  # the nightly task
    assert not AuthToken.objects.exists()
    assert [(event.details["reason"], event.actor, event.target, event.client_ip)
            for event in recorded(A.TOKEN_REVOKE)] == [
        ("logout", worker, worker.username, "10.2.0.2"),
        ("logout_all", worker, worker.username, "10.2.0.3"),
        ("logout_all", worker, worker.username, "10.2.0.3"),
        ("password_change", worker, worker.username, "10.2.0.4"),
        ("deactivation", sysadmin, coordinator.username, "10.2.0.5"),
        ("lockout", None, staff.username, "10.2.0.6"),
        ("revoked", secadmin, leader.username, "10.2.0.7"),
        ("administrator", actors.admin, handler.username, "10.2.0.8"),
        ("expired", None, outsider.username, ""),
    ]
    assert all(event.result == R.SUCCESS for event in recorded(A.TOKEN_REVOKE))
    assert recorded(A.TOKEN_REVOKE)[-1].created_at == NOW + settings.TOKEN_TTL + timedelta(minutes=1)
    (locked,) = recorded(A.LOCKOUT)
    check(locked, A.LOCKOUT, R.FAILURE, None, "10.2.0.6", target=staff.username, locked_address="10.2.0.6")


@covers(A.LOCKOUT_LIFT)
def test_lifting_a_lock_names_who_lifted_it(actors, secadmin, recorded, clock):
    staff, worker = actors.community_staff, actors.grid_worker
    for user, address in ((staff, "10.2.1.1"), (worker, "10.2.1.2")):
        for _ in range(settings.LOGIN_FAILURE_LIMIT):
            Client().post("/login/", {"username": user.username, "password": "wrong"}, REMOTE_ADDR=address)
    Client().post("/login/", {"username": actors.leader.username, "password": "wrong"}, REMOTE_ADDR="10.2.1.3")
    attempt = AccessAttempt.objects.get(username=staff.username)
    client_of(secadmin, "10.2.1.9").post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    call_command("axes_reset_username", worker.username, stdout=StringIO())  # on the server: no one signed in
    call_command("axes_reset", stdout=StringIO())  # the leader's one failure locked nothing: no record
    by_admin, by_command = recorded(A.LOCKOUT_LIFT)
    check(by_admin, A.LOCKOUT_LIFT, R.SUCCESS, secadmin, "10.2.1.9", target=staff.username,
          locked_address="10.2.1.1", failures=settings.LOGIN_FAILURE_LIMIT)
    check(by_command, A.LOCKOUT_LIFT, R.SUCCESS, None, "", target=worker.username, locked_address="10.2.1.2")
    assert Client().post("/login/", {"username": worker.username, "password": TEST_PASSWORD},
                         REMOTE_ADDR="10.2.1.2").status_code == 302  # the lock is really gone


# --- accounts, passwords, roles, groups and permissions ----------------------------------------

@covers(A.ACCOUNT_CREATE, A.ADMIN_ADD)
def test_accounts_created_in_the_admin_and_by_createsuperuser(actors, sysadmin, recorded, monkeypatch):
    unit = actors.leader.unit
    client_of(sysadmin, "10.4.0.1").post("/admin/accounts/user/add/", {
        "username": "newcomer", "usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
        "unit": unit.pk})
    newcomer = User.objects.get(username="newcomer")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", NEW_PASSWORD)
    call_command("createsuperuser", interactive=False, username="breakglass", email="", verbosity=0)
    created, breakglass = recorded(A.ACCOUNT_CREATE)
    check(created, A.ACCOUNT_CREATE, R.SUCCESS, sysadmin, "10.4.0.1", target="newcomer", role="", unit=unit.pk,
          is_superuser=False, is_staff=False, is_active=True)
    check(breakglass, A.ACCOUNT_CREATE, R.SUCCESS, None, "", target="breakglass", role="", is_superuser=True)
    (added,) = recorded(A.ADMIN_ADD)
    check(added, A.ADMIN_ADD, R.SUCCESS, sysadmin, "10.4.0.1", target=f"accounts.user:{newcomer.pk} newcomer")


@covers(A.PASSWORD_CHANGE)
def test_password_changes_by_oneself_and_by_the_system_administrator(actors, sysadmin, recorded):
    worker, leader = actors.grid_worker, actors.leader
    client_of(worker, "10.4.1.1").post("/password_change/", {
        "old_password": TEST_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    client_of(sysadmin, "10.4.1.2").post(f"/admin/accounts/user/{leader.pk}/password/",
                                         {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    own, by_sysadmin = recorded(A.PASSWORD_CHANGE)
    check(own, A.PASSWORD_CHANGE, R.SUCCESS, worker, "10.4.1.1", target=worker.username, by_self=True)
    check(by_sysadmin, A.PASSWORD_CHANGE, R.SUCCESS, sysadmin, "10.4.1.2", target=leader.username, by_self=False)
    assert NEW_PASSWORD not in str([event.details for event in recorded()])


@covers(A.ROLE_CHANGE)
def test_a_role_given_a_unit_moved_and_an_account_deactivated(actors, sysadmin, secadmin, recorded):
    worker = actors.grid_worker
    client_of(secadmin, "10.4.2.1").post(f"/admin/accounts/user/{worker.pk}/change/",
                                         user_form(worker, role="community_staff"))
    worker.refresh_from_db()
    moved_to = actors.street_coordinator.unit
    client_of(sysadmin, "10.4.2.2").post(f"/admin/accounts/user/{worker.pk}/change/",
                                         user_form(worker, unit=moved_to.pk, is_active=None))
    role, unit_and_status = recorded(A.ROLE_CHANGE)
    check(role, A.ROLE_CHANGE, R.SUCCESS, secadmin, "10.4.2.1", target=worker.username,
          role=["grid_worker", "community_staff"])
    check(unit_and_status, A.ROLE_CHANGE, R.SUCCESS, sysadmin, "10.4.2.2", target=worker.username,
          unit=[actors.community_staff.unit_id, moved_to.pk], is_active=[True, False])


@covers(A.GROUP_CHANGE, A.PERMISSION_CHANGE)
def test_groups_and_permissions_given_and_taken_in_the_admin(actors, secadmin, recorded):
    leader = actors.leader
    permission = Permission.objects.get(codename="change_category")
    security = client_of(secadmin, "10.4.3.1")
    security.post("/admin/auth/group/add/", {"name": "目录维护", "permissions": [permission.pk]})
    group = Group.objects.get(name="目录维护")
    security.post(f"/admin/accounts/user/{leader.pk}/change/",
                  user_form(leader, groups=[group.pk], user_permissions=[permission.pk]), REMOTE_ADDR="10.4.3.2")
    security.post(f"/admin/auth/group/{group.pk}/delete/", {"post": "yes"}, REMOTE_ADDR="10.4.3.3")
    granted, to_the_user = recorded(A.PERMISSION_CHANGE)
    check(granted, A.PERMISSION_CHANGE, R.SUCCESS, secadmin, "10.4.3.1", target="group:目录维护", operation="add",
          permissions=["incidents.change_category"])
    check(to_the_user, A.PERMISSION_CHANGE, R.SUCCESS, secadmin, "10.4.3.2", target=leader.username,
          operation="add", permissions=["incidents.change_category"])
    joined, group_deleted = recorded(A.GROUP_CHANGE)
    check(joined, A.GROUP_CHANGE, R.SUCCESS, secadmin, "10.4.3.2", target=leader.username, operation="add",
          groups=["目录维护"])
    check(group_deleted, A.GROUP_CHANGE, R.SUCCESS, secadmin, "10.4.3.3", target="group:目录维护",
          operation="delete", users=[leader.username])
    assert not leader.groups.exists()


# --- every change in the admin, and what it refuses ---------------------------------------------

@covers(A.ADMIN_ADD, A.ADMIN_CHANGE, A.ADMIN_DELETE, A.ADMIN_REFUSED)
def test_additions_changes_deletions_and_refusals_in_the_admin(sysadmin, recorded):
    client = client_of(sysadmin, "10.5.0.1")
    client.post("/admin/hotline/knowledgearticle/add/", {"title": "路灯报修", "body": "拨打12345", "is_active": "on"})
    article = KnowledgeArticle.objects.get(title="路灯报修")
    client.post(f"/admin/hotline/knowledgearticle/{article.pk}/change/",
                {"title": "路灯报修指引", "body": "拨打12345", "is_active": "on"}, REMOTE_ADDR="10.5.0.2")
    client.post(f"/admin/hotline/knowledgearticle/{article.pk}/delete/", {"post": "yes"}, REMOTE_ADDR="10.5.0.3")
    others = [KnowledgeArticle.objects.create(title=f"文章{n}", body="…") for n in range(2)]
    client.post("/admin/hotline/knowledgearticle/", {"action": "delete_selected", "post": "yes",
                                                     "_selected_action": [other.pk for other in others]},
                REMOTE_ADDR="10.5.0.4")
    assert client.post("/admin/auth/group/add/", {"name": "mine"}, REMOTE_ADDR="10.5.0.5").status_code == 403
    (added,) = recorded(A.ADMIN_ADD)
    check(added, A.ADMIN_ADD, R.SUCCESS, sysadmin, "10.5.0.1", target=f"hotline.knowledgearticle:{article.pk} 路灯报修")
    (changed,) = recorded(A.ADMIN_CHANGE)
    check(changed, A.ADMIN_CHANGE, R.SUCCESS, sysadmin, "10.5.0.2",
          target=f"hotline.knowledgearticle:{article.pk} 路灯报修指引", change=[{"changed": {"fields": ["Title"]}}])
    single, bulk = recorded(A.ADMIN_DELETE)
    check(single, A.ADMIN_DELETE, R.SUCCESS, sysadmin, "10.5.0.3",
          target=f"hotline.knowledgearticle:{article.pk} 路灯报修指引")
    check(bulk, A.ADMIN_DELETE, R.SUCCESS, sysadmin, "10.5.0.4", target="hotline.knowledgearticle")
    assert sorted(bulk.details["objects"]) == sorted(f"{other.pk} {other.title}" for other in others)
    (refused,) = recorded(A.ADMIN_REFUSED)
    check(refused, A.ADMIN_REFUSED, R.FAILURE, sysadmin, "10.5.0.5", target="auth_group_add", method="POST",
          path="/admin/auth/group/add/")


def test_no_admin_writes_past_the_log_the_trail_hears():
    """Every addition, change and deletion of any model in the admin goes through Django's LogEntry, which
    audit.receivers hears (and "delete selected", audited apart): no ModelAdmin logs its own way, and the
    site's only bulk deletion is the audited one."""
    for model_admin in admin.site._registry.values():
        for method in ("log_addition", "log_change", "log_deletions"):
            assert getattr(type(model_admin), method) is getattr(ModelAdmin, method), (type(model_admin), method)
    assert admin.site.get_action("delete_selected").__module__ == "audit.admin"


# --- files handed out ----------------------------------------------------------------------------

# Every route that hands out a file: test_every_file_handed_out_is_recorded asks each one, and
# test_every_route_handing_out_a_file_is_here finds none missing.
EXPORT_ROUTES = ("dashboard-export", "assessment-report", "mediation-monthly-xlsx", "mediation-case-agreement",
                 "api:mediation-monthly-report", "api:mediation-agreement-pdf", "audit-export")
SUPERVISION_EXPORT_ROUTES = ("supervision-export", "supervision-bulletin", "hotline-supervision-notice")


@covers(A.EXPORT)
def test_every_file_handed_out_is_recorded(tree, actors, make_case, mediation, auditor,  # noqa: F811
                                           recorded, tmp_path):
    case = make_case(MediationCase.Status.AGREED)
    street = tree.west_street.code
    leader, mediator = client_of(actors.leader), APIClient()
    mediator.force_authenticate(mediation.committee_mediator)
    api_leader = APIClient()
    api_leader.force_authenticate(actors.leader)
    reading = client_of(auditor)
    asked = [
        (leader, reverse("dashboard-export", args=[street, "children"]), {"start": "2026-11-01", "end": "2026-11-10"},
         f"{street}-children-2026-11-01-2026-11-10.xlsx", actors.leader),
        (leader, reverse("assessment-report", args=[street]), {"month": "2026-10"},
         f"assessment-{street}-2026-10.xlsx", actors.leader),
        (leader, reverse("mediation-monthly-xlsx"), {"month": "2026-11"}, f"mediation-{street}-2026-11.xlsx",
         actors.leader),
        (leader, reverse("mediation-case-agreement", args=[case.pk]), {}, f"{case.number}.pdf", actors.leader),
        (api_leader, reverse("api:mediation-monthly-report"), {"month": "2026-11"}, f"mediation-{street}-2026-11.xlsx",
         actors.leader),
        (mediator, reverse("api:mediation-agreement-pdf", args=[case.pk]), {}, f"{case.number}.pdf",
         mediation.committee_mediator),
        (reading, reverse("audit-export", args=["csv"]), {}, "audit-20261110-100000.csv", auditor),
        (reading, reverse("audit-export", args=["xlsx"]), {}, "audit-20261110-100000.xlsx", auditor),
    ]
    assert {resolve(path).view_name for _client, path, *_rest in asked} == set(EXPORT_ROUTES)
    for number, (client, path, query, _filename, _who) in enumerate(asked, start=1):
        response = client.get(path, query, REMOTE_ADDR=f"10.6.0.{number}")
        assert response.status_code == 200, (path, response.status_code)
    exports = recorded(A.EXPORT)
    assert len(exports) == len(asked)
    for number, (event, (_client, path, query, filename, who)) in enumerate(zip(exports, asked), start=1):
        check(event, A.EXPORT, R.SUCCESS, who, f"10.6.0.{number}", target=filename, path=path, query=query)
    call_command("export_areas", str(tmp_path / "areas.geojson"), "--level", "grid", stderr=StringIO())
    command = recorded(A.EXPORT)[-1]
    check(command, A.EXPORT, R.SUCCESS, None, "", target=str(tmp_path / "areas.geojson"), command="export_areas",
          level="grid", areas=4)
    assert command.details["system_user"]


def _routes(patterns, prefix="", namespace=""):
    """Yield (route, name) of every URL pattern, the namespace before the name."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        else:
            yield prefix + str(pattern.pattern), f"{namespace}{pattern.name}"


def test_every_route_handing_out_a_file_is_here():
    """A route named like a file (.xlsx, .pdf, .csv, or a format in its name) is one of EXPORT_ROUTES, and
    every file answer is built by audit.exports.download_response: nothing else sets Content-Disposition,
    and FileResponse serves photos only: the work orders' (shown on the ticket's page, to those who see
    it), the volunteer tasks' (to the participant and the staff who see the task) and the deliberation
    topics' (as public as the topic's page)."""
    file_like = {name for route, name in _routes(get_resolver().url_patterns)
                 if any(marker in route for marker in (".xlsx", ".pdf", ".csv", "file_format"))}
    assert file_like <= set(EXPORT_ROUTES) | set(SUPERVISION_EXPORT_ROUTES)
    builders = {marker: {path for path, text in project_sources() if marker in text}
                for marker in ("Content-Disposition", "FileResponse(", "as_attachment=")}
    assert builders == {"Content-Disposition": {"audit/exports.py"},
                        "FileResponse(": {"incidents/views.py", "participation/views.py", "deliberation/views.py"},
                        "as_attachment=": set()}
    callers = {path for path, text in project_sources() if "download_response(" in text}
    assert callers == {"audit/exports.py", "audit/views.py", "dashboards/views.py", "mediation/documents.py",
                       "mediation/reports.py", "supervision/exports.py", "hotline/documents.py"}  # routes listed above


def test_the_supervision_files_are_recorded_exports(actors, operator, overdue, recorded):  # noqa: F811
    """The task supervision office's status workbook and monthly bulletin, and a 12345 督办单."""
    programme = Programme.objects.create(name="2027年试点任务", year=2027, office=actors.leader.unit)
    [ticket_id] = overdue()
    overdue_notices_send(now=datetime(2026, 11, 24, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai")))  # the reminder
    overdue_notices_send(now=datetime(2026, 12, 1, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai")))  # 5 working days on
    notice = OverdueNotice.objects.get(ticket_id=ticket_id, kind="notice")
    asked = [(actors.leader, reverse("supervision-export", args=[programme.pk]), {}),
             (actors.leader, reverse("supervision-bulletin", args=[programme.pk]), {"month": "2026-11"}),
             (operator, reverse("hotline-supervision-notice", args=[notice.pk]), {})]
    assert {resolve(path).view_name for _who, path, _query in asked} == set(SUPERVISION_EXPORT_ROUTES)
    for number, (who, path, query) in enumerate(asked, start=1):
        assert client_of(who, f"10.6.1.{number}").get(path, query).status_code == 200, path
    exports = recorded(A.EXPORT)
    assert [(event.actor, event.client_ip, event.details["path"]) for event in exports] == [
        (who, f"10.6.1.{number}", path) for number, (who, path, _query) in enumerate(asked, start=1)]


# --- reveals of personal numbers ---------------------------------------------------------------

@pytest.fixture
def dispute(make_case):  # noqa: F811
    """A registered case at the west committee, its applicant with an ID and a phone number."""
    return make_case().parties.get(role=Party.Role.APPLICANT)


@covers(A.REVEAL)
def test_reveals_granted_and_refused_on_pages_and_in_the_api(actors, operator, dispatched, dispute,  # noqa: F811
                                                              mediation, recorded):  # noqa: F811
    call = dispatched()
    mediator = mediation.committee_mediator
    operator_api, mediator_api = APIClient(), APIClient()
    operator_api.force_authenticate(operator)
    mediator_api.force_authenticate(mediator)
    assert client_of(operator).post(f"/hotline/calls/{call.pk}/", REMOTE_ADDR="10.7.0.1").status_code == 200
    assert operator_api.post(f"/api/v1/hotline/calls/{call.pk}/reveal/", REMOTE_ADDR="10.7.0.2").status_code == 200
    assert client_of(actors.leader).post(f"/hotline/calls/{call.pk}/", REMOTE_ADDR="10.7.0.3").status_code == 403
    assert client_of(mediator).post(f"/mediation/parties/{dispute.pk}/reveal/", {"field": "id_number"},
                                    REMOTE_ADDR="10.7.0.4").status_code == 200
    assert mediator_api.post(f"/api/v1/mediation/parties/{dispute.pk}/reveal/", {"field": "phone"},
                             REMOTE_ADDR="10.7.0.5").status_code == 200
    assert client_of(actors.leader).post(f"/mediation/parties/{dispute.pk}/reveal/", {"field": "phone"},
                                         REMOTE_ADDR="10.7.0.6").status_code == 403  # oversees, does not mediate
    page, api, refused_call, id_number, phone, refused_party = recorded(A.REVEAL)
    call_target, party_target = f"hotline.call:{call.pk}", f"mediation.party:{dispute.pk}"
    check(page, A.REVEAL, R.SUCCESS, operator, "10.7.0.1", target=call_target, field="phone")
    check(api, A.REVEAL, R.SUCCESS, operator, "10.7.0.2", target=call_target, field="phone")
    check(refused_call, A.REVEAL, R.FAILURE, actors.leader, "10.7.0.3", target=call_target, field="phone")
    check(id_number, A.REVEAL, R.SUCCESS, mediator, "10.7.0.4", target=party_target, field="id_number",
          case=dispute.case_id)
    check(phone, A.REVEAL, R.SUCCESS, mediator, "10.7.0.5", target=party_target, field="phone")
    check(refused_party, A.REVEAL, R.FAILURE, actors.leader, "10.7.0.6", target=party_target, field="phone")
    assert not [event for event in recorded() if "13812341234" in str(event.details) or
                "441900199001011234" in str(event.details)]


@covers(A.CARE_FILE_VIEW)
def test_views_of_a_special_group_file_on_the_page_and_in_the_api_granted_and_refused(care, person,  # noqa: F811
                                                                                     recorded):
    helper_api = APIClient()
    helper_api.force_authenticate(care.helper)
    url = f"/carelist/persons/{person.pk}/"
    assert client_of(care.helper).get(url, REMOTE_ADDR="10.7.1.1").status_code == 200
    assert helper_api.get(f"/api/v1{url}", REMOTE_ADDR="10.7.1.2").status_code == 200
    assert client_of(care.bystander).get(url, REMOTE_ADDR="10.7.1.3").status_code == 404  # same grid, no helper
    page, api, refused = recorded(A.CARE_FILE_VIEW)
    target = f"carelist.careperson:{person.pk}"
    check(page, A.CARE_FILE_VIEW, R.SUCCESS, care.helper, "10.7.1.1", target=target)
    check(api, A.CARE_FILE_VIEW, R.SUCCESS, care.helper, "10.7.1.2", target=target)
    check(refused, A.CARE_FILE_VIEW, R.FAILURE, care.bystander, "10.7.1.3", target=target)


def test_a_work_orders_reporter_number_is_read_in_clear_only_where_listed(catalogue, actors):  # noqa: F811
    """A citizen's number is sealed and shown masked; it is read in clear only to credit their reward
    points (incidents.services.ticket_accept), to compare it with the number a citizen gives to follow
    their report (incidents.selectors.citizen_report_progress), and when the hotline or the holding
    unit reveals it to call the citizen back (hotline.services, each reveal recorded:
    tests/hotline/test_callbacks_for_all.py)."""
    ticket, _created = ticket_services.ticket_create(
        source=Ticket.Source.CITIZEN, category=catalogue["0102"], description="路边垃圾堆积", location=WEST_POINT,
        reporter_phone=CITIZEN_PHONE)
    ticket = ticket_services.ticket_route(ticket_id=ticket.pk)
    staff_page, staff_api = client_of(actors.community_staff), APIClient()
    staff_api.force_authenticate(actors.community_staff)
    for response in (staff_page.get(f"/tickets/{ticket.pk}/"), staff_api.get(f"/api/v1/tickets/{ticket.pk}/"),
                     staff_api.get(f"/api/v1/tickets/{ticket.pk}/timeline/")):
        assert response.status_code == 200 and CITIZEN_PHONE not in response.content.decode()
    decrypting = {path for path, text in project_sources() if "reporter_phone_encrypted)" in text}
    assert decrypting == {"incidents/services.py", "incidents/selectors.py", "hotline/services.py"}


# --- the admin's views of personal data --------------------------------------------------------

@pytest.fixture
def personal_rows(catalogue, actors, dispatched, make_case, tree, person):  # noqa: F811
    """One row of each model the admin shows personal data of; returns {its admin change page: its model}."""
    call = dispatched()
    report, _created = ticket_services.ticket_create(
        source=Ticket.Source.CITIZEN, category=catalogue["0102"], description="路边垃圾堆积", location=WEST_POINT,
        reporter_phone=CITIZEN_PHONE)
    ticket_services.ticket_accept(ticket_id=ticket_services.ticket_route(ticket_id=report.pk).pk,
                                  actor=actors.community_staff)
    request = hotline_services.open311_request_create(
        api_key=Open311Key.objects.create(key="k", name="测试"), category=catalogue["0201"], location=WEST_POINT,
        place=grid_locate(WEST_POINT), description="路灯不亮", phone="13677778888", email="a@example.com")
    member = GridMember.objects.get(user=actors.grid_worker)
    return {
        f"/admin/accounts/user/{actors.leader.pk}/change/": "accounts.user",
        f"/admin/grids/gridmember/{member.pk}/change/": "grids.gridmember",
        f"/admin/grids/area/{member.grid_id}/change/": "grids.area",  # a grid, with its members inline
        f"/admin/hotline/call/{call.pk}/change/": "hotline.call",
        f"/admin/hotline/open311request/{request.pk}/change/": "hotline.open311request",
        f"/admin/incidents/ticket/{report.pk}/change/": "incidents.ticket",
        f"/admin/participation/pointentry/{PointEntry.objects.get().pk}/change/": "participation.pointentry",
        f"/admin/mediation/mediationcase/{make_case().pk}/change/": "mediation.mediationcase",
        f"/admin/carelist/careperson/{person.pk}/change/": "carelist.careperson",
    }


# What the system administrator reads in the admin; the case files' rows are the break-glass superuser's.
SYSTEM_ADMINISTRATORS_MODELS = ("accounts.user", "grids.gridmember", "grids.area")


@covers(A.PERSONAL_DATA_VIEW)
def test_every_admin_page_of_personal_data_records_its_viewer(personal_rows, actors, sysadmin, tree, recorded):
    clients = {sysadmin: client_of(sysadmin), actors.admin: client_of(actors.admin)}
    readers = [sysadmin if model in SYSTEM_ADMINISTRATORS_MODELS else actors.admin for model in personal_rows.values()]
    for number, (url, reader) in enumerate(zip(personal_rows, readers), start=1):
        assert clients[reader].get(url, REMOTE_ADDR=f"10.8.0.{number}").status_code == 200, url
    assert clients[sysadmin].get(f"/admin/grids/area/{tree.west_street.pk}/change/").status_code == 200  # no one's
    assert clients[sysadmin].get("/admin/accounts/user/").status_code == 200  # lists show no personal numbers
    views = recorded(A.PERSONAL_DATA_VIEW)
    assert len(views) == len(personal_rows)
    for number, (event, (url, model), reader) in enumerate(zip(views, personal_rows.items(), readers), start=1):
        check(event, A.PERSONAL_DATA_VIEW, R.SUCCESS, reader, f"10.8.0.{number}",
              target=f"{model}:{url.split('/')[-3]}")


def test_the_system_check_finds_an_admin_of_personal_data_that_records_nothing():
    assert personal_data_views_audited() == []
    site = admin.AdminSite(name="unaudited")
    site.register(Call)  # a plain ModelAdmin
    site.register(Group)
    (error,) = personal_data_views_audited(site=site)
    assert (error.id, error.obj) == ("audit.E001", admin.ModelAdmin)
    assert "hotline.Call" in error.msg


# --- the trail itself ----------------------------------------------------------------------------

@covers(A.AUDIT_READ, A.AUDIT_PRUNE)
def test_reading_the_trail_being_refused_it_and_pruning_it(auditor, secadmin, recorded):
    assert client_of(auditor).get("/audit/", {"action": "login"}, REMOTE_ADDR="10.9.0.1").status_code == 200
    assert client_of(secadmin).get("/audit/", REMOTE_ADDR="10.9.0.2").status_code == 404
    call_command("audit_prune", auditor=auditor.username, stdout=StringIO())
    read, refused = recorded(A.AUDIT_READ)
    check(read, A.AUDIT_READ, R.SUCCESS, auditor, "10.9.0.1", query={"action": "login"})
    check(refused, A.AUDIT_READ, R.FAILURE, secadmin, "10.9.0.2", path="/audit/")
    (pruned,) = recorded(A.AUDIT_PRUNE)
    check(pruned, A.AUDIT_PRUNE, R.SUCCESS, auditor, "", retention_days=settings.AUDIT_RETENTION_DAYS)


def test_every_kind_of_event_is_enumerated_here():
    assert COVERED == set(A), set(A) - COVERED
