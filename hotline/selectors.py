"""Reads of the hotline: intake hints (category, duplicates, caller history, knowledge, addresses),
masked phone numbers and the three rates (三率)."""

import math
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.measure import D
from django.contrib.postgres.aggregates import ArrayAgg
from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import connection, transaction
from django.db.models import Case, Count, Exists, F, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import StrIndex
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.access import restrict_to_scope
from accounts.models import HandlingUnit, User
from govportal.crypto import blind_index
from grids.models import Area, Building
from incidents.models import Category, Ticket, TicketEvent, TicketMerge
from incidents.selectors import CALLED_BACK, ticket_list
from incidents.worktime import deadlines, working_day_minutes

from .models import (
    Call, Callback, CategoryKeyword, KnowledgeArticle, OverdueNotice, RateWeights, Referral, search_words,
)

# The roles that take calls: they record calls and may reveal a caller's number (PIPL: phone
# numbers are sensitive, domain.md §7), each reveal logged (PhoneReveal). Pages show every
# number masked, to them too; everyone else can never reveal one.
INTAKE_ROLES = (User.Role.HOTLINE_OPERATOR,)

CONFIDENTIAL_CALLER = _("Confidential")  # what others see of a confidential caller's name and number

DUPLICATE_RADIUS_M = 200
DUPLICATE_WINDOW_DAYS = 7  # at most models.PLACE_RETENTION_DAYS
CALLBACK_WINDOW_WORKING_DAYS = 1  # domain.md §4: callback the working day after closure
KNOWLEDGE_THRESHOLD = 0.3  # pg_trgm word similarity of the query's bigrams to an article
METRES_PER_DEGREE = 111_320  # of latitude; of longitude times cos(latitude)


def is_intake_role(user):
    """Return whether `user` takes calls: records them and may reveal callers' numbers (logged)."""
    return user.is_authenticated and (user.is_superuser or user.role in INTAKE_ROLES)


# --- intake hints ---------------------------------------------------------------------------


@dataclass
class CategorySuggestion:
    """A suggested category, its score and the words of the content that gave it (the "why")."""

    category: Category
    score: int
    keywords: list = field(default_factory=list)


def category_suggest(*, content, limit=3):
    """Return up to `limit` categories whose keywords occur in `content`, best first.

    Score = the sum of the weights of the category's keywords found in the text (CategoryKeyword,
    admin-editable); ties go to the lower category code. Explainable: each suggestion lists the
    keywords that matched. One query over the keyword table, whatever the number of tickets.
    """
    content = (content or "").strip()
    if not content:
        return []
    rows = list(
        CategoryKeyword.objects.filter(category__is_active=True)
        .annotate(position=StrIndex(Value(content), F("keyword"))).filter(position__gt=0)
        .values("category_id")
        .annotate(score=Sum("weight"), keywords=ArrayAgg("keyword", order_by=("-weight", "keyword")))
        .order_by("-score", "category__code")[:limit]
    )
    categories = Category.objects.in_bulk([row["category_id"] for row in rows])
    return [CategorySuggestion(categories[row["category_id"]], row["score"], row["keywords"]) for row in rows]


def duplicate_candidates(*, user, category, point, radius_m=DUPLICATE_RADIUS_M, days=DUPLICATE_WINDOW_DAYS,
                         limit=10, now=None):
    """Return open tickets of `category` within `radius_m` of `point`, reported in the last `days`, nearest first.

    A repeat call about the same matter is linked to one of these (并单) instead of making a new
    order. The search reads the narrow TicketPlace table: its bounding-box test (`dwithin` in
    degrees, widened for the latitude) uses its GiST index, the exact distance in metres trims
    the box, and the join to the ticket keeps the open ones in the reader's scope.
    """
    now = now or timezone.now()
    degrees = radius_m / (METRES_PER_DEGREE * max(math.cos(math.radians(point.y)), 0.01))
    return list(
        ticket_list(user=user)
        .filter(status__in=Ticket.OPEN_STATUSES, hotline_place__category=category,
                hotline_place__created_at__gte=now - timedelta(days=days),
                hotline_place__location__dwithin=(point, degrees))
        .filter(hotline_place__location__distance_lte=(point, D(m=radius_m)))
        .annotate(distance=Distance("hotline_place__location", point))
        .select_related("category", "handling_unit")
        .order_by("distance", "-created_at")[:limit]
    )


