"""Who sees a special-group file: its helpers and the leadership of its community and up; a grid worker
of the same grid who is no helper, another community and every other role get the same 404 as for no
file at all. Every view of the page and of the API detail is in the audit trail, refused ones too."""

import pytest

from audit.models import AuditEvent
from carelist.selectors import person_list
from tests.factories import UserFactory

SEES = ("helper", "cadre", "community_leader", "street_leader")
REFUSED = ("bystander", "community_staff_not_helper", "other_leader", "outsider", "department_handler")


@pytest.fixture
def people(actors, care, person_make):
    """Every actor by name; the cadre helps the person, the staff member of the same committee does not."""
    return {
        "helper": care.helper, "cadre": actors.community_staff, "community_leader": care.community_leader,
        "street_leader": actors.leader, "bystander": care.bystander,
        "community_staff_not_helper": UserFactory(role=actors.community_staff.role, unit=actors.community_staff.unit),
        "other_leader": care.other_leader, "outsider": actors.outsider,
        "department_handler": actors.department_handler,
    }


def views_of(person):
    return AuditEvent.objects.filter(action=AuditEvent.Action.CARE_FILE_VIEW, target=f"carelist.careperson:{person.pk}")


@pytest.mark.parametrize("who", SEES + REFUSED)
def test_the_page_and_the_api_answer_only_helpers_and_leadership_and_audit_each_view(who, people, person, client,
                                                                                      api):
    user = people[who]
    client.force_login(user)
    page = client.get(f"/carelist/persons/{person.pk}/")
    detail = api(user).get(f"/api/v1/carelist/persons/{person.pk}/")
    expected = 200 if who in SEES else 404
    assert (page.status_code, detail.status_code) == (expected, expected)
    result = AuditEvent.Result.SUCCESS if who in SEES else AuditEvent.Result.FAILURE
    assert list(views_of(person).values_list("actor", "result")) == [(user.pk, result)] * 2
    assert (person in person_list(user=user)) is (who in SEES)
    if who in SEES:
        assert "4419**********0031" in page.content.decode() and "441900197803150031" not in page.content.decode()
        assert detail.json()["id_number"] == "4419**********0031"


def test_a_missing_file_answers_the_same_404_and_is_audited(care, client, db):
    client.force_login(care.helper)
    assert client.get("/carelist/persons/999999/").status_code == 404
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CARE_FILE_VIEW, target="carelist.careperson:999999",
                                     result=AuditEvent.Result.FAILURE).count() == 1


def test_lists_show_masked_numbers_and_only_what_the_user_sees(people, person, person_make, tree, client, api):
    elsewhere = person_make("陈桂英", grid=tree.grids[2], helpers=[])  # the east community, nobody's
    client.force_login(people["helper"])
    page = client.get("/carelist/").content.decode()
    assert "李建国" in page and "陈桂英" not in page and "138****8031" in page and "13800138031" not in page
    rows = api(people["street_leader"]).get("/api/v1/carelist/persons/").json()["results"]
    assert [(row["id"], row["phone"], row["id_number"]) for row in rows] == [
        (person.pk, "138****8031", "4419**********0031")]
    assert api(people["bystander"]).get("/api/v1/carelist/persons/").json()["results"] == []
    assert [row["id"] for row in api(people["other_leader"]).get("/api/v1/carelist/persons/").json()["results"]] == [
        elsewhere.pk]
    assert not views_of(person).exists()  # a list is no view of a file


def test_only_a_helper_records_a_visit(people, person, client):
    client.force_login(people["community_leader"])
    assert client.get(f"/carelist/persons/{person.pk}/visit/").status_code == 403
    assert "record-visit" not in client.get(f"/carelist/persons/{person.pk}/").content.decode()
    client.force_login(people["bystander"])
    assert client.get(f"/carelist/persons/{person.pk}/visit/").status_code == 404
