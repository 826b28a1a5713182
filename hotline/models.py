"""The 12345 hotline: call records, the knowledge base, replies, callbacks and the data behind them.

A call that needs handling becomes an `incidents.Ticket` (source hotline) and runs through the
work-order chain; the hotline keeps what the chain does not: the call itself, its outcome, the
hotline's own time limits, the reply to the citizen, the callbacks and who revealed a number.
"""

import re
from decimal import Decimal

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.indexes import GinIndex
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from govportal.crypto import HASH_LENGTH
from incidents.models import AppendOnly, Ticket

# How long a ticket's place is kept for the duplicate search: above its window (selectors), and
# the BACKFILL of migration 0003.
PLACE_RETENTION_DAYS = 30

RECORD_IS_IMMUTABLE = _("Hotline records are never changed once written.")
RECORD_IS_PERMANENT = _("Hotline records are never deleted.")

# A run of CJK ideographs, or a run of other letters and digits.
_WORDS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[^\W_]+")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def search_words(text):
    """Return `text` as space-separated words for pg_trgm, Chinese runs cut into overlapping bigrams.

    pg_trgm pads each word with spaces, so an unbroken Chinese sentence is one long "word" whose
    padded trigrams a short query never shares (word_similarity('路灯', '门口路灯不亮') is 0).
    Written as bigram words ("门口 口路 路灯 灯不 不亮"), each trigram of a bigram word is a
    bigram with its padding, so trigram similarity becomes Chinese bigram overlap — the usual
    way of indexing Chinese without a word splitter — and the GIN trigram index serves it.
    """
    words = []
    for run in _WORDS.findall(text.lower()):
        if _HAN.match(run) and len(run) > 1:
            words.extend(run[i:i + 2] for i in range(len(run) - 1))
        else:
            words.append(run)
    return " ".join(words)


class HotlineRecord(AppendOnly):
    """A record written once, in the transaction of the act it records, and never altered."""

    CHANGED = RECORD_IS_IMMUTABLE
    DELETED = RECORD_IS_PERMANENT


class RequestType(models.TextChoices):
    """The kinds of request the hotline takes (domain.md §4)."""

    COMPLAINT = "complaint", _("Complaint")
    HELP = "help", _("Request for help")
    ENQUIRY = "enquiry", _("Enquiry")
    SUGGESTION = "suggestion", _("Suggestion")
    REPORT = "report", _("Report of wrongdoing")
    PRAISE = "praise", _("Praise")


class Referral(models.TextChoices):
    """The route given for a request outside government business, answered instead of a work order (§4)."""

    POLICE = "police_110", _("Police (110)")
    FIRE = "fire_119", _("Fire and rescue (119)")
    COURT = "court", _("Court")
    ARBITRATION = "arbitration", _("Arbitration")
    ENTERPRISE = "enterprise", _("The enterprise concerned")


class HotlineTimeLimit(models.Model):
    """The hotline's own limits for a class of matter (domain.md §4, Beijing and Shandong defaults).

    Dispatch within 1 hour for emergencies, 2 hours for water/power/gas/heating; reply to the
    citizen within 2 hours (emergency), 24 hours (utilities), 5 working days (ordinary) or 15
    working days (complex). Loaded by a migration; admins edit them. A work order copies them
    when it is created, so edits never move running clocks.
    """

    class Kind(models.TextChoices):
        EMERGENCY = "emergency", _("Emergency or threat to life, health or property")
        UTILITIES = "utilities", _("Water, power, gas, heating or extreme weather")
        ORDINARY = "ordinary", _("Ordinary")
        COMPLEX = "complex", _("Complex")

    kind = models.CharField(_("class of matter"), max_length=12, choices=Kind.choices, unique=True)
    dispatch_minutes = models.PositiveIntegerField(_("dispatch (sign for) within (minutes)"))
    reply_minutes = models.PositiveIntegerField(_("reply to the citizen within (minutes)"))
    clock_time = models.BooleanField(_("clock time"), default=False,
                                     help_text=_("Count clock hours instead of working time."))
    categories = models.ManyToManyField(
        "incidents.Category", blank=True, related_name="+", verbose_name=_("categories"),
        help_text=_("Minor categories that fall in this class whatever their urgency (e.g. utilities)."),
    )

    class Meta:
        verbose_name = _("hotline time limit")
        verbose_name_plural = _("hotline time limits")
        ordering = ["kind"]

    def __str__(self):
        return self.get_kind_display()


