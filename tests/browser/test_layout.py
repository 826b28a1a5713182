"""What a person sees of the shared layout, on a 390 px phone and a desktop: the field pages fit the phone,
radios sit beside their labels, the period filters' "显示" button stays on one line and their date boxes
show their dates."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import User
from incidents.forms import RateForm
from tests.browser.test_incidents import PHONE, city, log_in, report  # noqa: F401 - fixtures and steps
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

DESKTOP = {"viewport": {"width": 1280, "height": 800}, "locale": "zh-CN"}
FIELD_PAGES = [("home", False), ("ticket-report", False), ("ticket-mine", False), ("ticket-detail", True),
               ("notifications", False)]  # (URL name, takes the ticket's id)
CITIZEN_PAGES = ["citizen-report", "citizen-progress"]
PERIOD_PAGES = ["dashboard-home", "assessment-home", "hotline-rates"]

# Wider than the window: the page scrolls sideways, or (on a field page) a scrolling box hides part of a
# table. A dashboard's wide tables may scroll in their box.
OVERFLOWING = """(boxesToo) => {
    const page = document.documentElement.scrollWidth > window.innerWidth ? ["the page"] : [];
    const boxes = [...document.querySelectorAll(".table-scroll")]
        .filter((box) => boxesToo && box.scrollWidth > box.clientWidth).map((box) => box.firstElementChild.className);
    return page.concat(boxes);
}"""

# The radios of a group that are not on one line with their label text (the radio's middle within the label).
RADIOS_OUT_OF_PLACE = """(group) => [...document.querySelectorAll(group + " input[type=radio]")].filter((radio) => {
    const label = radio.closest("label"), around = label.getBoundingClientRect(), box = radio.getBoundingClientRect();
    const middle = box.top + box.height / 2;
    return around.height > 1.8 * parseFloat(getComputedStyle(label).lineHeight)
        || middle < around.top || middle > around.bottom;
}).map((radio) => radio.value)"""

BUTTON_LINES = """(button) => {
    const style = getComputedStyle(button);
    const inner = button.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
    return Math.round(inner / parseFloat(style.lineHeight));
}"""


def assert_fits(page, where, field_page=True):
    assert page.evaluate(OVERFLOWING, field_page) == [], f"{where} is wider than {page.viewport_size['width']} px"


def visit(page, live_server, name, *args):
    answer = page.goto(f"{live_server.url}{reverse(name, args=args)}")
    assert answer.status == 200, name
    return page


def check_field_pages(page, live_server, grid_worker, ticket):
    log_in(page, live_server, grid_worker)
    for name, takes_ticket in FIELD_PAGES:
        assert_fits(visit(page, live_server, name, *([ticket.pk] if takes_ticket else [])), name)
    page.context.clear_cookies()
    for name in CITIZEN_PAGES:
        assert_fits(visit(page, live_server, name), name)
    assert page.goto(f"{live_server.url}/no-such-page/").status == 404
    assert_fits(page, "the error page")


def check_radio_groups(page, live_server, operator):
    """The 12345 outcome as our field template draws it, the rating as Django's as_div does (the ticket
    page's actions)."""
    log_in(page, live_server, operator)
    visit(page, live_server, "hotline-intake")
    expect(page.locator("fieldset.choices input[type=radio]")).not_to_have_count(0)
    assert page.evaluate(RADIOS_OUT_OF_PLACE, "fieldset.choices") == []
    page.evaluate("(html) => document.querySelector('main').insertAdjacentHTML('beforeend', html)",
                  f'<form id="rating">{RateForm().as_div()}</form>')
    expect(page.locator("#rating input[type=radio]")).to_have_count(3)
    assert page.evaluate(RADIOS_OUT_OF_PLACE, "#rating") == []
    assert_fits(page, "the intake")


def check_period_filters(page, live_server, coordinator):
    log_in(page, live_server, coordinator)
    for name in PERIOD_PAGES:
        visit(page, live_server, name)
        assert page.locator("main form.inline button[type=submit]").evaluate(BUTTON_LINES) == 1, name
        for box in page.locator("main form.inline :is(input[type=date], input[type=month])").all():
            assert box.input_value(), f"an empty date box on {name}"  # the browser empties a value it cannot read
        assert_fits(page, name, field_page=False)


def test_pages_fit_a_phone_and_read_well_on_a_desktop(city, live_server, browser):  # noqa: F811
    ticket = report("0102", city.grid_worker)
    operator = UserFactory(role=User.Role.HOTLINE_OPERATOR, unit=city.street_coordinator.unit)
    checks = [(check_field_pages, (city.grid_worker, ticket), (PHONE,)),  # first: home's screenshots are his
              (check_radio_groups, (operator,), (PHONE, DESKTOP)),
              (check_period_filters, (city.street_coordinator,), (PHONE, DESKTOP))]
    for check, people, devices in checks:
        for device in devices:  # each person on a device of their own (its service worker is theirs)
            context = browser.new_context(**device)
            page = context.new_page()
            page.set_default_timeout(15_000)
            check(page, live_server, *people)
            context.close()
