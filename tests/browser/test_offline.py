"""The installable web app on a grid worker's phone: pages that open without a network, and report
drafts that are deleted from the phone only once the server confirmed their work order — through a
lost network, an expired session and a refusal."""

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from playwright.sync_api import expect

from django.utils.translation.trans_real import DjangoTranslation

from incidents.models import Category, Ticket
from tests.browser.test_incidents import (  # noqa: F401 (city and photo are fixtures)
    PHONE, chinese, city, fill_report, log_in, photo, submit, wait_until, zh,
)
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser

# The drafts on the phone, as drafts.js stores them (the test reads IndexedDB itself).
STORED_DRAFTS = """() => new Promise((resolve, reject) => {
    const open = indexedDB.open("govportal-reports");
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
        const db = open.result;
        if (!db.objectStoreNames.contains("drafts")) { db.close(); resolve([]); return; }
        const get = db.transaction("drafts").objectStore("drafts").getAll();
        get.onsuccess = () => { db.close(); resolve(get.result.map(d => ({
            key: d.key, state: d.state, category: d.fields.category, photos: d.photos.length,
            errors: d.errors || {}}))); };
        get.onerror = () => reject(get.error);
    };
})"""


def zh_js(text):
    """`text` as the pages' scripts show it (the JavaScript catalog, djangojs.po), which must be Chinese."""
    return chinese(DjangoTranslation("zh-hans", domain="djangojs").gettext(text))


def stored_drafts(page):
    return page.evaluate(STORED_DRAFTS)


@pytest.fixture
def phone(browser):
    """A phone whose pages and service worker lose the network together (context.set_offline)."""
    context = browser.new_context(**PHONE, service_workers="allow")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def worker_ready(page):
    """Wait until the service worker controls the page (it claims open pages) and keeps the offline pages."""
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller !== null")
    # Polled from here: wait_for_function takes the promise an async function returns as a truthy answer.
    wait_until(page, lambda: page.evaluate("""async () => {
        const kept = await (await caches.open("govportal-pages-v1")).keys();
        return ["/", "/tickets/new/", "/tickets/mine/", "/map/"].every(
            path => kept.some(request => new URL(request.url).pathname === path));
    }"""))


def api_url(live_server):
    return live_server.url + reverse("api:ticket-list")


def draft_row(page, state):
    return page.locator(f"#drafts li[data-state='{state}']")


def save_offline(page, live_server, photo):
    """Fill a report as the logged-in worker, lose the network and send it: it is kept as a draft."""
    fill_report(page, live_server, photo)
    key = page.input_value("#id_idempotency_key")
    page.context.set_offline(True)
    submit(page)
    expect(page.locator("#queue-status")).to_have_text(
        zh("No network: the report is kept on this phone and will be sent when the network is back."))
    assert stored_drafts(page) == [{"key": key, "state": "waiting", "category": "0102", "photos": 1, "errors": {}}]
    assert page.input_value("#id_idempotency_key") != key  # the next report is a new draft
    return key


def count_posts(context, live_server):
    """Record the status of every report sent (by a page or the service worker) to the tickets API."""
    answers = []

    def network(route):
        response = route.fetch()
        answers.append(response.status)
        route.fulfill(response=response)

    context.route(api_url(live_server), lambda route: network(route) if route.request.method == "POST"
                  else route.fallback())
    return answers


def test_pages_open_offline_after_one_visit(city, live_server, phone, tmp_path):
    page = log_in(phone, live_server, city.grid_worker)
    worker_ready(page)  # the four pages are kept from the first page on
    page.goto(f"{live_server.url}/map/")
    page.locator("path.area-grid").first.wait_for()  # the grid map's outlines came once
    pages = {"/": None, "/tickets/new/": "Report a matter", "/tickets/mine/": "My reports", "/map/": "Grid map"}

    page.context.set_offline(True)
    for path, heading in pages.items():
        page.goto(live_server.url + path)
        if heading:
            expect(page.locator("h1")).to_have_text(zh(heading))
        else:
            expect(page.locator("h1")).to_contain_text(str(city.grid_worker))
        page.screenshot(path=str(tmp_path / f"offline{path.replace('/', '-')}.png"), full_page=True)
    expect(page.locator("path.area-grid").first).to_be_visible()  # the outlines, from the cache too
    assert page.evaluate("navigator.onLine") is False

    page.context.set_offline(False)  # logging out empties the kept pages: they show the worker's area
    page.locator("form[data-logout] button").click()
    page.wait_for_url(f"{live_server.url}/login/")
    wait_until(page, lambda: not page.evaluate("caches.has('govportal-pages-v1')"))


def test_draft_saved_offline_is_listed_and_deleted_only_after_the_ticket_exists(city, live_server, phone, photo,
                                                                               tmp_path):
    page = log_in(phone, live_server, city.grid_worker)
    worker_ready(page)
    key = save_offline(page, live_server, photo)
    expect(draft_row(page, "waiting")).to_contain_text("楼道堆放杂物")

    for path in ("/", "/tickets/mine/"):  # listed wherever the worker's reports are, offline too
        page.goto(live_server.url + path)
        expect(draft_row(page, "waiting")).to_contain_text(zh_js("Waiting to be sent"))
    page.screenshot(path=str(tmp_path / "mine-offline.png"), full_page=True)
    assert not Ticket.objects.exists()

    # Back online, the answer to the send is held: the ticket exists, the draft is still on the phone.
    held = []
    page.context.route(api_url(live_server), lambda route: held.append(route))
    page.context.set_offline(False)
    wait_until(page, lambda: held)
    answer = held[0].fetch()
    assert answer.status == 201
    assert Ticket.objects.get().idempotency_key == f"{city.grid_worker.pk}:{key}"
    assert [draft["key"] for draft in stored_drafts(page)] == [key]
    held[0].fulfill(response=answer)

    expect(page.locator("#drafts")).to_be_hidden()
    assert stored_drafts(page) == []
    page.reload()
    ticket = Ticket.objects.get()
    expect(page.locator(f"tr[data-ticket='{ticket.number}']")).to_be_visible()
    assert ticket.photos.count() == 1
    assert len(held) == 1


