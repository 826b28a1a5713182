"""The work-order pages in headless Chromium: a grid worker's report on a phone (online and
offline), a citizen's report with its SMS code, then the street's dispatch and the department's
sign-for."""

import re
import time

import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from accounts.models import HandlingUnit
from govportal.crypto import decrypt
from incidents import verification
from incidents.catalogue import catalogue_load
from incidents.models import Category, Ticket
from incidents.services import ticket_accept, ticket_create, ticket_route
from incidents.worktime import calendar_sync_from_package
from tests.factories import TEST_PASSWORD
from tests.incidents.photos import GPS_LAT, GPS_LNG, jpeg
from tests.incidents.sms import listen_for_sms, sent_code

pytestmark = pytest.mark.browser

PHONE = {
    "viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True,
    "geolocation": {"latitude": GPS_LAT, "longitude": GPS_LNG}, "permissions": ["geolocation"],
    "locale": "zh-CN",
}


def chinese(text):
    assert re.search(r"[\u4e00-\u9fff]", text), f"{text!r} is not translated in locale/zh_Hans"
    return text


def zh(text):
    """`text` as the zh-hans pages show it, which must be Chinese."""
    with translation.override("zh-hans"):
        return chinese(str(translation.gettext(text)))


def zh_label(choice):
    with translation.override("zh-hans"):
        return chinese(str(choice.label))


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return page