class CategoryKeyword(models.Model):
    """A word whose presence in a call's content suggests a category, with its weight."""

    category = models.ForeignKey("incidents.Category", models.CASCADE, related_name="hotline_keywords",
                                 verbose_name=_("category"), limit_choices_to={"parent__isnull": False})
    keyword = models.CharField(_("keyword"), max_length=20)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1, validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("category keyword")
        verbose_name_plural = _("category keywords")
        ordering = ["category__code", "-weight", "keyword"]
        constraints = [models.UniqueConstraint(fields=["category", "keyword"], name="categorykeyword_unique")]

    def __str__(self):
        return f"{self.keyword} → {self.category} ({self.weight})"


class KnowledgeArticle(models.Model):
    """An answer in the knowledge base (知识库) that settles an enquiry on the call."""

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("answer"))
    keywords = models.CharField(_("keywords"), max_length=200, blank=True)
    category = models.ForeignKey("incidents.Category", models.SET_NULL, null=True, blank=True, related_name="+",
                                 verbose_name=_("category"))
    is_active = models.BooleanField(_("active"), default=True)
    # search_words() of title, keywords and body: what the trigram index holds and queries match.
    search_text = models.TextField(editable=False, default="")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("knowledge article")
        verbose_name_plural = _("knowledge base")
        ordering = ["title"]
        indexes = [GinIndex(fields=["search_text"], opclasses=["gin_trgm_ops"], name="knowledge_search_trgm")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.search_text = search_words(" ".join((self.title, self.title, self.keywords, self.body)))
        super().save(*args, **kwargs)


class Call(HotlineRecord, models.Model):
    """The record of one call: who called, about what, who took it, when, and how it ended."""

    class Outcome(models.TextChoices):
        ANSWERED = "answered", _("Answered directly")
        NEW_TICKET = "new_ticket", _("New work order")
        LINKED = "linked", _("Linked to an existing work order")

    # PIPL: the caller's number and name are stored encrypted beside their masked forms
    # (govportal.crypto); the number is found by its keyed hash and shown only on a logged reveal.
    caller_phone_encrypted = models.TextField(editable=False)
    caller_phone_masked = models.CharField(_("caller's phone"), max_length=20)
    caller_phone_hash = models.CharField(max_length=HASH_LENGTH, editable=False)
    caller_name_encrypted = models.TextField(blank=True, editable=False)
    caller_name_masked = models.CharField(_("caller's name"), max_length=50, blank=True)
    request_type = models.CharField(_("request type"), max_length=12, choices=RequestType.choices)
    content = models.TextField(_("content"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    location = models.PointField(_("location"), srid=4326, null=True, blank=True)
    area_code = models.CharField(_("grid code"), max_length=15, blank=True)
    category = models.ForeignKey("incidents.Category", models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("category"))
    urgency = models.CharField(_("urgency"), max_length=10, blank=True)
    confidential = models.BooleanField(_("confidential"), default=False,
                                       help_text=_("The caller asked for confidentiality (GB/T 33358-2016)."))
    operator = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                 verbose_name=_("operator"))
    started_at = models.DateTimeField(_("call started"))
    ended_at = models.DateTimeField(_("call ended"))
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    ticket = models.ForeignKey("incidents.Ticket", models.PROTECT, null=True, blank=True,
                               related_name="hotline_calls", verbose_name=_("work order"))
    article = models.ForeignKey(KnowledgeArticle, models.PROTECT, null=True, blank=True, related_name="calls",
                                verbose_name=_("knowledge article"))
    answer = models.TextField(_("answer given"), blank=True)
    referral = models.CharField(_("referred to"), max_length=12, choices=Referral.choices, blank=True,
                                help_text=_("Not government business: the route the caller was given."))
    # Of the call that created the work order: when the citizen must have had a reply (§4).
    reply_due_at = models.DateTimeField(_("reply due"), null=True, blank=True)

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-started_at"]
        indexes = [
            # The caller's earlier calls, shown while the operator types (hotline.selectors).
            models.Index(fields=["caller_phone_hash", "-started_at"], name="call_phone_idx"),
            models.Index(fields=["ticket"], name="call_ticket_idx", condition=Q(ticket__isnull=False)),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(outcome="answered", ticket__isnull=True)
                           | (~Q(outcome="answered") & Q(ticket__isnull=False))),
                name="call_ticket_iff_not_answered",
            ),
            models.CheckConstraint(condition=Q(ended_at__gte=models.F("started_at")), name="call_ends_after_start"),
            models.CheckConstraint(condition=Q(referral="") | Q(outcome="answered"), name="call_referral_answered"),
        ]

    def __str__(self):
        return f"{self.get_request_type_display()} {self.started_at:%Y-%m-%d %H:%M}"