def test_session_expired_while_offline_keeps_the_draft_until_logged_in_again(city, live_server, phone, photo,
                                                                              tmp_path):
    page = log_in(phone, live_server, city.grid_worker)
    worker_ready(page)
    key = save_offline(page, live_server, photo)
    Session.objects.all().delete()  # the idle timeout passed while the worker was outdoors
    answers = count_posts(page.context, live_server)

    page.context.set_offline(False)
    login_row = draft_row(page, "login")
    expect(login_row).to_contain_text(zh_js("Log in again to send"))
    page.screenshot(path=str(tmp_path / "session-expired.png"), full_page=True)
    assert answers and set(answers) == {401}
    assert not Ticket.objects.exists()
    assert [(draft["key"], draft["state"]) for draft in stored_drafts(page)] == [(key, "login")]

    login_row.get_by_role("link").click()
    page.fill("#id_username", city.grid_worker.username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/tickets/new/")
    wait_until(page, lambda: not stored_drafts(page))
    assert answers.count(201) == 1 and set(answers) <= {401, 201, 200}
    ticket = Ticket.objects.get()
    assert ticket.idempotency_key == f"{city.grid_worker.pk}:{key}"
    expect(page.locator("#drafts")).to_be_hidden()
    page.goto(f"{live_server.url}/")  # another page load: nothing is left to send
    expect(page.locator("#drafts")).to_be_hidden()
    assert Ticket.objects.count() == 1


def test_refused_draft_needs_attention_and_is_fixed_and_sent_again(city, live_server, phone, photo, tmp_path):
    page = log_in(phone, live_server, city.grid_worker)
    worker_ready(page)
    key = save_offline(page, live_server, photo)
    Category.objects.filter(code="0102").update(is_active=False)  # withdrawn from the catalogue meanwhile

    page.context.set_offline(False)
    row = draft_row(page, "attention")
    expect(row).to_contain_text(zh_js("Needs attention"))
    [draft] = stored_drafts(page)
    assert draft["key"] == key and draft["errors"]["category"]
    expect(row.locator(".errors")).to_contain_text(draft["errors"]["category"][0])
    page.screenshot(path=str(tmp_path / "needs-attention.png"), full_page=True)
    assert not Ticket.objects.exists()

    row.get_by_role("link").click()
    expect(page.locator("#id_description")).to_have_value("楼道堆放杂物，堵塞消防通道")
    expect(page.locator("#id_category + .errors")).to_contain_text(draft["errors"]["category"][0])
    assert page.input_value("#id_idempotency_key") == key
    page.select_option("#id_category", "0101")
    page.screenshot(path=str(tmp_path / "fix-draft.png"), full_page=True)
    submit(page)
    page.wait_for_url(f"{live_server.url}/tickets/mine/")
    ticket = Ticket.objects.get()
    assert ticket.category.code == "0101"
    assert ticket.idempotency_key == f"{city.grid_worker.pk}:{key}"
    assert ticket.photos.count() == 1  # the photo kept with the draft
    assert stored_drafts(page) == []


def test_form_refuses_to_save_an_invalid_draft(city, live_server, phone, tmp_path):
    page = log_in(phone, live_server, city.grid_worker)
    worker_ready(page)
    page.goto(f"{live_server.url}/tickets/new/")
    page.wait_for_function("() => document.getElementById('id_lat').value !== ''")
    sends = []  # aborted as the network would (route.fetch would pass the offline emulation by)
    page.context.route(api_url(live_server), lambda route: (sends.append(route.request.method), route.abort()))
    page.context.set_offline(True)
    submit(page)
    required = zh_js("This field is required.")
    expect(page.locator("#id_category + .errors")).to_have_text(required)
    expect(page.locator("#id_description + .errors")).to_have_text(required)
    expect(page.locator("#queue-status")).to_have_text(zh_js("Correct the marked fields: nothing was saved."))
    page.screenshot(path=str(tmp_path / "invalid-draft.png"), full_page=True)
    assert stored_drafts(page) == []
    assert sends == []


def test_service_worker_sends_the_drafts_by_background_sync_with_no_page_open(city, live_server, phone, photo):
    page = log_in(phone, live_server, city.grid_worker)
    worker_ready(page)
    cdp = page.context.new_cdp_session(page)
    registrations = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"]))
    cdp.send("ServiceWorker.enable")
    key = save_offline(page, live_server, photo)
    wait_until(page, lambda: registrations)

    page.goto("about:blank")  # no page of the site is open: only the service worker can send
    page.context.set_offline(False)
    cdp.send("ServiceWorker.dispatchSyncEvent", {
        "origin": live_server.url, "registrationId": registrations[0]["registrationId"], "tag": "send-drafts",
        "lastChance": False,
    })
    wait_until(page, lambda: Ticket.objects.exists())
    assert Ticket.objects.get().idempotency_key == f"{city.grid_worker.pk}:{key}"
    page.goto(f"{live_server.url}/tickets/mine/")
    wait_until(page, lambda: stored_drafts(page) == [])
    assert Ticket.objects.count() == 1
