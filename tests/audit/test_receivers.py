"""What the audit trail records by itself: log-ins, tokens, lockouts, passwords, privileges, the
admin's changes and views, and reveals of personal numbers."""

import pytest
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.test import override_settings

from audit.models import AuditEvent
from hotline import services as hotline_services
from hotline.models import KnowledgeArticle
from mediation import services as mediation_services
from mediation.models import Party
from tests.factories import TEST_PASSWORD, log_in_verified
from tests.hotline.conftest import call_fields, operator  # noqa: F401  (fixtures)
from tests.mediation.conftest import make_case, mediation  # noqa: F401  (fixtures)

A, R = AuditEvent.Action, AuditEvent.Result


def test_page_log_ins_are_recorded_with_the_address_and_never_the_password(actors, client, recorded):
    client.post("/login/", {"username": actors.leader.username, "password": "Wrong-guess-1"},
                REMOTE_ADDR="192.0.2.7")
    client.post("/login/", {"username": actors.leader.username, "password": TEST_PASSWORD}, REMOTE_ADDR="192.0.2.7")
    failed, succeeded = recorded(A.LOGIN)
    assert (failed.result, failed.actor, failed.target, failed.client_ip, failed.details) == (
        R.FAILURE, None, actors.leader.username, "192.0.2.7", {"path": "/login/"})
    assert (succeeded.result, succeeded.actor, succeeded.actor_username, succeeded.client_ip) == (
        R.SUCCESS, actors.leader, actors.leader.username, "192.0.2.7")
    assert not any("Wrong-guess-1" in str(event.details) or TEST_PASSWORD in str(event.details)
                   for event in recorded())


def test_a_failed_token_log_in_is_recorded(actors, client, recorded):
    client.post("/api/v1/auth/token/", {"username": "nobody-here", "password": "x"}, REMOTE_ADDR="198.51.100.9")
    (failed,) = recorded(A.LOGIN)
    assert (failed.result, failed.target, failed.client_ip, failed.details) == (
        R.FAILURE, "nobody-here", "198.51.100.9", {"path": "/api/v1/auth/token/"})


def test_log_out_is_recorded(actors, client, recorded):
    client.force_login(actors.leader)
    client.post("/logout/")
    (logout,) = recorded(A.LOGOUT)
    assert logout.actor == actors.leader


@pytest.mark.skipif(not apps.is_installed("knox"), reason="django-rest-knox is not installed")
def test_token_issue_and_revocation_are_recorded(actors, recorded):
    from knox.models import get_token_model

    token, raw = get_token_model().objects.create(user=actors.leader)
    digest = token.digest
    token.delete()
    (issued,), (revoked,) = recorded(A.TOKEN_ISSUE), recorded(A.TOKEN_REVOKE)
    assert issued.actor == actors.leader and issued.details["token"] == digest[:16]
    assert (revoked.target, revoked.details["token"], revoked.details["expired"]) == (
        actors.leader.username, digest[:16], False)
    assert raw[:8] not in str(issued.details)  # nothing of the token itself


@pytest.mark.skipif(not apps.is_installed("axes"), reason="django-axes is not installed")
def test_a_lockout_is_recorded(actors, rf, recorded):
    from axes.signals import user_locked_out

    user_locked_out.send("axes", request=rf.post("/login/", REMOTE_ADDR="203.0.113.5"),
                         username=actors.leader.username, ip_address="203.0.113.5")
    (locked,) = recorded(A.LOCKOUT)
    assert (locked.result, locked.target, locked.client_ip) == (R.FAILURE, actors.leader.username, "203.0.113.5")


def test_a_password_change_is_recorded_and_a_hash_upgrade_is_not(actors, recorded):
    user = actors.leader
    user.set_password("Another-pass-2026!")
    user.save()
    (changed,) = recorded(A.PASSWORD_CHANGE)
    assert (changed.target, changed.actor, changed.details) == (user.username, None, {"by_self": False})
    assert "Another-pass-2026!" not in str(changed.details) and user.password not in str(changed.details)
    # An older hasher's hash is rewritten on log-in (check_password): no password change.
    type(user).objects.filter(pk=user.pk).update(password=make_password("Another-pass-2026!", hasher="md5"))
    user.refresh_from_db()
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.PBKDF2PasswordHasher",
                                             "django.contrib.auth.hashers.MD5PasswordHasher"]):
        assert user.check_password("Another-pass-2026!")
    user.refresh_from_db()
    assert user.password.startswith("pbkdf2_")
    assert len(recorded(A.PASSWORD_CHANGE)) == 1


def test_a_role_change_in_the_admin_names_who_did_it(actors, client, recorded):
    log_in_verified(client, actors.admin)  # the admin site asks administrators for their second factor
    user = actors.grid_worker
    response = client.post(f"/admin/accounts/user/{user.pk}/change/", {
        "username": user.username, "first_name": "", "last_name": user.last_name, "email": "",
        "is_active": "on", "role": "leader", "unit": user.unit_id, "phone": "",
        "date_joined_0": "2026-01-05", "date_joined_1": "09:00:00",
    }, REMOTE_ADDR="10.0.0.8")
    assert response.status_code == 302, response.content.decode()[:2000]
    (changed,) = recorded(A.ROLE_CHANGE)
    assert (changed.actor, changed.target, changed.client_ip, changed.details) == (
        actors.admin, user.username, "10.0.0.8", {"role": ["grid_worker", "leader"]})
    (logged,) = recorded(A.ADMIN_CHANGE)
    assert logged.actor == actors.admin and logged.target.startswith(f"accounts.user:{user.pk} ")


