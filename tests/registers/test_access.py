"""Who sees and edits which registers: the grid's workers edit, the community and up read their area,
everyone else gets a 404; personal numbers are masked for all, and a reveal needs a reason and is audited."""

from datetime import date

import pytest

from audit.models import AuditEvent
from registers.models import ResidentReveal

from .conftest import ID_NUMBER


@pytest.fixture
def logged_in(client):
    def log_in(user):
        client.force_login(user)
        return client

    return log_in


def test_the_grid_worker_sees_the_house_with_its_residents_masked(logged_in, actors, residence):
    page = logged_in(actors.grid_worker).get(f"/registers/houses/{residence.house_id}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "4419**********1234" in text and "张*丰" in text and "139****5678" in text
    assert ID_NUMBER not in text and "张三丰" not in text and "13912345678" not in text
    assert 'id="add-resident"' in text


def test_another_grids_worker_and_an_outsider_get_404(logged_in, actors, residence, rental, neighbour_worker, api):
    for user in (neighbour_worker, actors.outsider, actors.department_handler):
        client = logged_in(user)
        assert client.get(f"/registers/houses/{residence.house_id}/").status_code == 404
        assert client.post(f"/registers/residences/{residence.pk}/move-out/",
                           {"moved_out_on": "2026-06-01"}).status_code == 404
        assert client.post(f"/registers/rental-houses/{rental.pk}/inspect/",
                           {"inspected_on": "2026-06-01", "grade": "C"}).status_code == 404
        assert api(user).get(f"/api/v1/registers/houses/{residence.house_id}/").status_code == 404
        assert api(user).post(f"/api/v1/registers/residents/{residence.resident_id}/reveal/",
                              {"field": "id_number", "reason": "核对"}, format="json").status_code == 404
    assert api(neighbour_worker).get("/api/v1/registers/houses/").json()["count"] == 0


def test_the_community_reads_its_area_but_does_not_edit(logged_in, actors, residence, api):
    client = logged_in(actors.community_staff)
    page = client.get("/registers/")
    assert page.status_code == 200 and "西社区第1网格" in page.content.decode()
    assert client.get(f"/registers/houses/{residence.house_id}/").status_code == 200
    assert client.get(f"/registers/houses/{residence.house_id}/move-in/").status_code == 403
    answer = api(actors.community_staff).post(f"/api/v1/registers/residences/{residence.pk}/move-out/",
                                              {"moved_out_on": "2026-06-01"}, format="json")
    assert answer.status_code == 403


def test_a_reveal_needs_a_reason_and_is_audited(actors, residence, api):
    worker = api(actors.grid_worker)
    url = f"/api/v1/registers/residents/{residence.resident_id}/reveal/"
    assert worker.post(url, {"field": "id_number", "reason": " "}, format="json").status_code == 400
    reason = "办理居住证核对身份，来电13912345678"
    answer = worker.post(url, {"field": "id_number", "reason": reason}, format="json")
    assert answer.status_code == 200 and answer.json() == {"value": ID_NUMBER}
    [reveal] = ResidentReveal.objects.all()
    assert (reveal.actor, reveal.field) == (actors.grid_worker, "id_number")
    assert reveal.reason == reason
    audited = AuditEvent.objects.get(action=AuditEvent.Action.REVEAL, result=AuditEvent.Result.SUCCESS)
    assert audited.actor == actors.grid_worker and audited.target == f"registers.resident:{residence.resident_id}"
    assert audited.details["reason"] == "办理居住证核对身份，来电139****5678"  # no full number in the trail


def test_the_community_may_not_reveal_and_the_attempt_is_audited(actors, residence, api):
    answer = api(actors.community_staff).post(f"/api/v1/registers/residents/{residence.resident_id}/reveal/",
                                              {"field": "phone", "reason": "回访"}, format="json")
    assert answer.status_code == 403 and "13912345678" not in answer.content.decode()
    assert not ResidentReveal.objects.exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.REVEAL, result=AuditEvent.Result.FAILURE,
                                     actor=actors.community_staff).count() == 1


def test_the_reveal_page_shows_the_number_once(logged_in, actors, residence):
    page = logged_in(actors.grid_worker).post(f"/registers/residents/{residence.resident_id}/reveal/",
                                              {"field": "phone", "reason": "联系住户"})
    assert page.status_code == 200 and "13912345678" in page.content.decode()
    assert ResidentReveal.objects.filter(field="phone").count() == 1