def caller_history(*, phone, limit=10):
    """Return the caller's earlier calls, newest first, found by the number's keyed hash (index call_phone_idx)."""
    if not phone:
        return []
    return list(
        Call.objects.filter(caller_phone_hash=blind_index(phone)).select_related("ticket", "category", "article")
        .order_by("-started_at")[:limit]
    )


def knowledge_search(*, query, limit=5):
    """Return active knowledge articles matching `query` (Chinese or not), best first, with `score`.

    The query is cut into the same bigram words as the articles (models.search_words) and
    matched with pg_trgm's word similarity (`%>`), which the GIN trigram index serves; the
    threshold is set for this transaction only.
    """
    words = search_words(query or "")
    if not words:
        return []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL pg_trgm.word_similarity_threshold = %s", [KNOWLEDGE_THRESHOLD])
        return list(
            KnowledgeArticle.objects.filter(is_active=True, search_text__trigram_word_similar=words)
            .annotate(score=TrigramWordSimilarity(Value(words), "search_text"))
            .order_by("-score", "title")[:limit]
        )


def address_list():
    """Return the standard addresses (base-data buildings) that have a location, in address order."""
    return Building.objects.filter(location__isnull=False).select_related("grid").order_by("address")


def callbacks_awaiting(*, user, limit=200):
    """Return closed orders in `user`'s scope still owed a valid callback, oldest closure first: the
    hotline's, and citizens' reports (随手拍, Open311) that left a phone (incidents.selectors.CALLED_BACK),
    and the orders merged into one of them (并单), from the master's closure.

    Each carries `callback_due`, one working day of working time after closure (domain.md §4:
    callback the working day after closure; closed at 10:00, due at 10:00 the next working day;
    closed after hours, due at the end of the next working day), and `callback_late` once that
    has passed. The working calendar is loaded once for the whole list.
    """
    valid = Callback.objects.filter(reached=True, ticket=OuterRef("pk"), created_at__gte=OuterRef("closed_at"))
    closed = ticket_list(user=user).filter(CALLED_BACK, status=Ticket.Status.CLOSED).exclude(Exists(valid))
    tickets = list(closed.select_related("category", "handling_unit").order_by("closed_at")[:limit])
    tickets = sorted(tickets + _merged_awaiting(user, limit=limit - len(tickets)), key=lambda t: t.closed_at)
    now = timezone.now()
    dues = deadlines([ticket.closed_at for ticket in tickets], CALLBACK_WINDOW_WORKING_DAYS * working_day_minutes(),
                     clock_time=False)
    for ticket, due in zip(tickets, dues):
        ticket.callback_due, ticket.callback_late = due, now > due
    return tickets


def _merged_awaiting(user, *, limit):
    """Return the orders merged into a master now closed (并单) whose citizen has had no valid callback
    since; each carries the master's closure as its `closed_at`."""
    merges = TicketMerge.objects.filter(merged=OuterRef("pk"), unmerged_at__isnull=True,
                                        master__status__in=(Ticket.Status.CLOSED, Ticket.Status.RATED))
    tickets = (ticket_list(user=user).filter(CALLED_BACK, status=Ticket.Status.MERGED)
               .annotate(master_closed_at=Subquery(merges.values("master__closed_at")[:1]))
               .filter(master_closed_at__isnull=False))
    valid = Callback.objects.filter(reached=True, ticket=OuterRef("pk"), created_at__gte=OuterRef("master_closed_at"))
    merged = list(tickets.exclude(Exists(valid)).select_related("category", "handling_unit")
                  .order_by("master_closed_at")[:max(limit, 0)])
    for ticket in merged:
        ticket.closed_at = ticket.master_closed_at
    return merged


