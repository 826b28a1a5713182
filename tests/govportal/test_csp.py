"""The Content-Security-Policy header (django-csp) and the nonces of the inline scripts it admits.
tests/browser/test_csp.py shows the same policy at work in Chromium."""

import pytest

from govportal.env import url_source

from ..factories import log_in_verified
from ..pages import page


def directives(response):
    """Return the response's policy as {directive: [sources]}."""
    return {name: sources for name, *sources in
            (part.split() for part in response["Content-Security-Policy"].split(";") if part.strip())}


def test_pages_carry_the_policy(client):
    policy = directives(client.get("/login/"))

    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]  # no nonce: the log-in page has no inline script
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:", "blob:"]
    assert policy["style-src"] == ["'self'"]
    assert policy["style-src-attr"] == ["'unsafe-inline'"]


def inline_scripts(response):
    """Return the <script> elements of the page that carry code (neither a src nor a JSON data block)."""
    return [script for script in page(response).select("script")
            if "src" not in script.attrs and script.attrs.get("type") != "application/json"]


def assert_inline_scripts_carry_the_nonce(response):
    nonces = [script.attrs.get("nonce") for script in inline_scripts(response)]
    assert nonces, "the page has inline scripts"
    assert directives(response)["script-src"] == ["'self'", f"'nonce-{nonces[0]}'"]
    assert nonces == [nonces[0]] * len(nonces)


def test_the_admin_map_widget_carries_the_nonce(tree, actors, client):
    log_in_verified(client, actors.admin)

    assert_inline_scripts_carry_the_nonce(client.get(f"/admin/grids/area/{tree.grids[0].pk}/change/"))


def test_swagger_ui_carries_the_nonce_on_its_script_and_style(tree, actors, client):
    client.force_login(actors.leader)

    response = client.get("/api/docs/")

    assert_inline_scripts_carry_the_nonce(response)
    nonce = page(response).one("style").attrs["nonce"]
    assert directives(response)["style-src"] == ["'self'", f"'nonce-{nonce}'"]


@pytest.mark.parametrize(("url", "source"), [
    ("https://t0.tianditu.gov.cn/vec_w/wmts?tk=KEY&x={x}&y={y}&l={z}", "https://t0.tianditu.gov.cn"),
    ("https://t{s}.tianditu.gov.cn/vec_w/wmts?x={x}", "https://*.tianditu.gov.cn"),
    ("http://{s}.tiles.example.cn:8080/{z}/{x}/{y}.png", "http://*.tiles.example.cn:8080"),
])
def test_the_base_map_source_admits_its_tiles(url, source):
    assert url_source(url) == source
