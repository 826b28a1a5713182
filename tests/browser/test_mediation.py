"""The mediator's case page in headless Chromium: accept, assign an expert, record a session,
record the written agreement and print it, reveal a party's ID number (logged), have it signed,
and close and archive the case, after which the page offers nothing."""

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from mediation.workflow import ACTION_LABELS
from mediation.models import MediationCase, PartyReveal
from tests.factories import TEST_PASSWORD
from tests.mediation.conftest import make_case, mediation  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser


def zh(text):
    """`text` as the zh-hans pages show it."""
    with translation.override("zh-hans"):
        return str(translation.gettext(text))


def offered(page):
    return page.locator("section.actions form").evaluate_all("(forms) => forms.map((f) => f.dataset.action)")


def test_mediator_works_a_case_on_its_page(mediation, make_case, live_server, page, tmp_path):  # noqa: F811
    case = make_case()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", mediation.committee_mediator.username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/mediation/")
    page.click(f"tr[data-case='{case.number}'] a")
    expect(page.locator("tr[data-party='张三']")).to_contain_text("4419**********1234")
    expect(page.locator("body")).not_to_contain_text("441900199001011234")

    page.click("form[data-action='accept'] button")
    expect(page.locator("#case-status")).to_have_text(zh(MediationCase.Status.ACCEPTED.label))

    assign = page.locator("form[data-action='assign']")
    assign.locator("summary").click()
    assign.get_by_label("刘法官", exact=False).check()
    assign.locator("button[type=submit]").click()
    expect(page.locator("#case-mediators")).to_contain_text("刘法官")

    session = page.locator("form[data-action='record_session']")
    session.locator("summary").click()
    session.locator("input[name='record_session-held_at']").fill("2026-11-20T09:30")
    session.locator("input[name='record_session-place']").fill("西社区调解室")
    session.locator("textarea[name='record_session-attendees']").fill("张三、李四、陈调解")
    session.locator("textarea[name='record_session-record']").fill("双方同意协商维修费用。")
    session.locator("button[type=submit]").click()
    expect(page.locator(".sessions")).to_contain_text("西社区调解室")

    agreement = page.locator("form[data-action='conclude_agreement']")
    agreement.locator("summary").click()
    agreement.locator("select[name='conclude_agreement-kind']").select_option("written")
    agreement.locator("textarea[name='conclude_agreement-obligations']").fill("李四赔偿张三维修费3000元。")
    agreement.locator("textarea[name='conclude_agreement-performance_manner']").fill("银行转账。")
    agreement.locator("input[name='conclude_agreement-performance_deadline']").fill("2026-12-31")
    agreement.locator("button[type=submit]").click()
    expect(page.locator("#case-status")).to_have_text(zh(MediationCase.Status.AGREED.label))
    expect(page.locator("#agreement")).to_contain_text("李四赔偿张三维修费3000元。")
    pdf = page.request.get(live_server.url + page.locator("#agreement a.button").first.get_attribute("href"))
    assert pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")
    expect(page.locator("#case-timeline")).to_contain_text(zh(ACTION_LABELS["conclude_agreement"]))

    page.locator("tr[data-party='张三'] form:has(input[value='id_number']) button").click()
    expect(page.locator("#revealed")).to_have_text("441900199001011234")
    assert PartyReveal.objects.get().actor == mediation.committee_mediator

    page.goto(f"{live_server.url}/mediation/{case.pk}/")
    assert offered(page) == ["sign_agreement"]  # nothing else can be done before the parties sign
    sign = page.locator("form[data-action='sign_agreement']")
    sign.locator("summary").click()
    sign.locator("input[name='sign_agreement-signed_on']").fill(timezone.localdate().isoformat())
    sign.locator("button[type=submit]").click()
    expect(page.locator("#agreement")).to_contain_text(timezone.localdate().isoformat())
    assert offered(page) == ["apply_confirmation", "follow_up", "archive"]
    expect(page.locator("a[data-copy='court']")).to_be_visible()

    page.click("form[data-action='archive'] button")
    expect(page.locator("#case-status")).to_have_text(zh(MediationCase.Status.ARCHIVED.label))
    expect(page.locator("#archive-number")).to_have_text(MediationCase.objects.get(pk=case.pk).archive_number)
    expect(page.locator("section.actions")).to_have_count(0)  # read-only
    page.screenshot(path=tmp_path / "case-archived-desktop.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    page.screenshot(path=tmp_path / "case-archived-phone.png", full_page=True)