def call_list(*, user, ticket=None):
    """Return the calls `user` may read: all for the hotline, those of visible tickets for others.

    A work order's calls include those of the orders merged into it (并单). Each carries the caller
    as `user` may see them (`caller_phone_shown`, `caller_name_shown`): masked for the hotline, and
    for everyone else nothing at all of a confidential caller (GB/T 33358-2016).
    """
    calls = Call.objects.select_related("operator", "category", "ticket", "article")
    if is_intake_role(user):
        calls = calls.annotate(caller_phone_shown=F("caller_phone_masked"), caller_name_shown=F("caller_name_masked"))
    else:
        hidden = Value(str(CONFIDENTIAL_CALLER))
        calls = calls.filter(ticket__in=ticket_list(user=user)).annotate(
            caller_phone_shown=Case(When(confidential=True, then=hidden), default=F("caller_phone_masked")),
            caller_name_shown=Case(When(confidential=True, then=hidden), default=F("caller_name_masked")),
        )
    if ticket is not None:
        merged_in = Q(ticket__merges__master=ticket, ticket__merges__unmerged_at__isnull=True)
        calls = calls.filter(Q(ticket=ticket) | merged_in).distinct()
    return calls


def supervision_notice_list(*, user):
    """Return the written supervision notices (督办单) of the work orders `user` may see."""
    return OverdueNotice.objects.filter(kind=OverdueNotice.Kind.NOTICE, ticket__in=ticket_list(user=user)) \
        .select_related("ticket__category", "unit")


def referral_counts(*, period):
    """Return [(route, its label, calls)] of the requests outside government business answered with a
    route in `period`, every route listed."""
    since, until = period.bounds()
    counts = dict(Call.objects.filter(started_at__gte=since, started_at__lt=until).exclude(referral="")
                  .values_list("referral").annotate(n=Count("id")).order_by())
    return [(value, label, counts.get(value, 0)) for value, label in Referral.choices]


# --- the three rates (三率) ------------------------------------------------------------------


def _latest_valid_callbacks(period):
    """Return the valid callbacks (citizen reached) of `period`: the latest one per work order."""
    since, until = period.bounds()
    latest = (
        Callback.objects.filter(reached=True, created_at__gte=since, created_at__lt=until)
        .order_by("ticket_id", "-created_at", "-id").distinct("ticket_id").values("pk")
    )
    return Callback.objects.filter(pk__in=Subquery(latest))


def _counts_by(callbacks, group):
    """Return {group value: {category id: counts}} of valid callbacks, in one GROUP BY query."""
    rows = callbacks.values(*filter(None, [group]), "ticket__category_id").annotate(
        valid=Count("id"), responded=Count("id", filter=Q(responded=True)), solved=Count("id", filter=Q(solved=True)),
        satisfied=Count("id", filter=Q(satisfaction=Ticket.Satisfaction.SATISFIED)),
        basically=Count("id", filter=Q(satisfaction=Ticket.Satisfaction.BASICALLY)),
    ).order_by()
    grouped = {}
    for row in rows:
        grouped.setdefault(row.get(group), {})[row["ticket__category_id"]] = row
    return grouped


def basically_factor():
    """Return the default weight of "basically satisfied" in a satisfaction rate (RateWeights; 0.9 unless
    an admin changed it): the dashboards count their satisfaction rate with it too."""
    return float((RateWeights.objects.filter(category__isnull=True).first() or RateWeights()).basically_factor)


def _weights():
    """Return (default RateWeights, {category id: RateWeights}) from the data (domain.md §4)."""
    rows = list(RateWeights.objects.all())
    default = next((row for row in rows if row.category_id is None), None) or RateWeights()
    return default, {row.category_id: row for row in rows if row.category_id is not None}


