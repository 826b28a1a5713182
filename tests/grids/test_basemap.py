"""The base map's configuration: tile sources from the environment, the policy admitting their hosts, the pages."""

import json
import os
import subprocess
import sys

import pytest
from django.test import override_settings

from ..pages import page

SETTINGS_SCRIPT = """
import json
from govportal.settings import base
print(json.dumps({"layers": base.MAP_TILE_LAYERS, "crs": base.MAP_TILE_CRS,
                  "img": base.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"],
                  "admin": [[url for _, url, _ in base.LEAFLET_CONFIG[key]] for key in ("TILES", "OVERLAYS")]}))
"""


def settings_with(**env):
    """Return the base map's settings as a process started with `env` reads them, or its error."""
    clean = {k: v for k, v in os.environ.items() if k not in ("TIANDITU_KEY", "MAP_TILE_URL", "MAP_TILE_CRS")}
    done = subprocess.run([sys.executable, "-c", SETTINGS_SCRIPT], env={**clean, **env}, capture_output=True, text=True)
    return json.loads(done.stdout) if done.returncode == 0 else done.stderr.strip().splitlines()[-1]


def test_no_tiles_by_default():
    assert settings_with() == {"layers": [], "crs": "wgs84", "img": ["'self'", "data:", "blob:"], "admin": [[], []]}


def test_tianditu_vector_map_under_its_annotation_with_the_key():
    config = settings_with(TIANDITU_KEY="abc123")
    assert [layer["url"].split("/wmts")[0] for layer in config["layers"]] == [
        "https://t{s}.tianditu.gov.cn/vec_w", "https://t{s}.tianditu.gov.cn/cva_w"]
    assert all("&tk=abc123" in layer["url"] and layer["subdomains"] == "01234567" for layer in config["layers"])
    assert config["img"] == ["'self'", "data:", "blob:", "https://*.tianditu.gov.cn"]
    assert config["admin"] == [[config["layers"][0]["url"]], [config["layers"][1]["url"]]]  # the admin's map widget


def test_an_intranet_gcj02_tile_service():
    config = settings_with(MAP_TILE_URL="http://tiles.gov.internal:8080/{z}/{x}/{y}.png", MAP_TILE_CRS="gcj02")
    assert config["layers"] == [
        {"url": "http://tiles.gov.internal:8080/{z}/{x}/{y}.png", "subdomains": "abc", "attribution": ""}]
    assert config["crs"] == "gcj02"
    assert config["img"][-1] == "http://tiles.gov.internal:8080"


@pytest.mark.parametrize(("env", "message"), [
    ({"MAP_TILE_CRS": "bd09"}, "MAP_TILE_CRS='bd09' is not wgs84 or gcj02."),
    ({"TIANDITU_KEY": "k", "MAP_TILE_URL": "https://tiles.example.cn/{z}/{x}/{y}.png"}, "not both"),
    ({"TIANDITU_KEY": "k", "MAP_TILE_CRS": "gcj02"}, "leave MAP_TILE_CRS at wgs84"),
])
def test_a_bad_combination_stops_start_up(env, message):
    error = settings_with(**env)
    assert error.startswith("django.core.exceptions.ImproperlyConfigured") and message in error


def test_map_pages_carry_the_base_map_config(tree, actors, client):
    layers = [{"url": "https://webrd0{s}.is.autonavi.com/{z}/{x}/{y}", "subdomains": "1234", "attribution": "AMap"}]
    client.force_login(actors.grid_worker)
    with override_settings(MAP_TILE_LAYERS=layers, MAP_TILE_CRS="gcj02"):
        response = client.get("/tickets/new/")
    config = json.loads(page(response).one("script#basemap-config").text)
    assert config == {"tiles": layers, "crs": "gcj02", "outlineUrl": "/api/v1/areas/outline/"}
