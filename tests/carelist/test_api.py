"""The special-group API: the groups, a visit recorded with 400/403/404/409, closing, the counts per
grid for the map (counts only, for the roles that may see them), and the OpenAPI operations."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from carelist import api as carelist_api
from carelist import services
from carelist.models import CarePerson

NOW = datetime(2026, 4, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_the_groups_come_with_their_intervals_per_level(api, actors, care_groups):
    groups = {group["code"]: group for group in api(actors.grid_worker).get("/api/v1/carelist/groups/").json()}
    assert len(groups) == 9
    assert [(level["level"], level["visit_interval_days"]) for level in groups["community_correction"]["levels"]] \
        == [(1, 7), (2, 15), (3, 30)]


@time_machine.travel(NOW, tick=False)
def test_a_visit_through_the_api_with_400_403_404_and_409(api, person, care):
    url = f"/api/v1/carelist/persons/{person.pk}/"
    helper, leader = api(care.helper), api(care.community_leader)
    body = {"visited_on": "2026-04-18", "place": "家中", "way": "phone", "condition": "attention",
            "note": "近期失业，情绪低落", "follow_up_needed": True}
    assert helper.get(url).json()["allowed_actions"] == ["record_visit"]
    assert leader.get(url).json()["allowed_actions"] == ["close"]
    assert helper.post(f"{url}record-visit/", {**body, "way": "letter"}, format="json").status_code == 400
    future = helper.post(f"{url}record-visit/", {**body, "visited_on": "2026-04-21"}, format="json")
    assert future.status_code == 400 and future.json()["extra"]["fields"]["visited_on"] == [
        str(services.VISIT_IN_FUTURE)]
    assert leader.post(f"{url}record-visit/", body, format="json").status_code == 403
    assert api(care.bystander).post(f"{url}record-visit/", body, format="json").status_code == 404
    answer = helper.post(f"{url}record-visit/", body, format="json")
    assert answer.status_code == 200
    assert answer.json()["next_visit_due"] == "2026-04-25"
    assert answer.json()["visits"][0] | {"recorded_at": None} == {
        **body, "recorded_by": care.helper.username, "recorded_at": None}
    assert leader.post(f"{url}close/", {"reason": ""}, format="json").status_code == 400
    assert leader.post(f"{url}close/", {"reason": "矫正期满"}, format="json").json()["status"] == "closed"
    assert helper.post(f"{url}record-visit/", body, format="json").status_code == 409


def test_counts_per_grid_never_show_a_person(api, actors, care, person_make, tree):
    person_make("甲")
    person_make("乙", levels=(("lonely_elderly", 2),))
    person_make("丙", grid=tree.grids[1])
    closed = person_make("丁", grid=tree.grids[1])
    services.care_person_close(person_id=closed.pk, actor=care.community_leader, reason="迁出")
    person_make("戊", grid=tree.grids[2])  # the east community
    url = "/api/v1/carelist/grid-counts/"
    expected = [{"grid": tree.grids[0].code, "name": tree.grids[0].name, "count": 2},
                {"grid": tree.grids[1].code, "name": tree.grids[1].name, "count": 1}]
    assert api(actors.community_staff).get(url).json() == expected
    assert api(actors.leader).get(url, {"area": tree.grids[1].code}).json() == expected[1:]
    assert len(api(actors.admin).get(url).json()) == 3
    assert api(actors.outsider).get(url).json() == [{"grid": tree.grids[2].code, "name": tree.grids[2].name,
                                                      "count": 1}]
    assert api(actors.grid_worker).get(url).status_code == 403
    assert api(actors.department_handler).get(url).status_code == 403
    assert api(actors.leader).get(url, {"area": "999"}).status_code == 404
    assert CarePerson.objects.count() == 5


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker):
    from rest_framework.test import APIClient

    from accounts.models import User

    with django_db_blocker.unblock():
        client = APIClient()
        client.force_authenticate(User(pk=1, username="reader", is_superuser=True))
        return client.get("/api/schema/", {"format": "json"}).json()


def test_each_move_has_its_own_operation_with_exactly_its_fields(schema):
    paths = schema["paths"]
    for action, input_serializer in carelist_api.ACTION_INPUTS.items():
        operation = paths[f"/api/v1/carelist/persons/{{person_id}}/{action.replace('_', '-')}/"]["post"]
        ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        assert set(schema["components"]["schemas"][ref]["properties"]) == set(input_serializer().fields)
        assert {"200", "400", "403", "404", "409"} <= set(operation["responses"])
    assert {"/api/v1/carelist/groups/", "/api/v1/carelist/persons/", "/api/v1/carelist/persons/{person_id}/",
            "/api/v1/carelist/grid-counts/"} <= set(paths)
    assert "area" in {parameter["name"] for parameter in paths["/api/v1/carelist/grid-counts/"]["get"]["parameters"]}
