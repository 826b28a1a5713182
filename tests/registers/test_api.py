"""The registers' API: houses, moves, inspections, the counts per grid and the map layer, and their schema."""

import re
from datetime import date

from carelist.groups import national_groups_load
from carelist.models import CareGroup, CareHelper, CareLevel
from carelist.services import care_person_register
from registers import services
from registers.models import Residence, Resident
from tests.factories import log_in_verified

from .conftest import OTHER_ID_NUMBER


def test_move_in_and_out_through_the_api(api, actors, house):
    worker = api(actors.grid_worker)
    answer = worker.post(f"/api/v1/registers/houses/{house.pk}/move-in/", {
        "kind": "floating", "name": "周流动", "id_number": OTHER_ID_NUMBER.lower(), "phone": "137 0000 1234",
        "household": "H1", "moved_in_on": "2026-05-01"}, format="json")
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["id_number"] == "4419**********567X" and body["phone"] == "137****1234" and body["household"] == "H1"
    again = worker.post(f"/api/v1/registers/houses/{house.pk}/move-in/", {
        "kind": "floating", "name": "周流动", "id_number": OTHER_ID_NUMBER, "moved_in_on": "2026-05-01"},
        format="json")
    assert again.status_code == 409
    moved = worker.post(f"/api/v1/registers/residences/{body['id']}/move-out/", {"moved_out_on": "2026-06-01"},
                        format="json")
    assert moved.status_code == 200 and moved.json()["status"] == "moved_out"
    assert worker.post(f"/api/v1/registers/residences/{body['id']}/move-out/", {"moved_out_on": "2026-06-01"},
                       format="json").status_code == 409
    detail = worker.get(f"/api/v1/registers/houses/{house.pk}/").json()
    assert [r["status"] for r in detail["residences"]] == ["moved_out"]


def test_bad_input_is_a_400_naming_the_field(api, actors, house):
    answer = api(actors.grid_worker).post(f"/api/v1/registers/houses/{house.pk}/move-in/", {
        "kind": "registered", "name": "某人", "id_number": "44190019900101123Y", "moved_in_on": "2026-06-01"},
        format="json")
    assert answer.status_code == 400 and "id_number" in answer.json()["extra"]["fields"]
    assert not Residence.objects.exists()


def test_an_inspection_through_the_api(api, actors, rental):
    answer = api(actors.grid_worker).post(f"/api/v1/registers/rental-houses/{rental.pk}/inspections/",
                                          {"inspected_on": "2026-06-02", "grade": "B", "findings": "正常"},
                                          format="json")
    assert answer.status_code == 201
    assert answer.json()["next_inspection_due"] == "2026-07-02"


def test_counts_per_grid_and_the_map_layer(api, actors, tree, rental, residence):
    counts = api(actors.community_staff).get(f"/api/v1/registers/areas/{tree.west_community.code}/counts/")
    assert counts.status_code == 200
    first = counts.json()[0]
    assert first["grid"] == tree.grids[0].code
    assert first["residents"] == {"registered": 1, "floating": 0, "tenant": 0}
    assert first["rental_houses"] == {"A": 0, "B": 0, "C": 1} and first["overdue_inspections"] == 1
    layer = api(actors.street_coordinator).get("/api/v1/registers/rental-houses/map/",
                                                {"area": tree.west_street.code}).json()
    [feature] = layer["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [113.705, 23.005]}
    assert feature["properties"]["grade"] == "C" and feature["properties"]["overdue"] is True
    assert rental.next_inspection_due < date(2026, 6, 2)


def test_area_figures_are_404_outside_scope_and_for_grid_workers(api, actors, tree):
    assert api(actors.outsider).get(f"/api/v1/registers/areas/{tree.west_community.code}/counts/").status_code == 404
    rental_map = "/api/v1/registers/rental-houses/map/"
    assert api(actors.outsider).get(rental_map, {"area": tree.west_community.code}).status_code == 404
    assert api(actors.grid_worker).get(rental_map, {"area": tree.west_community.code}).status_code == 403  # not their layer


def test_the_schema_documents_each_operation_with_its_answers(api, actors):
    paths = api(actors.admin).get("/api/schema/", {"format": "json"}).json()["paths"]
    operations = {
        "/api/v1/registers/houses/{house_id}/move-in/": {"201", "400", "403", "404", "409"},
        "/api/v1/registers/residences/{residence_id}/move-out/": {"200", "400", "403", "404", "409"},
        "/api/v1/registers/rental-houses/{rental_house_id}/inspections/": {"201", "400", "403", "404"},
        "/api/v1/registers/residents/{resident_id}/reveal/": {"200", "400", "403", "404"},
    }
    for path, answers in operations.items():
        assert answers <= set(paths[path]["post"]["responses"]), path
    assert "/api/v1/registers/rental-houses/map/" in paths


def test_the_dashboard_shows_the_base_data_of_its_area_against_a_hand_count(client, actors, tree, rental, residence):
    services.resident_move_in(actor=actors.grid_worker, house=rental.house, kind=Resident.Kind.TENANT, name="租客甲",
                              id_number=OTHER_ID_NUMBER, moved_in_on=date(2026, 5, 21), lease_start=date(2026, 5, 21))
    national_groups_load(CareGroup, CareLevel)
    care_person_register(actor=None, name="李建国", id_number="441900197001011230", phone="",
                         address="幸福路1号楼", grid=tree.grids[0], levels=[CareLevel.objects.get(
                             group__code="lonely_elderly", level=1)],
                         helpers=[(actors.grid_worker, CareHelper.Kind.GRID_WORKER)])
    # By hand, in the west street: one registered resident and one tenant living there, one rental house
    # (grade C, due 27 May: overdue on 2 June), one person looked after; nothing in the east.
    log_in_verified(client, actors.street_coordinator)
    html = client.get(f"/dashboard/{tree.west_street.code}/").content.decode()
    card = html[html.index('id="base-data-figures"'):]
    shown = dict(re.findall(r'data-figure="([^"]+)">([^<]*)<', card[:card.index("</section>")]))
    assert shown == {"residents-registered": "1", "residents-floating": "0", "residents-tenant": "1",
                     "rental-A": "0", "rental-B": "0", "rental-C": "1", "inspections-overdue": "1", "looked-after": "1"}
    log_in_verified(client, actors.outsider)
    east = client.get(f"/dashboard/{tree.east_street.code}/").content.decode()
    assert 'data-figure="residents-registered">0<' in east and 'data-figure="looked-after">0<' in east
