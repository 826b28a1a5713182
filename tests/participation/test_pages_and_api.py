"""Participation's pages and API: a resident registers and signs in on the phone pages; staff confirm
on theirs and through the API, each within their scope (404 outside it)."""

import pytest
from django.urls import reverse

from participation.models import Participant, Team
from tests.factories import log_in_verified

from .conftest import PHONE

pytestmark = pytest.mark.django_db


def test_a_resident_registers_then_sees_the_registration_on_their_phone_page(client, tree, sms):
    join = reverse("participation-join")
    form = {"community": tree.west_community.pk, "kind": "party_member", "name": "赵党员", "phone": PHONE,
            "work_unit": "市税务局", "skills": "电工", "form_key": "abc"}
    sent = client.post(join, {**form, "send_code": "1"})
    assert sent.status_code == 200 and "138****1111" in sent.content.decode()
    wrong = client.post(join, {**form, "code": "000000" if sms.codes[PHONE] != "000000" else "111111"})
    assert wrong.status_code == 400 and not Participant.objects.exists()
    done = client.post(join, {**form, "code": sms.codes[PHONE]}, follow=True)
    assert done.status_code == 200
    participant = Participant.objects.get()
    assert (participant.kind, participant.work_unit, participant.status) == ("party_member", "市税务局", "pending")
    page = done.content.decode()
    assert "西社区" in page and str(Participant.Status.PENDING.label) in page


def test_a_known_phone_signs_in_with_a_code_and_a_stranger_sees_only_the_sign_in(client, enter, sms):
    enter("李志愿", phone=PHONE)
    assert "data-community" not in client.get(reverse("participation-mine")).content.decode()
    client.post(reverse("participation-mine"), {"phone": PHONE, "send_code": "1", "form_key": "k"})
    client.post(reverse("participation-mine"), {"phone": PHONE, "code": sms.codes[PHONE], "form_key": "k"})
    assert "data-community" in client.get(reverse("participation-mine")).content.decode()
    client.post(reverse("participation-sign-out"))
    assert "data-community" not in client.get(reverse("participation-mine")).content.decode()


def test_staff_confirm_on_their_page_and_an_outsider_gets_404(client, actors, tree, enter):
    participant = enter()
    Participant.objects.filter(pk=participant.pk).update(status=Participant.Status.PENDING)
    act = reverse("participation-person-act", args=[participant.pk, "confirm"])
    log_in_verified(client, actors.outsider)
    assert str(participant.name) not in client.get(reverse("participation-people")).content.decode()
    assert client.post(act).status_code == 404
    log_in_verified(client, actors.community_staff)
    listing = client.get(reverse("participation-people")).content.decode()
    assert "139****0000" in listing and "13900000000" not in listing
    client.post(act)
    participant.refresh_from_db()
    assert participant.status == Participant.Status.CONFIRMED


def test_staff_form_a_team_on_the_teams_page(client, actors, tree, enter):
    leader = enter("刘队长")
    log_in_verified(client, actors.community_staff)
    answer = client.post(reverse("participation-teams"), {"community": tree.west_community.pk, "kind": "patrol",
                                                           "name": "红袖章巡逻队", "leader": leader.pk})
    assert answer.status_code == 302 and Team.objects.get().leader == leader
    assert client.post(reverse("participation-teams"), {"community": tree.west_community.pk}).status_code == 400


def test_the_api_enters_lists_and_rejects_within_scope(api, actors, tree):
    staff, outsider = api(actors.community_staff), api(actors.outsider)
    url = reverse("api:participation-participant-list")
    created = staff.post(url, {"community": tree.west_community.code, "kind": "volunteer", "name": "钱志愿",
                                    "phone": PHONE}, format="json")
    assert created.status_code == 201 and created.json()["phone"] == "138****1111"
    assert staff.post(url, {"community": tree.west_community.code, "kind": "volunteer", "name": "钱",
                                 "phone": "123"}, format="json").status_code == 400
    participant = Participant.objects.get()
    Participant.objects.filter(pk=participant.pk).update(status=Participant.Status.PENDING)
    reject = reverse("api:participation-participant-reject", args=[participant.pk])
    assert staff.post(reject, {}, format="json").status_code == 400
    assert outsider.get(url).json()["results"] == []
    assert outsider.post(reject, {"reason": "重复"}, format="json").status_code == 404
    answer = staff.post(reject, {"reason": "重复"}, format="json")
    assert answer.status_code == 200 and answer.json()["status"] == "rejected"
    assert staff.post(reject, {"reason": "重复"}, format="json").status_code == 409