class TicketPlace(models.Model):
    """Where, when and of which category a work order was reported: what the duplicate search reads.

    A narrow copy of four columns of incidents_ticket, written set-based by a statement-level
    trigger on its INSERTs (migration 0003) and never updated. The spatial index lives here, not
    on the ticket table, because the escalation sweep rewrites every index of each ticket row it
    moves: a GiST index there made the 2-worker sweep over 1 M tickets 12.5 s instead of ~8 s
    (docs/benchmarks.md). Without foreign-key constraints, so raw deletes of tickets never trip
    over it (the search joins the ticket anyway); rows older than PLACE_RETENTION_DAYS are pruned
    daily (tasks.prune_ticket_places).
    """

    ticket = models.OneToOneField("incidents.Ticket", models.DO_NOTHING, primary_key=True, db_constraint=False,
                                  related_name="hotline_place")
    category = models.ForeignKey("incidents.Category", models.DO_NOTHING, db_constraint=False, db_index=False,
                                 related_name="+")
    created_at = models.DateTimeField()
    location = models.PointField(srid=4326)  # GiST-indexed

    class Meta:
        indexes = [models.Index(fields=["created_at"], name="ticketplace_created_idx")]


class Reply(HotlineRecord, models.Model):
    """The handling unit's reply to the citizen (答复); `in_time` if before the call's reply_due_at.

    Shown on the order's panel; the response rate counts Callback.responded, not this.
    """

    ticket = models.ForeignKey("incidents.Ticket", models.PROTECT, related_name="hotline_replies",
                               verbose_name=_("work order"))
    unit = models.ForeignKey("accounts.HandlingUnit", models.PROTECT, related_name="+", verbose_name=_("handling unit"))
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name=_("replied by"))
    content = models.TextField(_("reply"))
    in_time = models.BooleanField(_("in time"))
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reply to the citizen")
        verbose_name_plural = _("replies to citizens")
        ordering = ["created_at", "id"]


class Callback(HotlineRecord, models.Model):
    """A callback (回访) to the citizen after closure; a reached citizen makes it a valid callback.

    The three rates count valid callbacks (domain.md §4): `responded` (the unit contacted the
    citizen in time), `solved` (the citizen confirms it solved) and `satisfaction`.
    """

    ticket = models.ForeignKey("incidents.Ticket", models.PROTECT, related_name="hotline_callbacks",
                               verbose_name=_("work order"))
    # The unit that handled the order when the citizen was called: the one the rates judge.
    unit = models.ForeignKey("accounts.HandlingUnit", models.PROTECT, related_name="+", null=True,
                             verbose_name=_("handling unit"))
    operator = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                 verbose_name=_("operator"))
    reached = models.BooleanField(_("citizen reached"))
    responded = models.BooleanField(_("unit contacted the citizen in time"), default=False)
    solved = models.BooleanField(_("citizen confirms it solved"), default=False)
    satisfaction = models.CharField(_("satisfaction"), max_length=12, choices=Ticket.Satisfaction.choices,
                                    blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["created_at"], name="callback_valid_idx", condition=Q(reached=True))]
        constraints = [
            models.CheckConstraint(condition=Q(reached=False, satisfaction="") | Q(reached=True) & ~Q(satisfaction=""),
                                   name="callback_satisfaction_iff_reached"),
        ]