def test_the_pages_take_a_resident_and_a_move_out(logged_in, actors, house):
    client = logged_in(actors.grid_worker)
    bad = client.post(f"/registers/houses/{house.pk}/move-in/", {
        "kind": "registered", "name": "刘洋", "id_number": "44190019920202123Y", "moved_in_on": "2026-06-01"})
    assert bad.status_code == 400
    added = client.post(f"/registers/houses/{house.pk}/move-in/", {
        "kind": "registered", "name": "刘洋", "id_number": "441900199202021238", "household": "H1-301",
        "moved_in_on": "2026-06-01"})
    assert added.status_code == 302
    residence = house.residences.get()
    assert residence.household.number == "H1-301"
    client.post(f"/registers/residences/{residence.pk}/move-out/", {"moved_out_on": "2026-06-02"})
    residence.refresh_from_db()
    assert residence.moved_out_on == date(2026, 6, 2)


def test_the_grid_worker_registers_a_let_house_on_its_page(logged_in, actors, house, grades, api):
    url = f"/registers/houses/{house.pk}/rental/"
    client = logged_in(actors.grid_worker)
    assert 'id="rental-form"' in client.get(f"/registers/houses/{house.pk}/").content.decode()
    bad = client.post(url, {"owner_name": "王房东", "grade": "C", "registered_on": "2026-06-09"})  # a future day
    assert bad.status_code == 400 and "owner_name" not in bad.context["rental_form"].errors
    assert bad.context["rental_form"].errors["registered_on"] and not hasattr(house, "rental")
    assert client.post(url, {"owner_name": "王房东", "owner_phone": "13711112222", "grade": "C",
                             "registered_on": "2026-06-01"}).status_code == 302
    house.refresh_from_db()
    assert (house.rental.grade.code, house.rental.next_inspection_due) == ("C", date(2026, 6, 8))  # 7 days on
    assert house.rental.owner_phone_masked == "137****2222"
    page = client.get(f"/registers/houses/{house.pk}/").content.decode()
    assert 'id="rental-form"' not in page and 'id="inspection-form"' in page
    again = api(actors.grid_worker).post(f"/api/v1/registers/houses/{house.pk}/rental/", {
        "owner_name": "王房东", "grade": "A", "registered_on": "2026-06-01"}, format="json")
    assert again.status_code == 409  # one rental record a house


def test_only_the_grids_workers_register_a_rental_house(logged_in, actors, house, grades, neighbour_worker, api):
    body = {"owner_name": "王房东", "grade": "B", "registered_on": "2026-06-01"}
    assert 'id="rental-form"' not in logged_in(actors.community_staff).get(
        f"/registers/houses/{house.pk}/").content.decode()
    assert api(actors.community_staff).post(f"/api/v1/registers/houses/{house.pk}/rental/", body,
                                            format="json").status_code == 403
    assert api(neighbour_worker).post(f"/api/v1/registers/houses/{house.pk}/rental/", body,
                                      format="json").status_code == 404
    created = api(actors.grid_worker).post(f"/api/v1/registers/houses/{house.pk}/rental/", body, format="json")
    assert created.status_code == 201 and created.json()["next_inspection_due"] == "2026-07-01"  # B: 30 days


def test_the_grid_worker_registers_a_house_of_a_building_in_their_grid(logged_in, actors, building, neighbour_worker,
                                                                        api):
    client = logged_in(actors.grid_worker)
    assert list(client.get("/registers/houses/new/").context["form"].fields["building"].queryset) == [building]
    body = {"building": building.pk, "unit": "3", "floor": 6, "room": "3-602", "use": "residential",
            "floor_area_m2": "92.5"}
    answer = client.post("/registers/houses/new/", body)
    house = building.houses.get(room="3-602")
    assert answer.status_code == 302 and answer["Location"] == f"/registers/houses/{house.pk}/"
    assert (house.area_code, house.floor, str(house.floor_area_m2)) == (building.grid.code, 6, "92.50")
    again = client.post("/registers/houses/new/", body)
    assert again.status_code == 400 and again.context["form"].non_field_errors() == ["该楼栋已登记此房号。"]
    url = "/api/v1/registers/houses/"
    assert api(neighbour_worker).post(url, {"building": building.code, "floor": 1, "room": "1-101"},
                                      format="json").status_code == 403
    assert api(actors.community_staff).post(url, {"building": building.code, "floor": 1, "room": "1-101"},
                                            format="json").status_code == 403
    created = api(actors.grid_worker).post(url, {"building": building.code, "floor": 1, "room": "1-101"}, format="json")
    assert created.status_code == 201 and building.houses.count() == 2
    assert logged_in(actors.community_staff).get("/registers/houses/new/").status_code == 403