def _rates(per_category, weights):
    """Return the three rates and the composite of one unit or area, from its counts per category.

    domain.md §4 (Beijing 接诉即办; formulas as local practice computes them), over valid callbacks:
      response rate     = orders whose unit contacted the citizen in time / valid callbacks
      resolution rate   = orders the citizen confirms solved / valid callbacks
      satisfaction rate = (satisfied + 0.9 × basically satisfied) / valid callbacks
      composite         = 0.1 × response + 0.5 × resolution + 0.4 × satisfaction
    The 0.9 and the three weights come from RateWeights, per category where a row exists; the
    composite of several categories is their composites weighted by their valid callbacks.
    """
    default, by_category = weights
    valid = sum(counts["valid"] for counts in per_category.values())
    if not valid:
        return {"valid_callbacks": 0, "response_rate": None, "resolution_rate": None,
                "satisfaction_rate": None, "composite": None}
    satisfaction_points = composite_points = 0.0
    for category_id, counts in per_category.items():
        w = by_category.get(category_id, default)
        points = counts["satisfied"] + float(w.basically_factor) * counts["basically"]
        satisfaction_points += points
        composite_points += (float(w.response_weight) * counts["responded"]
                             + float(w.resolution_weight) * counts["solved"]
                             + float(w.satisfaction_weight) * points)
    return {
        "valid_callbacks": valid,
        "response_rate": sum(c["responded"] for c in per_category.values()) / valid,
        "resolution_rate": sum(c["solved"] for c in per_category.values()) / valid,
        "satisfaction_rate": satisfaction_points / valid,
        "composite": composite_points / valid,
    }


def _supervise_events(period):
    """Return the 督办 flags of `period` from the work-order timeline (indexed by created_at)."""
    since, until = period.bounds()
    return TicketEvent.objects.filter(action="supervise", created_at__gte=since, created_at__lt=until)


def _overdue_notices(period):
    """Return the reminders (催办) and supervision notices (督办单) sent in `period`."""
    since, until = period.bounds()
    return OverdueNotice.objects.filter(created_at__gte=since, created_at__lt=until)


NOTICE_COUNTS = {
    "reminders": Count("id", filter=Q(kind=OverdueNotice.Kind.REMINDER)),
    "notices": Count("id", filter=Q(kind=OverdueNotice.Kind.NOTICE)),
}


def three_rates_for_area(*, area_code, period):
    """Return the three rates of the work orders located in the area `area_code`, for the days of `period`.

    A dict: valid_callbacks, response_rate, resolution_rate, satisfaction_rate, composite
    (fractions 0–1, None without valid callbacks), supervised (orders flagged 督办), reminders
    (催办) and notices (督办单) sent.
    """
    prefix = Area.objects.get(code=area_code).scope_prefix
    callbacks = _latest_valid_callbacks(period).filter(ticket__area_code__startswith=prefix)
    supervised = _supervise_events(period).filter(ticket__area_code__startswith=prefix)
    notices = _overdue_notices(period).filter(ticket__area_code__startswith=prefix).aggregate(**NOTICE_COUNTS)
    return {**_rates(_counts_by(callbacks, None).get(None, {}), _weights()),
            "supervised": supervised.aggregate(n=Count("ticket_id", distinct=True))["n"], **notices}


def three_rates_by_unit(*, user, period):
    """Return the ranking of handling units by composite score for the days of `period`, best first.

    One dict per unit with valid callbacks, supervised orders or overdue notices, among the units serving places
    inside `user`'s scope: unit_id, unit_code, unit_name, rank and the keys of
    three_rates_for_area. Units without valid callbacks rank last.
    """
    weights = _weights()
    grouped = _counts_by(_latest_valid_callbacks(period), "unit_id")
    supervised = dict(_supervise_events(period).values_list("unit_id")
                      .annotate(n=Count("ticket_id", distinct=True)).order_by())
    notices = {row.pop("unit_id"): row for row in
               _overdue_notices(period).values("unit_id").annotate(**NOTICE_COUNTS).order_by()}
    units = HandlingUnit.objects.filter(pk__in=[pk for pk in {*grouped, *supervised, *notices} if pk is not None])
    units = {unit.pk: unit for unit in restrict_to_scope(units, user, code_field="area__code")}
    rows = [
        {"unit_id": unit.pk, "unit_code": unit.code, "unit_name": unit.name,
         **_rates(grouped.get(unit.pk, {}), weights), "supervised": supervised.get(unit.pk, 0),
         **notices.get(unit.pk, {"reminders": 0, "notices": 0})}
        for unit in units.values()
    ]
    rows.sort(key=lambda row: (row["composite"] is None, -(row["composite"] or 0), row["supervised"],
                               row["unit_code"]))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    return rows