def wait_until(page, condition, timeout=15):
    """Poll `condition` (e.g. a database query) while letting Playwright run its callbacks."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        page.wait_for_timeout(200)  # not time.sleep: route handlers only run inside Playwright calls


@pytest.fixture
def city(transactional_db, actors):
    """The test city, its actors, the catalogue and the calendar, committed for the live server's
    thread (as tests/incidents/conftest.py's `catalogue`: transactional tests wipe them)."""
    catalogue_load(Category)
    calendar_sync_from_package()
    return actors


def report(code, reporter):
    """Create and route a grid worker's report in the west street's first grid."""
    ticket, _created = ticket_create(
        source=Ticket.Source.GRID_WORKER, category=Category.objects.get(code=code), description="楼道堆放杂物",
        location=Point(GPS_LNG, GPS_LAT, srid=4326), reporter=reporter,
    )
    return ticket_route(ticket_id=ticket.pk)


@pytest.fixture
def phone(browser):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def photo(tmp_path):
    path = tmp_path / "scene.jpg"
    path.write_bytes(jpeg().read())
    return path


def fill_report(page, live_server, photo):
    """Open the report form as the logged-in grid worker and fill it, position from the phone."""
    page.goto(f"{live_server.url}/tickets/new/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    expect(page.locator("h1")).to_have_text(zh("Report a matter"))
    page.wait_for_function(
        "([lat, lng]) => Math.abs(Number(document.getElementById('id_lat').value) - lat) < 1e-6"
        " && Math.abs(Number(document.getElementById('id_lng').value) - lng) < 1e-6",
        arg=[GPS_LAT, GPS_LNG],
    )
    expect(page.locator("#position")).not_to_be_empty()
    assert "乱堆放" in page.locator("#id_category option[value='0102']").inner_text()
    page.select_option("#id_category", "0102")
    page.fill("#id_description", "楼道堆放杂物，堵塞消防通道")
    page.set_input_files("#id_photos", str(photo))


def submit(page):
    page.locator("#report-form button[type=submit]").tap()


def queued_drafts(page):
    return page.evaluate("""() => new Promise((resolve, reject) => {
        const open = indexedDB.open("govportal-reports");  // drafts.js made it on the page's load
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
            const get = open.result.transaction("drafts").objectStore("drafts").getAll();
            get.onsuccess = () => { open.result.close();
                resolve(get.result.map(d => ({key: d.key, photos: d.photos.length, category: d.fields.category}))); };
            get.onerror = () => reject(get.error);
        };
    })""")


# Counts, in the page, the reports its script sends (report.js posts each one with fetch).
COUNT_SENDS = """
    window.reportsSent = 0;
    const fetchReport = window.fetch;
    window.fetch = function (url, options) {
        if (options && options.method === "POST") { window.reportsSent += 1; }
        return fetchReport.apply(this, arguments);
    };
"""


def sends_of_a_flush(page):
    """Fire `online` and return how many reports the flush it starts has sent (COUNT_SENDS).

    The `online` handler asks for the drafts' flush lock (drafts.js, Web Locks) before it returns;
    a request for the same lock made after it is granted once that flush has finished.
    """
    return page.evaluate("""async () => {
        const before = window.reportsSent;
        window.dispatchEvent(new Event("online"));
        return navigator.locks.request("govportal-drafts-flush", () => window.reportsSent - before);
    }""")


def test_grid_worker_reports_from_a_phone(city, live_server, phone, photo, tmp_path):
    page = log_in(phone, live_server, city.grid_worker)
    fill_report(page, live_server, photo)
    page.screenshot(path=str(tmp_path / "report-phone.png"), full_page=True)
    api = live_server.url + reverse("api:ticket-list")
    with page.expect_request(lambda request: request.method == "POST" and request.url == api) as sent:
        submit(page)
    assert sent.value.headers.get("idempotency-key")
    page.wait_for_url(f"{live_server.url}/tickets/mine/")

    ticket = Ticket.objects.get()
    assert ticket.reporter == city.grid_worker
    assert ticket.source == Ticket.Source.GRID_WORKER
    assert ticket.category.code == "0102"
    assert ticket.photos.count() == 1
    assert abs(ticket.location.y - GPS_LAT) < 1e-6 and abs(ticket.location.x - GPS_LNG) < 1e-6
    assert ticket.photos.get().exif_location is None  # the phone gave the position: the photo's is not kept
    assert ticket.idempotency_key == f"{city.grid_worker.pk}:{sent.value.headers['idempotency-key']}"
    expect(page.locator("h1")).to_have_text(zh("My reports"))
    row = page.locator(f"tr[data-ticket='{ticket.number}']")
    expect(row).to_be_visible()
    expect(row).to_contain_text("乱堆放")
    page.screenshot(path=str(tmp_path / "mine-phone.png"), full_page=True)


def test_citizen_reports_from_a_phone_with_the_code_texted_to_it(city, live_server, phone, photo, caplog, tmp_path):
    listen_for_sms(caplog)  # the development gateway logs each SMS: the test reads the code there
    page = phone
    page.goto(f"{live_server.url}/report/")
    expect(page.locator("h1")).to_have_text(zh("Report a problem (随手拍)"))
    page.wait_for_function("() => document.getElementById('id_lat').value !== ''")  # the phone's position
    page.select_option("#id_category", "0102")
    page.fill("#id_description", "路边垃圾堆积，无人清理")
    page.fill("#id_phone", "13812341234")
    page.locator("#send-code").tap()
    expect(page.locator("#code-status")).to_contain_text("138****1234")
    expect(page.locator("#send-code")).to_be_disabled()  # counting down to the next code
    code = sent_code(caplog)

    page.fill("#id_code", f"{(int(code) + 1) % 10**6:06d}")  # mistyped first
    page.set_input_files("#id_photos", str(photo))
    page.locator("#report-form button[type=submit]").tap()
    expect(page.locator("#id_code + .errors")).to_have_text(zh(verification.CODE_WRONG))
    assert not Ticket.objects.exists()

    page.fill("#id_code", code)
    page.set_input_files("#id_photos", str(photo))  # a page sent back keeps no files
    page.locator("#report-form button[type=submit]").tap()
    expect(page.locator("h1")).to_have_text(zh("Thank you"))
    ticket = Ticket.objects.get()
    expect(page.locator("main, body").first).to_contain_text(ticket.number)
    assert (ticket.source, decrypt(ticket.reporter_phone_encrypted), ticket.photos.count()) == (
        Ticket.Source.CITIZEN, "13812341234", 1)
    page.screenshot(path=str(tmp_path / "citizen-phone.png"), full_page=True)


def test_report_kept_offline_is_sent_once_when_back_online(city, live_server, phone, photo, tmp_path):
    page = log_in(phone, live_server, city.grid_worker)
    context = page.context
    page.add_init_script(COUNT_SENDS)
    fill_report(page, live_server, photo)
    key = page.input_value("#id_idempotency_key")

    context.set_offline(True)
    submit(page)
    expect(page.locator("#queue-status")).to_have_text(
        zh("No network: the report is kept on this phone and will be sent when the network is back."))
    page.screenshot(path=str(tmp_path / "offline-phone.png"), full_page=True)
    assert queued_drafts(page) == [{"key": key, "photos": 1, "category": "0102"}]
    assert not Ticket.objects.exists()

    # Back online, but on a lossy network: every send reaches the server and its answer is lost.
    # Chromium itself fires `online` on reconnecting, so one or two flushes may run at once.
    posts, lossy = [], [True]

    def network(route):
        response = route.fetch()
        posts.append((route.request.headers.get("idempotency-key"), response.status, lossy[0]))
        if lossy[0]:
            route.abort("connectionreset")
        else:
            route.fulfill(response=response)

    context.route(live_server.url + reverse("api:ticket-list"), network)  # the page's and the service worker's
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    wait_until(page, lambda: posts)
    assert Ticket.objects.count() == 1  # created, but the phone does not know it
    assert [draft["key"] for draft in queued_drafts(page)] == [key]  # so it keeps the draft

    # The answers come back: the next flush sends the same key again and gets the same ticket.
    lossy[0] = False
    page.evaluate("window.dispatchEvent(new Event('online'))")
    wait_until(page, lambda: not queued_drafts(page))
    assert sends_of_a_flush(page) == 0  # flushing the empty queue again sends nothing
    assert {post[0] for post in posts} == {key}
    assert [post[1] for post in posts].count(201) == 1  # one ticket created, every other send 200
    assert {post[1] for post in posts if not post[2]} == {200}
    assert Ticket.objects.count() == 1
    ticket = Ticket.objects.get()
    assert ticket.idempotency_key == f"{city.grid_worker.pk}:{key}"
    assert ticket.photos.count() == 1
    assert abs(ticket.location.y - GPS_LAT) < 1e-6 and abs(ticket.location.x - GPS_LNG) < 1e-6

    page.goto(f"{live_server.url}/tickets/mine/")
    expect(page.locator(f"tr[data-ticket='{ticket.number}']")).to_be_visible()
    assert page.locator("tbody tr[data-ticket]").count() == 1


def test_street_dispatches_and_department_signs_for(city, live_server, browser, page, tmp_path):
    ticket = report("0103", city.grid_worker)  # 违法建设: the street comes first
    assert ticket.handling_unit.name == "西街道办事处"
    ticket_accept(ticket_id=ticket.pk, actor=city.street_coordinator)
    department = HandlingUnit.objects.get(name="测试区城管局")

    log_in(page, live_server, city.street_coordinator)
    page.goto(f"{live_server.url}/tickets/board/")
    expect(page.locator("h1")).to_have_text(zh("Dispatch board"))
    row = page.locator(f"tr[data-ticket='{ticket.number}']")
    expect(row).to_contain_text("违法建设")
    expect(row.locator("td").nth(2)).to_have_text(zh_label(Ticket.Status.ACCEPTED))
    expect(page.locator("#board-map .ticket-dot")).to_have_count(1)
    dispatch = row.locator("form[action$='/act/dispatch/']")
    expect(dispatch.locator("button[type=submit]")).to_have_text(zh("Dispatch"))
    expect(dispatch.locator("select")).to_have_value(department.code)  # the category's default department
    with page.expect_navigation():
        dispatch.locator("button[type=submit]").click()
    expect(page.locator(".message.success")).to_have_text(zh("%(subject)s: %(status)s, now with %(unit)s.") % {
        "subject": ticket.number, "status": zh_label(Ticket.Status.DISPATCHED), "unit": department.name})
    page.reload()
    row = page.locator(f"tr[data-ticket='{ticket.number}']")
    expect(row.locator("td").nth(2)).to_have_text(zh_label(Ticket.Status.DISPATCHED))
    expect(row.locator("td").nth(3)).to_have_text(department.name)
    expect(row.locator("form[action$='/act/dispatch/']")).to_have_count(0)  # nothing more to dispatch
    page.screenshot(path=str(tmp_path / "board.png"), full_page=True)
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.DISPATCHED
    assert ticket.handling_unit == department

    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    try:
        handler = log_in(context.new_page(), live_server, city.department_handler)
        handler.set_default_timeout(15_000)
        handler.goto(f"{live_server.url}/tickets/inbox/")
        expect(handler.locator("h1")).to_have_text(zh("Inbox"))
        link = handler.locator(f"tr[data-ticket='{ticket.number}'] a", has_text=ticket.number)
        with handler.expect_navigation():
            link.click()
        expect(handler.locator("h1")).to_contain_text(ticket.number)
        sign = handler.locator("form[data-action=sign] button[type=submit]")
        expect(sign).to_have_text(zh("Sign for"))
        with handler.expect_navigation():
            sign.click()
        expect(handler.locator(".message.success")).to_contain_text(ticket.number)
        ticket.refresh_from_db()
        assert ticket.status == Ticket.Status.SIGNED
        assert ticket.handler == city.department_handler
        expect(handler.locator("h1 .badge").first).to_have_text(zh_label(Ticket.Status.SIGNED))
        events = handler.locator("ol.timeline li")
        expect(events).to_have_count(5)  # report, route, accept, dispatch, sign
        signed = events.filter(has=handler.locator("strong", has_text=re.compile(rf"^\s*{zh('Sign for')}\s*$")))
        expect(signed).to_have_count(1)
        expect(signed).to_contain_text(str(city.department_handler))
        expect(signed).to_contain_text(department.name)
        expect(handler.locator("form[data-action=sign]")).to_have_count(0)
        handler.screenshot(path=str(tmp_path / "detail.png"), full_page=True)
    finally:
        context.close()
