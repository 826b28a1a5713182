from ..factories import TEST_PASSWORD
from ..pages import page


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


def test_the_privacy_notice_is_open_to_all_in_chinese_and_english(client, settings):
    settings.PHOTO_STORED_MAX_SIDE = 2048
    shown = page(client.get("/privacy/"))
    assert shown.one("#privacy h1").text == "隐私说明"
    assert "照片中的 GPS 位置仅在报告确有需要时保留" in shown.one("#photo-position").text
    assert "2048" in shown.one("#privacy").text
    client.post("/i18n/setlang/", {"language": "en", "next": "/privacy/"})
    english = page(client.get("/privacy/"))
    assert english.one("#privacy h1").text == "Privacy notice"
    assert english.one("#photo-position").text.startswith("The GPS position in a photo is kept only where")


def test_the_report_forms_link_to_the_privacy_notice(tree, actors, client):
    assert page(client.get("/report/")).one("#privacy-link").attrs["href"] == "/privacy/"
    client.force_login(actors.grid_worker)
    assert page(client.get("/tickets/new/")).one("#privacy-link").attrs["href"] == "/privacy/"
