from grids.models import CHILD_OUTSIDE_PARENT, Area

from ..factories import log_in_verified


def test_area_change_page_has_the_leaflet_geometry_widget(tree, actors, client):
    log_in_verified(client, actors.admin)
    page = client.get(f"/admin/grids/area/{tree.grids[0].pk}/change/").content.decode()
    assert "leaflet" in page.lower()
    assert "王网格" in page  # the grid's staff inline


def test_admin_refuses_to_save_a_child_outside_its_parent(tree, actors, client):
    log_in_verified(client, actors.admin)
    outside = "SRID=4326;MULTIPOLYGON(((113.73 23.00, 113.74 23.00, 113.74 23.01, 113.73 23.01, 113.73 23.00)))"
    response = client.post("/admin/grids/area/add/", {
        "code": "441901001001003", "name": "越界网格", "level": "grid", "parent": tree.west_community.pk,
        "grid_kind": "general", "geom": outside,
        "members-TOTAL_FORMS": 0, "members-INITIAL_FORMS": 0,
    })
    assert response.status_code == 200
    assert str(CHILD_OUTSIDE_PARENT % {"code": "441901001001003", "parent": "441901001001"}) in response.content.decode()
    assert not Area.objects.filter(code="441901001001003").exists()
