"""Participation's pages and API: a resident registers and signs in on the phone pages; staff confirm
on theirs and through the API, each within their scope (404 outside it)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse
from django.utils import timezone

from participation import services
from participation.models import Participant, Task, TaskClaim, Team
from tests.factories import log_in_verified
from tests.incidents.conftest import report  # noqa: F401  (fixture)
from tests.incidents.photos import jpeg

from .conftest import NEAR, PHONE, PLACE

pytestmark = [pytest.mark.django_db, pytest.mark.dated]  # "today" read from the clock: also on the chosen days


def test_a_resident_registers_then_sees_the_registration_on_their_phone_page(client, tree, sms):
    join = reverse("participation-join")
    form = {"community": tree.west_community.pk, "kind": "party_member", "name": "赵党员", "phone": PHONE,
            "work_unit": "市税务局", "skills": "电工", "form_key": "abc"}
    sent = client.post(join, {**form, "send_code": "1"})
    assert sent.status_code == 200 and "138****1111" in sent.content.decode()
    wrong = client.post(join, {**form, "code": "000000" if sms() != "000000" else "111111"})
    assert wrong.status_code == 400 and not Participant.objects.exists()
    done = client.post(join, {**form, "code": sms()}, follow=True)
    assert done.status_code == 200
    participant = Participant.objects.get()
    assert (participant.kind, participant.work_unit, participant.status) == ("party_member", "市税务局", "pending")
    page = done.content.decode()
    assert "西社区" in page and str(Participant.Status.PENDING.label) in page


def test_a_known_phone_signs_in_with_a_code_and_a_stranger_sees_only_the_sign_in(client, enter, sms):
    enter("李志愿", phone=PHONE)
    assert "data-community" not in client.get(reverse("participation-mine")).content.decode()
    client.post(reverse("participation-mine"), {"phone": PHONE, "send_code": "1", "form_key": "k"})
    client.post(reverse("participation-mine"), {"phone": PHONE, "code": sms(), "form_key": "k"})
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


def sign_in(client, phone, sms):
    client.post(reverse("participation-sign-out"))
    client.post(reverse("participation-mine"), {"phone": phone, "send_code": "1", "form_key": phone})
    client.post(reverse("participation-mine"), {"phone": phone, "code": sms(), "form_key": phone})


def test_a_task_page_and_its_photos_are_for_its_taker_and_the_staff_in_scope(client, actors, enter, post_task, sms):
    task = post_task()
    volunteer, other = enter("甲", phone=PHONE), enter("乙", phone="13800002222")
    claim = services.task_take(task_id=task.pk, participant=volunteer)
    services.claim_check_in(claim_id=claim.pk, actor=volunteer, location=NEAR)
    services.claim_report(claim_id=claim.pk, actor=volunteer, report="完成", photos=[jpeg()])
    photo = reverse("participation-claim-thumbnail", args=[claim.pk, claim.photos.get().pk])
    page = reverse("participation-claim", args=[claim.pk])
    assert client.get(page).status_code == 404 and client.get(photo).status_code == 404
    sign_in(client, "13800002222", sms)
    assert client.get(page).status_code == 404 and client.get(photo).status_code == 404  # another's claim
    sign_in(client, PHONE, sms)
    assert "完成" in client.get(page).content.decode() and client.get(photo)["Content-Type"] == "image/jpeg"
    confirm = reverse("participation-claim-act", args=[claim.pk, "confirm"])
    assert client.post(confirm).status_code == 404  # a participant never confirms, even their own
    log_in_verified(client, actors.outsider)
    assert client.get(reverse("participation-task", args=[task.pk])).status_code == 404
    assert client.get(photo).status_code == 404
    log_in_verified(client, actors.community_staff)
    assert client.get(photo).status_code == 200
    client.post(reverse("participation-claim-staff-act", args=[claim.pk, "confirm"]))
    claim.refresh_from_db()
    assert claim.status == TaskClaim.Status.CONFIRMED and other.claims.count() == 0


def test_staff_post_a_task_on_its_page_and_bad_input_is_a_form_error(client, actors, tree):
    log_in_verified(client, actors.community_staff)
    now = timezone.localtime()
    form = {"community": tree.west_community.pk, "kind": "patrol", "title": "夜间巡逻", "description": "沿街巡查",
            "place_name": "西社区广场", "latitude": PLACE.y, "longitude": PLACE.x, "quota": 3, "hours": "2",
            "check_in_radius": 200, "starts_at": f"{now + timedelta(days=2):%Y-%m-%dT%H:%M}",
            "take_by": f"{now + timedelta(days=3):%Y-%m-%dT%H:%M}"}
    refused = client.post(reverse("participation-task-new"), form)
    assert refused.status_code == 400 and not Task.objects.exists()
    form["take_by"] = f"{now + timedelta(days=1):%Y-%m-%dT%H:%M}"
    assert client.post(reverse("participation-task-new"), form).status_code == 302
    task = Task.objects.get()
    assert task.place.equals_exact(PLACE, 1e-9) and task.quota == 3


def test_a_grid_worker_gives_a_work_order_to_volunteers_from_its_page(client, actors, report):  # noqa: F811
    ticket = report()
    log_in_verified(client, actors.grid_worker)
    now = timezone.localtime()
    answer = client.post(reverse("participation-ticket-task", args=[ticket.pk]), {
        "title": "清理楼道杂物", "quota": 2, "hours": "1", "starts_at": f"{now + timedelta(days=2):%Y-%m-%dT%H:%M}",
        "take_by": f"{now + timedelta(days=1):%Y-%m-%dT%H:%M}"})
    assert answer.status_code == 302 and Task.objects.get().ticket == ticket
    log_in_verified(client, actors.outsider)
    assert client.get(reverse("participation-ticket-task", args=[ticket.pk])).status_code == 404


def test_the_api_posts_a_task_and_the_community_confirms_the_work(api, actors, tree, enter):
    staff, outsider = api(actors.community_staff), api(actors.outsider)
    now = timezone.now()
    posted = staff.post(reverse("api:participation-task-list"), {
        "community": tree.west_community.code, "kind": "patrol", "title": "夜间巡逻", "description": "沿街巡查",
        "latitude": PLACE.y, "longitude": PLACE.x, "place_name": "西社区广场", "quota": 2, "hours": "1.5",
        "starts_at": (now + timedelta(days=2)).isoformat(), "take_by": (now + timedelta(days=1)).isoformat()},
        format="json")
    assert posted.status_code == 201 and posted.json()["taken"] == 0
    task_id = posted.json()["id"]
    volunteer = enter()
    claim = services.task_take(task_id=task_id, participant=volunteer)
    services.claim_check_in(claim_id=claim.pk, actor=volunteer, location=NEAR)
    services.claim_report(claim_id=claim.pk, actor=volunteer, report="巡查两小时")
    confirm = reverse("api:participation-claim-confirm", args=[claim.pk])
    assert outsider.post(confirm).status_code == 404
    assert outsider.get(reverse("api:participation-task-detail", args=[task_id])).status_code == 404
    answer = staff.post(confirm)
    assert answer.status_code == 200 and answer.json()["hours_credited"] == "1.5"
    assert staff.post(confirm).status_code == 409
    detail = staff.get(reverse("api:participation-task-detail", args=[task_id])).json()
    assert detail["taken"] == 1 and detail["claims"][0]["status"] == "confirmed"
    cancel = reverse("api:participation-task-cancel", args=[task_id])
    assert staff.post(cancel, {}, format="json").status_code == 400
    assert staff.post(cancel, {"reason": "天气原因"}, format="json").json()["status"] == "cancelled"


def test_the_open_tasks_map_holds_the_tasks_of_the_volunteers_communities_only(client, actors, tree, enter, post_task,
                                                                                sms):
    enter("李志愿", phone=PHONE)
    ours = post_task(title="探访独居老人")
    now = timezone.now()
    theirs = services.task_post(actor=actors.admin, community=tree.east_community, kind=Task.Kind.PATROL,
                                title="东社区巡逻", description="夜间巡逻", place=Point(113.725, 23.005, srid=4326),
                                place_name="东社区", starts_at=now + timedelta(days=2), take_by=now + timedelta(days=1),
                                quota=2, hours=Decimal("1"))
    sign_in(client, PHONE, sms)
    page = client.get(reverse("participation-mine"))
    points = page.context["task_points"]
    assert [point["id"] for point in points] == [ours.pk] and theirs.pk not in [p["id"] for p in points]
    assert (points[0]["lat"], points[0]["lng"]) == (PLACE.y, PLACE.x)
    html = page.content.decode()
    assert 'id="task-map"' in html and 'id="task-points"' in html and "participation_task_map.js" in html
