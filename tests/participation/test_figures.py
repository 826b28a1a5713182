"""The figures of participation per street and community, against a count made by hand, in the API and
on the dashboard page."""

import re
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from govportal.periods import Period
from participation import services
from participation.models import Task
from participation.selectors import participation_figures
from tests.factories import log_in_verified

from .conftest import NEAR

pytestmark = [pytest.mark.django_db, pytest.mark.dated]  # "today" read from the clock: also on the chosen days

# Mid-month, so that the work of the test (a few hours) stays within one month whatever the day.
ANCHOR = datetime(2026, 11, 16, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@time_machine.travel(ANCHOR, tick=True)
def test_the_figures_match_a_hand_count(api, actors, tree, enter, post_task):
    volunteer, member = enter("甲"), enter("乙", kind="party_member", work_unit="市税务局")
    enter("丙", community=tree.east_community)
    posted_at = timezone.now()
    visit, wish = post_task(), post_task(kind=Task.Kind.WISH, quota=1, hours=Decimal("1"))
    with time_machine.travel(posted_at + timedelta(hours=3), tick=False):
        first = services.task_take(task_id=visit.pk, participant=volunteer)
    with time_machine.travel(posted_at + timedelta(hours=5), tick=False):
        second = services.task_take(task_id=wish.pk, participant=member)
    for claim, person in ((first, volunteer), (second, member)):
        services.claim_check_in(claim_id=claim.pk, actor=person, location=NEAR)
        services.claim_report(claim_id=claim.pk, actor=person, report="完成")
        services.claim_confirm(claim_id=claim.pk, actor=actors.community_staff)
    month = Period.month_of(timezone.localdate())
    # By hand: two confirmed people in the west community (one of each kind), 2.5 + 1 hours, two tasks
    # posted, two places taken 3 and 5 hours after posting (4 on average), one need met.
    expected = {"participants": {"volunteer": 1, "party_member": 1, "social_worker": 0, "social_organisation": 0},
                "awaiting_confirmation": 0, "hours": Decimal("3.5"), "tasks_posted": 2, "places_taken": 2,
                "claims_confirmed": 2, "average_hours_to_take": 4.0, "needs_met": 1}
    for area in (tree.west_street, tree.west_community):
        assert participation_figures(area=area, period=month) == {"area": area.code, **expected}
    east = participation_figures(area=tree.east_street, period=month)
    assert east["participants"]["volunteer"] == 1 and east["tasks_posted"] == 0
    last_month = Period.month_of(month.start - timedelta(days=1))
    assert participation_figures(area=tree.west_street, period=last_month)["hours"] == 0

    answer = api(actors.street_coordinator).get(reverse("api:participation-figures", args=[tree.west_street.code]))
    assert answer.status_code == 200 and answer.json()["area"]["claims_confirmed"] == 2
    assert [child["area"] for child in answer.json()["children"]] == [tree.west_community.code]
    assert api(actors.outsider).get(reverse("api:participation-figures", args=[tree.west_street.code])).status_code == 404


def _page_figures(client, area):
    """Return {figure name: text} of the participation card of `area`'s dashboard page."""
    html = client.get(reverse("dashboard", args=[area.code])).content.decode()
    card = html[html.index('id="participation-figures"'):]
    card = card[:card.index("</section>")]
    return dict(re.findall(r'data-figure="([^"]+)">([^<]*)<', card))


@time_machine.travel(ANCHOR, tick=True)
def test_the_dashboard_page_shows_the_figures_of_its_area_against_a_hand_count(client, actors, tree, enter,
                                                                                post_task):
    volunteer = enter("甲")
    enter("乙")
    enter("丙", kind="party_member", work_unit="市税务局")
    organisation = enter("阳光社工", kind="social_organisation")
    enter("丁", community=tree.east_community)
    claim = services.task_take(task_id=post_task(hours=Decimal("2.5")).pk, participant=volunteer)
    services.claim_check_in(claim_id=claim.pk, actor=volunteer, location=NEAR)
    services.claim_report(claim_id=claim.pk, actor=volunteer, report="完成")
    services.claim_confirm(claim_id=claim.pk, actor=actors.community_staff)
    today = timezone.localdate()
    running, *_still_open = (services.project_post(
        actor=actors.community_staff, community=tree.west_community, title=title, need="助餐", budget=Decimal("9000"),
        starts_on=today, ends_on=today + timedelta(days=30)) for title in ("长者助餐", "四点半课堂", "邻里节"))
    services.project_apply(project_id=running.pk, actor=organisation, plan="配送", amount=Decimal("8000"))
    services.project_approve(project_id=running.pk, actor=actors.street_coordinator,
                             application=running.applications.get())
    # By hand, in the west street: two volunteers, a party member and an organisation; one task posted,
    # taken and confirmed for 2.5 hours; no need (微心愿); one project running of the three posted.
    expected = {"participants-volunteer": "2", "participants-party_member": "1", "participants-social_worker": "0",
                "participants-social_organisation": "1", "hours": "2.5", "tasks-posted": "1", "places-taken": "1",
                "claims-confirmed": "1", "needs-met": "0", "projects-running": "1"}
    log_in_verified(client, actors.street_coordinator)
    for area in (tree.west_street, tree.west_community):
        shown = _page_figures(client, area)
        assert {name: shown[name] for name in expected} == expected
    log_in_verified(client, actors.outsider)
    east = _page_figures(client, tree.east_street)
    assert (east["participants-volunteer"], east["projects-running"], east["hours"]) == ("1", "0", "0")