class RateWeights(models.Model):
    """Weights of the three rates (domain.md §4, Beijing practice), per category or the default.

    composite = response × response_weight + resolution × resolution_weight
                + satisfaction × satisfaction_weight,
    satisfaction = (satisfied + basically_factor × basically satisfied) / valid callbacks.
    """

    category = models.ForeignKey("incidents.Category", models.CASCADE, null=True, blank=True, related_name="+",
                                 verbose_name=_("category"), help_text=_("Empty: the default weights."))
    response_weight = models.DecimalField(_("response weight"), max_digits=4, decimal_places=3,
                                          default=Decimal("0.1"))
    resolution_weight = models.DecimalField(_("resolution weight"), max_digits=4, decimal_places=3,
                                            default=Decimal("0.5"))
    satisfaction_weight = models.DecimalField(_("satisfaction weight"), max_digits=4, decimal_places=3,
                                              default=Decimal("0.4"))
    basically_factor = models.DecimalField(
        _("weight of “basically satisfied”"), max_digits=4, decimal_places=3, default=Decimal("0.9"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )

    class Meta:
        verbose_name = _("three-rate weights")
        verbose_name_plural = _("three-rate weights")
        constraints = [
            # One row per category and one default (NULL) row.
            models.UniqueConstraint(fields=["category"], name="rateweights_one_per_category", nulls_distinct=False),
        ]

    def __str__(self):
        return str(self.category or _("Default weights"))


class PhoneReveal(HotlineRecord, models.Model):
    """Who saw a caller's full phone number, and when (PIPL: log who reveals sensitive data)."""

    call = models.ForeignKey(Call, models.PROTECT, related_name="reveals", verbose_name=_("call"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("user"))
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("phone number reveal")
        verbose_name_plural = _("phone number reveals")
        ordering = ["-created_at"]


class Open311Key(models.Model):
    """An Open311 GeoReport v2 API key: required to POST service requests."""

    key = models.CharField(_("key"), max_length=64, unique=True)
    name = models.CharField(_("holder"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")

    def __str__(self):
        return self.name


class Open311Request(models.Model):
    """A service request POSTed through Open311: its token, key and the work order it became."""

    token = models.CharField(_("token"), max_length=36, unique=True)
    api_key = models.ForeignKey(Open311Key, models.PROTECT, related_name="requests", verbose_name=_("API key"))
    ticket = models.OneToOneField("incidents.Ticket", models.PROTECT, related_name="open311_request",
                                  verbose_name=_("work order"))
    account_id = models.CharField(_("account id"), max_length=100, blank=True)
    device_id = models.CharField(_("device id"), max_length=100, blank=True)
    # PIPL: the reporter's e-mail and names encrypted beside their masked forms (govportal.crypto).
    email_encrypted = models.TextField(blank=True, editable=False)
    email_masked = models.CharField(_("e-mail"), max_length=254, blank=True)
    first_name_encrypted = models.TextField(blank=True, editable=False)
    first_name_masked = models.CharField(_("first name"), max_length=50, blank=True)
    last_name_encrypted = models.TextField(blank=True, editable=False)
    last_name_masked = models.CharField(_("last name"), max_length=50, blank=True)
    media_url = models.URLField(_("media URL"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 request")
        verbose_name_plural = _("Open311 requests")


class OverdueNotice(HotlineRecord, models.Model):
    """A reminder (催办) or written supervision notice (督办单) sent to the unit holding an overdue order.

    domain.md §4: a unit that let its deadline pass gets a reminder the next working day and a
    written notice after 5 more working days (hotline.supervision). One of each kind per order:
    the unique constraint is what makes two sweepers send each exactly once.
    """

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("Overdue reminder")
        NOTICE = "notice", _("Supervision notice")

    ticket = models.ForeignKey("incidents.Ticket", models.PROTECT, related_name="overdue_notices",
                               verbose_name=_("work order"), db_index=False)  # the unique constraint leads with it
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    unit = models.ForeignKey("accounts.HandlingUnit", models.PROTECT, related_name="+",
                             verbose_name=_("handling unit"))
    overdue_since = models.DateTimeField(_("overdue since"))
    created_at = models.DateTimeField(_("sent at"))

    class Meta:
        verbose_name = _("overdue notice")
        verbose_name_plural = _("overdue notices")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["created_at"], name="overduenotice_created_idx")]
        constraints = [models.UniqueConstraint(fields=["ticket", "kind"], name="overduenotice_once_per_kind")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.ticket_id}"


class CitizenContact(HotlineRecord, models.Model):
    """The holding unit's contact with the citizen of a work order: when, how and with what result.

    The response rate (响应率, domain.md §4) counts an order as responded when its unit reached the
    citizen by the call's reply deadline (`in_time`): hotline.services.ticket_callback reads these.
    """

    class Way(models.TextChoices):
        PHONE = "phone", _("Phone call")
        VISIT = "visit", _("Visit")
        SMS = "sms", _("Text message")

    class Result(models.TextChoices):
        REACHED = "reached", _("Citizen reached")
        NOT_REACHED = "not_reached", _("Not reached")

    ticket = models.ForeignKey("incidents.Ticket", models.PROTECT, related_name="citizen_contacts",
                               verbose_name=_("work order"))
    unit = models.ForeignKey("accounts.HandlingUnit", models.PROTECT, related_name="+", verbose_name=_("handling unit"))
    contacted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                     verbose_name=_("contacted by"))
    contacted_at = models.DateTimeField(_("contacted at"))
    way = models.CharField(_("way"), max_length=8, choices=Way.choices)
    result = models.CharField(_("result"), max_length=12, choices=Result.choices)
    note = models.TextField(_("note"), blank=True)
    in_time = models.BooleanField(_("in time"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("contact with the citizen")
        verbose_name_plural = _("contacts with citizens")
        ordering = ["contacted_at", "id"]
