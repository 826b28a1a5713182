"""The dashboard pages: scope, drill-down links, Excel exports and form errors."""

from io import BytesIO

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from dashboards.tables import TABLES
from govportal.periods import END_BEFORE_START

from ..factories import log_in_verified
from .conftest import START

pytestmark = pytest.mark.dated


@pytest.fixture
def now():
    with time_machine.travel(START, tick=False):
        yield


@pytest.fixture
def leader(client, actors, now):
    """Logged in at START, so the session is fresh at the instant the test reads the pages."""
    client.force_login(actors.leader)
    return client


@pytest.fixture
def reported(tree, report, now):
    return [report(tree.grids[0]), report(tree.grids[1]), report(tree.grids[2])]


def sheet_rows(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))
    return [[cell.value for cell in row] for row in book.worksheets[0].iter_rows()]


def test_the_leaders_dashboard_is_their_street_with_links_to_its_areas(leader, tree, reported, now):
    page = leader.get(reverse("dashboard-home"))
    assert page.status_code == 200
    html = page.content.decode()
    assert tree.west_street.name in html and 'data-figure="month-reported">2<' in html
    assert reverse("dashboard", args=[tree.west_community.code]) in html
    assert tree.east_street.name not in html
    assert reverse("dashboard-export", args=[tree.west_street.code, "children"]) in html


def test_other_areas_pages_are_not_found(leader, tree):
    for name in ("dashboard", "dashboard-map", "dashboard-screen", "assessment"):
        assert leader.get(reverse(name, args=[tree.east_street.code])).status_code == 404
    assert leader.get(reverse("dashboard-export", args=[tree.east_street.code, "children"])).status_code == 404
    assert leader.get(reverse("assessment-report", args=[tree.east_street.code])).status_code == 404


def test_every_table_exports_to_excel(leader, tree, reported, now):
    rows = sheet_rows(leader.get(reverse("dashboard-export", args=[tree.west_street.code, "children"])))
    assert tree.west_street.name in rows[0][0]
    with translation.override("zh-hans"):  # the pages' default language
        assert rows[1] == [str(column.label) for column in TABLES["children"][1]]
    assert rows[2][:3] == [tree.west_community.code, tree.west_community.name, 2]
    for table in ("categories", "top_grids", "trend"):
        response = leader.get(reverse("dashboard-export", args=[tree.west_street.code, table]))
        assert response.status_code == 200 and len(sheet_rows(response)) >= 3, table
    assert leader.get(reverse("dashboard-export", args=[tree.west_street.code, "secrets"])).status_code == 404


def test_monthly_assessment_report(client, actors, tree, reported, now):
    log_in_verified(client, actors.admin)
    response = client.get(reverse("assessment-report", args=[tree.city.code]), {"month": "2026-11"})
    assert response.status_code == 200
    assert 'filename="assessment-441900-2026-11.xlsx"' in response["Content-Disposition"]
    book = load_workbook(BytesIO(response.content))
    streets, departments = book.worksheets
    assert [row[2] for row in streets.iter_rows(min_row=3, values_only=True)] == [tree.west_street.code,
                                                                                   tree.east_street.code]
    assert departments.max_row == 2 + 2  # heading, columns, the district's two departments
    page = client.get(reverse("assessment", args=[tree.city.code]), {"month": "2026-11"})
    assert page.status_code == 200 and tree.east_street.name in page.content.decode()


def test_bad_input_is_a_400_with_the_message(leader, tree):
    page = leader.get(reverse("dashboard", args=[tree.west_street.code]), {"start": "2026-11-10", "end": "2026-11-01"})
    assert page.status_code == 400 and str(END_BEFORE_START) in page.content.decode()
    export = leader.get(reverse("dashboard-export", args=[tree.west_street.code, "trend"]), {"start": "x"})
    assert export.status_code == 400
    report = leader.get(reverse("assessment-report", args=[tree.west_street.code]), {"month": "2026-13"})
    assert report.status_code == 400


def test_map_and_big_screen_pages(leader, tree):
    map_page = leader.get(reverse("dashboard-map", args=[tree.west_street.code])).content.decode()
    assert reverse("api:dashboard-map", args=[tree.west_street.code]) in map_page
    screen = leader.get(reverse("dashboard-screen-home")).content.decode()
    assert 'class="screen"' in screen and "vendor/echarts/echarts.min.js" in screen
    assert reverse("api:dashboard-summary", args=[tree.west_street.code]) in screen


def test_a_province_leaders_dashboard_is_the_province_with_links_to_its_cities(client, province, tree, now):
    client.force_login(province.province_leader)
    html = client.get(reverse("dashboard-home")).content.decode()
    assert f"<strong>{province.province.name}</strong> <small>{province.province.code} · 省</small>" in html
    for city in (tree.city, province.other_city):
        assert reverse("dashboard", args=[city.code]) in html
