"""The installable web app: the manifest, the service worker at the site root, the pages' hooks."""

import json

from django.contrib.staticfiles import finders
from PIL import Image

from ..pages import page

OFFLINE_PAGES = ["/", "/tickets/new/", "/tickets/mine/", "/map/"]


def test_service_worker_is_served_from_the_root_uncached_with_its_settings_first(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    first_line, script = response.content.decode().split("\n", 1)
    assert first_line.startswith("self.OFFLINE = ") and first_line.endswith(";")
    settings = json.loads(first_line.removeprefix("self.OFFLINE = ").removesuffix(";"))
    assert settings == {"pages": OFFLINE_PAGES, "data": ["/api/v1/areas/", "/jsi18n/"], "static": "/static/"}
    drafts = open(finders.find("js/drafts.js"), encoding="utf-8").read()
    worker = open(finders.find("js/sw.js"), encoding="utf-8").read()
    assert script == drafts + worker  # the draft store first: the worker sends drafts with it


def test_manifest_names_the_app_in_the_users_language_with_its_icons(client):
    manifest = client.get("/manifest.webmanifest")
    assert manifest["Content-Type"] == "application/manifest+json"
    assert "no-cache" in manifest["Cache-Control"]
    data = manifest.json()
    assert data["name"] == "网格化服务管理平台"
    assert (data["start_url"], data["scope"], data["display"]) == ("/", "/", "standalone")
    for icon in data["icons"]:
        size = int(icon["sizes"].split("x")[0])
        path = finders.find(icon["src"].removeprefix("/static/"))
        assert Image.open(path).size == (size, size)
    assert {icon["sizes"] for icon in data["icons"]} == {"192x192", "512x512"}

    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert client.get("/manifest.webmanifest").json()["name"] == "Grid governance platform"


def test_pages_of_a_logged_in_user_load_the_offline_scripts_and_anonymous_ones_do_not(tree, actors, client):
    anonymous = page(client.get("/login/"))
    assert anonymous.one("link[rel=manifest]").attrs["href"] == "/manifest.webmanifest"
    assert "data-user" not in anonymous.one("body").attrs
    assert not [tag for tag in anonymous.select("script") if "offline.js" in tag.attrs.get("src", "")]

    client.force_login(actors.grid_worker)
    home = page(client.get("/"))
    body = home.one("body").attrs
    assert (body["data-user"], body["data-service-worker"], body["data-csrf-cookie"]) == (
        str(actors.grid_worker.pk), "/sw.js", "csrftoken")
    sources = [tag.attrs.get("src", "") for tag in home.select("script")]
    catalog = sources.index("/jsi18n/")  # then the draft store, then the script that uses both
    assert sources[catalog:catalog + 3] == ["/jsi18n/", "/static/js/drafts.js", "/static/js/offline.js"]
    assert home.one("#drafts").attrs["data-report-url"] == "/tickets/new/"
    assert page(client.get("/tickets/mine/")).one("#drafts").attrs["data-login-url"] == "/login/?next=/tickets/mine/"
