"""The figures of participation per street and community, against a count made by hand."""

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