def test_deactivating_an_account_outside_a_request_is_recorded_without_an_actor(actors, recorded):
    actors.outsider.is_active = False
    actors.outsider.save(update_fields=["is_active"])
    actors.outsider.last_name = "离职"
    actors.outsider.save(update_fields=["last_name"])  # nothing that grants power
    (changed,) = recorded(A.ROLE_CHANGE)
    assert (changed.actor, changed.details) == (None, {"is_active": [True, False]})


def test_group_membership_and_permissions_are_recorded(actors, recorded):
    group = Group.objects.create(name="数据维护")
    permission = Permission.objects.get(codename="change_category")
    group.permissions.add(permission)
    actors.leader.groups.add(group)
    actors.leader.groups.remove(group)
    actors.leader.user_permissions.add(permission)
    actors.leader.user_permissions.clear()
    group.user_set.add(actors.outsider)
    assert [(e.action, e.target, e.details) for e in recorded()] == [
        (A.PERMISSION_CHANGE, "group:数据维护", {"operation": "add", "permissions": ["incidents.change_category"]}),
        (A.GROUP_CHANGE, actors.leader.username, {"operation": "add", "groups": ["数据维护"]}),
        (A.GROUP_CHANGE, actors.leader.username, {"operation": "remove", "groups": ["数据维护"]}),
        (A.PERMISSION_CHANGE, actors.leader.username, {"operation": "add",
                                                       "permissions": ["incidents.change_category"]}),
        (A.PERMISSION_CHANGE, actors.leader.username, {"operation": "clear",
                                                       "permissions": ["incidents.change_category"]}),
        (A.GROUP_CHANGE, "group:数据维护", {"operation": "add", "users": [actors.outsider.username]}),
    ]


def test_admin_additions_and_deletions_are_recorded_bulk_ones_too(actors, client, recorded):
    log_in_verified(client, actors.admin)  # the admin site asks administrators for their second factor
    client.post("/admin/hotline/knowledgearticle/add/", {"title": "路灯报修", "body": "拨打12345",
                                                         "is_active": "on"})
    (added,) = recorded(A.ADMIN_ADD)
    article = KnowledgeArticle.objects.get(title="路灯报修")
    assert added.target == f"hotline.knowledgearticle:{article.pk} 路灯报修"
    assert added.details == {"change": [{"added": {}}]}
    client.post(f"/admin/hotline/knowledgearticle/{article.pk}/delete/", {"post": "yes"})
    others = [KnowledgeArticle.objects.create(title=f"文章{n}", body="…") for n in range(2)]
    response = client.post("/admin/hotline/knowledgearticle/", {
        "action": "delete_selected", "_selected_action": [other.pk for other in others], "post": "yes"})
    assert response.status_code == 302 and not KnowledgeArticle.objects.exists()
    single, bulk = recorded(A.ADMIN_DELETE)
    assert single.target == f"hotline.knowledgearticle:{article.pk} 路灯报修"
    assert bulk.target == "hotline.knowledgearticle" and bulk.actor == actors.admin
    assert sorted(bulk.details["objects"]) == sorted(f"{other.pk} {other.title}" for other in others)
    assert LogEntry.objects.filter(action_flag=3).count() == 3


def test_views_of_personal_data_in_the_admin_are_recorded(
        actors, client, recorded, operator, call_fields):  # noqa: F811
    call = hotline_services.call_answer(operator=operator, answer="请拨打供电热线",
                                        **call_fields(request_type="enquiry", point=None))
    log_in_verified(client, actors.admin)  # the admin site asks administrators for their second factor
    assert client.get(f"/admin/hotline/call/{call.pk}/change/").status_code == 200
    assert client.get(f"/admin/accounts/user/{actors.leader.pk}/change/").status_code == 200
    assert client.get("/admin/hotline/call/").status_code == 200  # a list shows masked numbers: not recorded
    assert [(event.actor, event.target) for event in recorded(A.PERSONAL_DATA_VIEW)] == [
        (actors.admin, f"hotline.call:{call.pk}"), (actors.admin, f"accounts.user:{actors.leader.pk}")]


def test_reveals_of_personal_numbers_are_recorded(actors, recorded, operator, call_fields, make_case,  # noqa: F811
                                                  mediation):  # noqa: F811
    call = hotline_services.call_answer(operator=operator, answer="请拨打供电热线",
                                        **call_fields(request_type="enquiry", point=None))
    hotline_services.phone_reveal(call=call, user=operator)
    party = make_case().parties.get(role=Party.Role.APPLICANT)
    mediation_services.party_reveal(party_id=party.pk, actor=mediation.committee_mediator, field="id_number")
    phone, id_number = recorded(A.REVEAL)
    assert (phone.actor, phone.target, phone.details) == (operator, f"hotline.call:{call.pk}", {"field": "phone"})
    assert (id_number.actor, id_number.target, id_number.details) == (
        mediation.committee_mediator, f"mediation.party:{party.pk}", {"field": "id_number", "case": party.case_id})
    assert "13812341234" not in str(phone.details)
