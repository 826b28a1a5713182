"""The error pages speak the site's language, carry its layout and lead back home."""

from django.template.loader import render_to_string
from django.utils import translation

from tests.pages import page, parse, zh


def test_not_found_is_a_translated_page_of_the_site_with_a_way_home(actors, client):
    client.force_login(actors.grid_worker)
    shown = page(client.get("/no-such-page/"), status=404)
    assert shown.one("main h1").text == zh("Not found")
    assert shown.one("main a[href='/']").text == zh("Back to the home page")
    assert shown.one("header.topbar a.brand").text == zh("Grid governance platform")


def test_not_allowed_says_why_in_the_sites_layout(actors, client):
    client.force_login(actors.grid_worker)  # the mediation figures are for leaders and mediators
    shown = page(client.get("/mediation/statistics/"), status=403)
    assert shown.one("main h1").text == zh("Not allowed")
    assert shown.one("main a[href='/']").text == zh("Back to the home page")


def test_server_error_page_renders_without_a_request_or_a_database():
    with translation.override("zh-hans"):
        shown = parse(render_to_string("500.html"))  # what Django's server_error renders: no context
    assert shown.one("main h1").text == zh("Something went wrong")
    assert shown.one("main a[href='/']").text == zh("Back to the home page")
