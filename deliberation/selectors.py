"""Reads of deliberation: staff scoped by area (accounts.access), the public by what is published."""

import re
from datetime import date

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.access import restrict_to_scope, visible_one
from govportal.errors import DomainInputError
from govportal.periods import Period
from grids.models import Area

from .models import Meeting, Topic
from .workflow import TICKET_DONE

BAD_QUARTER = _("Give the quarter as YYYY-Qn, e.g. 2026-Q4.")
QUARTER = re.compile(r"([1-9]\d{3})-Q([1-4])")
# What a resident sees of a topic: everything but who raised it.
PUBLIC_STATES = (Topic.Status.PUBLISHED, Topic.Status.IMPLEMENTED, Topic.Status.CLOSED)


def quarter_of(day):
    """Return the calendar quarter holding the date `day`, as a Period."""
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = date(day.year, first_month, 1)
    return Period(start, Period.month_of(date(day.year, first_month + 2, 1)).end)


def quarter_from(text):
    """Return the quarter written YYYY-Qn as a Period; DomainInputError otherwise."""
    match = QUARTER.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise DomainInputError(BAD_QUARTER, "quarter")
    return quarter_of(date(int(match[1]), 3 * int(match[2]), 1))


def quarter_label(period):
    """Return the quarter `period` written YYYY-Qn."""
    return f"{period.start.year}-Q{(period.start.month - 1) // 3 + 1}"


def _with_support(topics):
    return topics.select_related("community", "meeting").annotate(support_count=Count("supports"))


def topic_list(*, user, community=None, quarter=None):
    """Return the topics of the communities in staff `user`'s scope, most supported first, optionally those of
    one `community` raised in one `quarter` (a Period)."""
    topics = restrict_to_scope(_with_support(Topic.objects.all()), user, code_field="community__code")
    if community is not None:
        topics = topics.filter(community=community)
    if quarter is not None:
        start, end = quarter.bounds()
        topics = topics.filter(created_at__gte=start, created_at__lt=end)
    return topics.order_by("-support_count", "-created_at", "-pk")


def topic_get(*, user, topic_id):
    """Return a topic `user` sees; Topic.DoesNotExist otherwise (404)."""
    return visible_one(topic_list(user=user), topic_id)


def topic_public_get(*, topic_id):
    """Return any topic as residents see it (its supports counted)."""
    return _with_support(Topic.objects.all()).get(pk=topic_id)


def topics_open_for_support(*, community):
    """Return the topics of `community` raised this quarter that still take support, most supported first."""
    start, end = quarter_of(timezone.localdate()).bounds()
    return _with_support(Topic.objects.filter(
        community=community, status__in=(Topic.Status.RAISED, Topic.Status.SELECTED),
        created_at__gte=start, created_at__lt=end)).order_by("-support_count", "-created_at")


def decisions_public(*, community, today=None):
    """Return the decisions of `community` within their 公示 days (public_until today or later), newest first."""
    today = today or timezone.localdate()
    return _with_support(Topic.objects.filter(community=community, status__in=PUBLIC_STATES,
                                              public_until__gte=today)).order_by("-published_at", "-pk")


def topics_raised_with(*, phone_hash):
    """Return the topics raised on the phone with `phone_hash`, newest first."""
    return _with_support(Topic.objects.filter(raised_by_phone_hash=phone_hash)).order_by("-created_at")


def meeting_list(*, user):
    """Return the meetings of the communities in staff `user`'s scope, newest first."""
    meetings = Meeting.objects.select_related("community").annotate(present=Count("attendances"))
    return restrict_to_scope(meetings, user, code_field="community__code")


def meeting_get(*, user, meeting_id):
    """Return a meeting `user` sees; Meeting.DoesNotExist otherwise (404)."""
    return visible_one(meeting_list(user=user), meeting_id)


def communities_for(*, user=None):
    """Return every community (for residents), or those in staff `user`'s scope."""
    communities = Area.objects.filter(level=Area.Level.COMMUNITY).order_by("code")
    return communities if user is None else restrict_to_scope(communities, user)


# --- figures ---

def deliberation_figures(*, area, period):
    """Return the topics of `area` (a street, a community, …) raised, decided and implemented in `period`.

    Each counts by the instant of its own step: raised by created_at, decided by decided_at (adopted
    and rejected alike, and split so), implemented by implemented_at.
    """
    start, end = period.bounds()
    topics = Topic.objects.filter(community__code__startswith=area.scope_prefix)
    decided = topics.filter(decided_at__gte=start, decided_at__lt=end)
    return {
        "area": area.code,
        "area_name": area.name,
        "raised": topics.filter(created_at__gte=start, created_at__lt=end).count(),
        "decided": decided.count(),
        "adopted": decided.filter(result=Topic.Result.ADOPTED).count(),
        "implemented": topics.filter(implemented_at__gte=start, implemented_at__lt=end).count(),
    }


def work_order_progress(topic):
    """Return the work orders made for `topic` with their state, and whether they are all done."""
    tickets = [link.ticket for link in topic.work_orders.select_related("ticket__handling_unit")]
    return tickets, bool(tickets) and all(ticket.status in TICKET_DONE for ticket in tickets)
