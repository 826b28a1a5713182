from ..factories import TEST_PASSWORD


def test_grid_worker_home_lists_their_grid_and_its_staff(tree, actors, client):
    client.post("/login/", {"username": actors.grid_worker.username, "password": TEST_PASSWORD})
    page = client.get("/").content.decode()
    assert "我的网格" in page
    assert tree.grids[0].name in page
    assert "王网格 · 全职网格员" in page


def test_coordinator_home_lists_the_communities_of_their_street_only(tree, actors, client):
    client.force_login(actors.street_coordinator)
    page = client.get("/").content.decode()
    assert tree.west_community.name in page
    assert tree.east_community.name not in page
