from components.models import GRID_OUTSIDE_DISTRICT, UNKNOWN_KIND, Component, ComponentKind
from grids.models import Area

from ..factories import log_in_verified

ADD = "/admin/components/component/add/"


def _form(owner, code, lng=113.705, lat=23.005):
    return {"code": code, "kind": ComponentKind.objects.get(code="0118").pk, "name": "路灯", "address": "",
            "owner_unit": owner.pk, "state": "good", "location": f"SRID=4326;POINT({lng} {lat})",
            "state_changes-TOTAL_FORMS": 0, "state_changes-INITIAL_FORMS": 0}


def test_the_admin_places_a_new_component_in_its_grid(tree, actors, client, urban_management):
    log_in_verified(client, actors.admin)
    response = client.post(ADD, _form(urban_management, "4419010118000001", lng=113.735))
    assert response.status_code == 302, response.content.decode()
    lamp = Component.objects.get(code="4419010118000001")
    assert (lamp.grid, lamp.area_code) == (tree.grids[3], tree.grids[3].code)


def test_the_admin_refuses_an_unknown_class_and_a_place_outside_the_codes_district(
        tree, actors, client, urban_management):
    log_in_verified(client, actors.admin)
    unknown = client.post(ADD, _form(urban_management, "4419010199000001")).content.decode()
    assert str(UNKNOWN_KIND % {"kind": "0199"}) in unknown
    Area.objects.create(code="441902", name="邻区", level=Area.Level.DISTRICT, parent=tree.city, geom=tree.city.geom)
    outside = client.post(ADD, _form(urban_management, "4419020118000001")).content.decode()
    assert str(GRID_OUTSIDE_DISTRICT % {"grid": tree.grids[0].code, "district": "441902"}) in outside
    assert not Component.objects.exists()
