"""The supervision API: lists scoped to the user, a milestone's moves, errors as documented."""

from datetime import date

from supervision.models import Milestone


def test_programmes_and_tasks_are_listed_to_those_who_see_them(api, actors, task_make, programme):
    task_make("1", (date(2027, 3, 31),))
    assert [p["id"] for p in api(actors.community_staff).get("/api/v1/supervision/programmes/").json()] == [
        programme.pk]
    assert api(actors.outsider).get("/api/v1/supervision/programmes/").json() == []
    rows = api(actors.leader).get(f"/api/v1/supervision/programmes/{programme.pk}/tasks/").json()
    assert [(row["number"], row["target"], row["lead_unit"]) for row in rows] == [
        ("1", "100 个", actors.department_handler.unit.name)]
    assert api(actors.outsider).get(f"/api/v1/supervision/programmes/{programme.pk}/tasks/").status_code == 404


def test_a_milestone_moves_through_the_api_with_400_403_404_and_409(api, actors, milestone):
    url = f"/api/v1/supervision/milestones/{milestone.pk}/"
    unit, lead, office = api(actors.community_staff), api(actors.department_handler), api(actors.leader)
    assert unit.get(url).json()["allowed_actions"] == ["report"]
    assert unit.post(f"{url}report/", {"text": ""}, format="json").status_code == 400
    assert lead.post(f"{url}submit/", {"summary": "x", "figure": "1"}, format="json").status_code == 409
    assert unit.post(f"{url}report/", {"text": "完成摸排", "figure": "40"}, format="json").status_code == 200
    assert unit.post(f"{url}submit/", {"summary": "x", "figure": "1"}, format="json").status_code == 403
    assert api(actors.outsider).post(f"{url}accept/").status_code == 404
    lead.post(f"{url}submit/", {"summary": "汇总", "figure": "40"}, format="json")
    answer = office.post(f"{url}return/", {"reason": "缺台账"}, format="json")
    assert answer.status_code == 200 and answer.json()["status"] == Milestone.Status.RETURNED
    assert [r["unit"] for r in answer.json()["reports"]] == [actors.community_staff.unit.name]
