def test_pages_require_login(tree, client):
    for url in ("/", "/map/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


def test_login_page_is_chinese_by_default_and_shows_a_form_error(tree, actors, client):
    page = client.get("/login/")
    assert "登录" in page.content.decode()
    failed = client.post("/login/", {"username": actors.grid_worker.username, "password": "wrong"})
    assert failed.status_code == 200
    assert 'role="alert"' in failed.content.decode()


def test_language_switch_turns_pages_english(tree, actors, client):
    client.force_login(actors.street_coordinator)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/map/").content.decode()
    assert "Grid map" in page and "网格地图" not in page


def test_logout_ends_the_session(tree, actors, client):
    client.force_login(actors.street_coordinator)
    client.post("/logout/")
    assert client.get("/").status_code == 302
