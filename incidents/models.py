"""Work orders (工单): the event catalogue, tickets, their immutable timeline and the work queues."""

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import HandlingUnit
from govportal.crypto import HASH_LENGTH

from .office_hours import working_day_minutes

EVENT_IS_IMMUTABLE = _("Work-order events are never changed.")
EVENT_IS_PERMANENT = _("Work-order events are never deleted.")
TICKET_IS_PERMANENT = _("Work orders are never deleted; a work order made by mistake is voided.")


class Urgency(models.TextChoices):
    URGENT = "urgent", _("Urgent")
    SIMPLE = "simple", _("Simple")
    ORDINARY = "ordinary", _("Ordinary")
    COMPLEX = "complex", _("Complex")


class ChainLevel(models.TextChoices):
    """Where a category starts on the chain community → street → department."""

    COMMUNITY = "community", _("Community")
    STREET = "street", _("Street")
    DEPARTMENT = "department", _("Department")


class Category(models.Model):
    """A matter in the two-level catalogue (大类/小类); tickets use the minor ones."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=50)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("major category")
    )
    first_level = models.CharField(
        _("first handled by"), max_length=12, choices=ChainLevel.choices, default=ChainLevel.COMMUNITY
    )
    default_department = models.CharField(
        _("default department"), max_length=20, blank=True,
        choices=HandlingUnit.Department.choices,
    )
    urgencies = ArrayField(
        models.CharField(max_length=10, choices=Urgency.choices), verbose_name=_("allowed urgencies"),
        default=list, blank=True,
    )
    is_dispute = models.BooleanField(_("dispute (goes to mediation)"), default=False)
    # Open311 publishes citizens' requests of public categories only: city appearance and public
    # facilities, not matters about people (security, fire, rentals, disputes, ...).
    is_public = models.BooleanField(
        _("published on Open311"), default=True,
        help_text=_("Citizens' requests of this category are listed on the public Open311 interface "
                    "(location blurred to the grid, numbers in the text masked)."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def is_minor(self):
        return self.parent_id is not None

    def clean(self):
        if self.parent_id and self.parent.parent_id:
            raise ValidationError({"parent": _("The catalogue has two levels: a minor category's parent is major.")})
        if self.first_level == ChainLevel.DEPARTMENT and not self.default_department:
            raise ValidationError({"default_department": _("Name the department that handles it first.")})

    def time_limit(self, urgency):
        """Return this category's TimeLimit for `urgency`, or the platform default."""
        return self.time_limits.filter(urgency=urgency).first() or TimeLimit.default(urgency)


class TimeLimit(models.Model):
    """Stage time limits of one category and urgency, in working minutes unless `clock_time`."""

    # domain.md §3 defaults: sign within 2 working hours; handle within 1/3/5 working days
    # (simple/ordinary/complex), urgent matters 2 and 24 clock hours; verify within 1 working day.
    DEFAULTS = {
        Urgency.URGENT: (120, 24 * 60, 24 * 60, True),
        Urgency.SIMPLE: (120, 1, 1, False),
        Urgency.ORDINARY: (120, 3, 1, False),
        Urgency.COMPLEX: (120, 5, 1, False),
    }

    category = models.ForeignKey(Category, models.CASCADE, related_name="time_limits", verbose_name=_("category"))
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices)
    sign_minutes = models.PositiveIntegerField(_("sign for within (minutes)"))
    handle_minutes = models.PositiveIntegerField(_("handle within (minutes)"))
    verify_minutes = models.PositiveIntegerField(_("verify within (minutes)"))
    clock_time = models.BooleanField(
        _("clock time"), default=False, help_text=_("Count clock hours instead of working time.")
    )
    extension_max_minutes = models.PositiveIntegerField(
        _("longest extension (minutes)"), null=True, blank=True, help_text=_("Empty: no limit.")
    )

    class Meta:
        verbose_name = _("time limit")
        verbose_name_plural = _("time limits")
        constraints = [models.UniqueConstraint(fields=["category", "urgency"], name="timelimit_one_per_urgency")]

    @classmethod
    def default(cls, urgency):
        """Return an unsaved TimeLimit holding the platform defaults for `urgency`."""
        sign, handle, verify, clock = cls.DEFAULTS[urgency]
        if not clock:  # handle and verify defaults are in working days
            handle, verify = handle * working_day_minutes(), verify * working_day_minutes()
        return cls(urgency=urgency, sign_minutes=sign, handle_minutes=handle, verify_minutes=verify, clock_time=clock)


class WorkingDay(models.Model):
    """A date that breaks the Monday–Friday rule: a holiday, or a make-up working day (调休)."""

    class Source(models.TextChoices):
        PACKAGE = "chinese_calendar", _("chinese-calendar package")
        ADMIN = "admin", _("Administrator")

    date = models.DateField(_("date"), primary_key=True)
    is_working_day = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=50, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.ADMIN)

    class Meta:
        verbose_name = _("calendar exception")
        verbose_name_plural = _("working calendar")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {'✓' if self.is_working_day else '✗'} {self.note}"


class PermanentQuerySet(models.QuerySet):
    """Rows of a Permanent model: a bulk delete is refused like a single one."""

    def delete(self):
        raise ProtectedError(str(self.model.NEVER_DELETED), self)


class Permanent(models.Model):
    """A model whose rows are never deleted through the ORM, one by one or in bulk (the record of a
    case must survive: work orders and mediation cases are voided or closed instead).

    `NEVER_DELETED` is the message of the refusal, a ProtectedError like a protected relation's.
    """

    NEVER_DELETED = _("These records are never deleted.")

    objects = PermanentQuerySet.as_manager()

    class Meta:
        abstract = True

    def delete(self, *args, **kwargs):
        raise ProtectedError(str(self.NEVER_DELETED), {self})


class Ticket(Permanent):
    """One work order, whatever its source, through its whole closed loop."""

    NEVER_DELETED = TICKET_IS_PERMANENT

    class Source(models.TextChoices):
        GRID_WORKER = "grid_worker", _("Grid worker report")
        CITIZEN = "citizen", _("Citizen report")
        HOTLINE = "hotline", _("12345 hotline")
        SENSOR = "sensor", _("Sensor or AI alert")
        LEADER = "leader", _("Leader instruction")

    class Status(models.TextChoices):
        REPORTED = "reported", _("Reported")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        DISPATCHED = "dispatched", _("Dispatched")
        SIGNED = "signed", _("Signed for")
        IN_PROGRESS = "in_progress", _("In progress")
        RETURNED = "returned", _("Returned")
        SUSPENDED = "suspended", _("Suspended")
        HANDLED = "handled", _("Handled")
        VERIFIED = "verified", _("Verified")
        CLOSED = "closed", _("Closed")
        RATED = "rated", _("Rated")
        VOIDED = "voided", _("Voided")
        # 挂账: verified as not solvable now (funds, planning); off the overdue counts until lifted.
        PARKED = "parked", _("On the register")
        # 并单: a duplicate merged into a master order, which is handled for both (incidents.merging).
        MERGED = "merged", _("Merged")

    class DueKind(models.TextChoices):
        ACCEPT = "accept", _("Accept")
        SIGN = "sign", _("Sign for")
        HANDLE = "handle", _("Handle")
        REVIEW = "review", _("Review the return")
        VERIFY = "verify", _("Verify")

    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        BASICALLY = "basically", _("Basically satisfied")
        UNSATISFIED = "unsatisfied", _("Unsatisfied")

    OPEN_STATUSES = (
        Status.REPORTED, Status.ACCEPTED, Status.DISPATCHED, Status.SIGNED, Status.IN_PROGRESS,
        Status.RETURNED, Status.SUSPENDED, Status.HANDLED, Status.VERIFIED,
    )

    number = models.CharField(_("number"), max_length=20)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    category = models.ForeignKey(Category, models.PROTECT, related_name="tickets", verbose_name=_("category"))
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.ORDINARY)
    description = models.TextField(_("description"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    # No spatial index yet: no query searches tickets by place, and every index is rewritten
    # for each escalated ticket. Add a purposeful one (e.g. open tickets only) with its query.
    location = models.PointField(_("location"), srid=4326, spatial_index=False)
    # Stored at routing so that scoping and dashboards never join through the area tree. Not
    # indexed: queries select by `area_code` prefix (ticket_area_code_idx covers every level), and
    # each extra index is rewritten for every escalated ticket (docs/benchmarks.md).
    grid = models.ForeignKey("grids.Area", models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("grid"), db_index=False)
    community = models.ForeignKey("grids.Area", models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("community"), db_index=False)
    street = models.ForeignKey("grids.Area", models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("street"), db_index=False)
    district = models.ForeignKey("grids.Area", models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("district"), db_index=False)
    area_code = models.CharField(_("grid code"), max_length=15, blank=True)
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                 related_name="reported_tickets", verbose_name=_("reporter"),
                                 db_index=False)  # ticket_reporter_idx leads with it
    # A citizen's number (PIPL): encrypted beside its masked form (govportal.crypto). No hash
    # here: nothing looks tickets up by phone, and every index is rewritten per escalated ticket.
    reporter_phone_encrypted = models.TextField(blank=True, editable=False)
    reporter_phone_masked = models.CharField(_("reporter's phone"), max_length=20, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, null=True, blank=True)
    # The keyed hash of the request that made the ticket (services.ticket_fingerprint), compared when
    # its idempotency key comes again: the same request is a retry, another one a conflict. Read only
    # after the key's lookup, so no index (the escalation sweep rewrites every index of this table).
    # Empty on tickets made without a key, and on those made before fingerprints.
    request_fingerprint = models.CharField(_("request fingerprint"), max_length=HASH_LENGTH, blank=True,
                                           editable=False)

    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REPORTED)
    status_before_suspension = models.CharField(_("status before suspension"), max_length=12, choices=Status.choices,
                                                blank=True)
    handling_unit = models.ForeignKey("accounts.HandlingUnit", models.PROTECT, null=True, blank=True,
                                      related_name="tickets", verbose_name=_("handling unit"),
                                      db_index=False)  # ticket_unit_status_idx leads with it
    # Unindexed like the area keys above: nothing selects tickets by them (only deleting a unit or
    # a user would, and both are protected and rare).
    dispatcher_unit = models.ForeignKey("accounts.HandlingUnit", models.PROTECT, null=True, blank=True,
                                        related_name="dispatched_tickets", verbose_name=_("dispatching unit"),
                                        db_index=False)
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                related_name="handled_tickets", verbose_name=_("handler"), db_index=False)
    self_handled = models.BooleanField(_("handled on the spot"), default=False)
    # A grid worker may report anywhere (a matter seen on the way); the dispatcher sees the mark.
    outside_own_grids = models.BooleanField(
        _("reported outside the reporter's grids"), default=False,
        help_text=_("Set at intake when a grid worker reports a place outside the grids they serve."),
    )

    # Time limits copied from the catalogue at creation: catalogue edits never move running clocks.
    sign_minutes = models.PositiveIntegerField(_("sign for within (minutes)"))
    handle_minutes = models.PositiveIntegerField(_("handle within (minutes)"))
    verify_minutes = models.PositiveIntegerField(_("verify within (minutes)"))
    clock_time = models.BooleanField(_("clock time"), default=False)
    due_at = models.DateTimeField(_("current deadline"), null=True, blank=True)
    due_kind = models.CharField(_("deadline for"), max_length=8, choices=DueKind.choices, blank=True)
    paused_minutes_left = models.PositiveIntegerField(_("minutes left when suspended"), null=True, blank=True)
    extension_requested_minutes = models.PositiveIntegerField(_("extension requested (minutes)"), null=True, blank=True)
    extension_max_minutes = models.PositiveIntegerField(  # from its TimeLimit; None: no limit
        _("longest extension (minutes)"), null=True, blank=True)
    overdue_count = models.PositiveSmallIntegerField(_("times overdue"), default=0)

    feedback = models.TextField(_("feedback"), blank=True)
    satisfaction = models.CharField(_("satisfaction"), max_length=12, choices=Satisfaction.choices, blank=True)
    # 督办: flagged by a supervisor (hotline.services.ticket_supervise); listed first, counted in assessment.
    supervised_at = models.DateTimeField(_("supervised since"), null=True, blank=True)
    supervised_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name=_("supervised by"), db_index=False)
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        ordering = ["-created_at"]
        indexes = [
            # The escalation sweep: only running clocks are indexed.
            models.Index(fields=["due_at"], name="ticket_due_idx", condition=Q(due_at__isnull=False)),
            models.Index(fields=["handling_unit", "status"], name="ticket_unit_status_idx"),
            models.Index(fields=["area_code"], name="ticket_area_code_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["reporter", "-created_at"], name="ticket_reporter_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(due_at__isnull=True) | ~Q(due_kind=""), name="ticket_due_has_kind"),
            # Constraints rather than unique=True: no extra LIKE index on a table every sweep rewrites.
            models.UniqueConstraint(fields=["number"], name="ticket_number_unique"),
            models.UniqueConstraint(fields=["idempotency_key"], name="ticket_idempotency_key_unique"),
        ]

    def __str__(self):
        return self.number

    @property
    def is_overdue(self):
        return self.overdue_count > 0


class AppendOnly:
    """A model mixin for audit rows: written once, never changed nor deleted through the ORM.

    `CHANGED` and `DELETED` are the messages of the refusals.
    """

    CHANGED = EVENT_IS_IMMUTABLE
    DELETED = EVENT_IS_PERMANENT

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(self.CHANGED)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(self.DELETED)


class TicketEvent(AppendOnly, models.Model):
    """One step of a ticket's timeline: who did what, from which state to which, and why.

    Rows are written once, in the transaction of the change they record, and never altered.
    """

    ticket = models.ForeignKey(Ticket, models.PROTECT, related_name="events", verbose_name=_("work order"))
    action = models.CharField(_("action"), max_length=24)
    from_status = models.CharField(_("from"), max_length=12, blank=True)
    to_status = models.CharField(_("to"), max_length=12)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("actor"), db_index=False)  # ticketevent_actor_idx
    unit = models.ForeignKey("accounts.HandlingUnit", models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("handling unit after"), db_index=False)  # ticketevent_unit_ticket_idx
    reason_code = models.CharField(_("reason code"), max_length=24, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("work-order event")
        verbose_name_plural = _("work-order events")
        ordering = ["created_at", "id"]
        indexes = [
            # What a unit holds or has held (incidents.selectors.held_by_unit): the unit's tickets
            # read from the index alone. It leads with the unit, so it also serves the foreign key.
            models.Index(fields=["unit", "ticket"], name="ticketevent_unit_ticket_idx"),
            # Only the key's own check (a user is never deleted while they have events) looks events
            # up by actor. System moves (routing, the sweeps: most events) have none and write no entry.
            models.Index(fields=["actor"], name="ticketevent_actor_idx", condition=Q(actor__isnull=False)),
        ]

    def __str__(self):
        return f"{self.ticket_id} {self.action} {self.from_status}→{self.to_status}"



def _photo_path(photo, filename):
    return f"tickets/{photo.ticket.created_at:%Y/%m}/{photo.ticket.number}/{filename}"


class TicketPhoto(models.Model):
    """A photo of the scene or of the result, re-encoded without its metadata, with a thumbnail.

    The GPS position found in the original's EXIF is kept in fields for staff (where was it
    taken?) and removed from the stored image, which is what anyone downloading it gets.
    """

    class Stage(models.TextChoices):
        REPORT = "report", _("Reported scene")
        FEEDBACK = "feedback", _("Result of handling")

    ticket = models.ForeignKey(Ticket, models.PROTECT, related_name="photos", verbose_name=_("work order"))
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices)
    image = models.ImageField(_("image"), upload_to=_photo_path)
    thumbnail = models.ImageField(_("thumbnail"), upload_to=_photo_path)
    width = models.PositiveIntegerField(_("width"), default=0)
    height = models.PositiveIntegerField(_("height"), default=0)
    exif_location = models.PointField(_("position in the original's EXIF"), srid=4326, null=True, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("uploaded by"))
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["created_at", "id"]
        indexes = [
            # A file's row, found by the file's name: the orphan sweep and photos_kept_if_committed.
            models.Index(fields=["image"], name="ticketphoto_image_idx"),
            models.Index(fields=["thumbnail"], name="ticketphoto_thumbnail_idx"),
        ]


class PhoneCode(models.Model):
    """An SMS verification code sent for a citizen report (incidents.verification).

    Only keyed digests are kept — of the code, the phone and the sender's address — enough to
    check a code and count what was sent, never to read a number back.
    """

    phone_digest = models.CharField(_("phone (digest)"), max_length=64)
    address_digest = models.CharField(_("address (digest)"), max_length=64)
    code_digest = models.CharField(_("code (digest)"), max_length=64)
    created_at = models.DateTimeField(_("sent at"))
    expires_at = models.DateTimeField(_("expires at"))
    tries = models.PositiveSmallIntegerField(_("wrong tries"), default=0)
    # The report (its idempotency key) the code was used for: that report only may send it again.
    used_for = models.CharField(_("used for"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("SMS verification code")
        verbose_name_plural = _("SMS verification codes")
        indexes = [
            models.Index(fields=["phone_digest", "created_at"], name="phonecode_phone_idx"),
            models.Index(fields=["address_digest", "created_at"], name="phonecode_address_idx"),
        ]


class RoutingRequest(models.Model):
    """The durable record that a ticket still needs routing; a sweep re-sends lost messages."""

    ticket = models.OneToOneField(Ticket, models.CASCADE, primary_key=True, related_name="routing_request",
                                  verbose_name=_("work order"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    enqueued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    routed_at = models.DateTimeField(_("routed at"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("routing request")
        verbose_name_plural = _("routing requests")
        indexes = [models.Index(fields=["created_at"], name="routing_pending_idx", condition=Q(routed_at__isnull=True))]


class TicketNumberCounter(models.Model):
    """The last number handed out on a day, for numbers like SJ202611230001."""

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)


class Notification(models.Model):
    """An in-app message to a handling unit (everyone in it sees it) or to one user."""

    class Feed(models.TextChoices):
        MINE = "mine", _("For me")  # addressed to the user: they must act
        UNIT = "unit", _("My unit")  # addressed to the user's unit

    unit = models.ForeignKey("accounts.HandlingUnit", models.CASCADE, null=True, blank=True,
                             related_name="notifications")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, null=True, blank=True,
                             related_name="notifications")
    # One work order, or a digest of several: the escalation sweep tells each unit once per batch
    # about the work orders it moved ("12 work orders overdue"), not once per work order. A digest
    # keeps their ids in an array (work orders are never deleted, so the ids never dangle): the
    # per-ticket rows and their key checks were an eighth of the sweep (docs/benchmarks.md).
    ticket = models.ForeignKey(Ticket, models.CASCADE, null=True, blank=True, related_name="notifications")
    digest_ticket_ids = ArrayField(models.BigIntegerField(), null=True, blank=True, editable=False)
    kind = models.CharField(max_length=24)
    # A notice about something other than work orders (an overdue rental-house inspection, …): its
    # line as written by the module that sends it, and the page it points to.
    text = models.CharField(max_length=300, blank=True, db_default="")  # db_default: the sweeps insert in SQL
    link = models.CharField(max_length=200, blank=True, db_default="")
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True, help_text=_("When e-mail and SMS copies went out."))
    read_at = models.DateTimeField(null=True, blank=True)
    # Delivery of the copies (incidents.notifications): the run holding the notice, and the users
    # each channel reached already (NULL: nobody yet), so a retry never sends a copy twice.
    claimed_until = models.DateTimeField(null=True, blank=True)
    sms_sent_to = ArrayField(models.BigIntegerField(), null=True, blank=True)
    email_sent_to = ArrayField(models.BigIntegerField(), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["unit", "-created_at"], name="notification_unit_idx"),
            # The delivery runs' claim: only what is still undelivered.
            models.Index(fields=["created_at"], name="notification_undelivered_idx",
                         condition=Q(delivered_at__isnull=True)),
            # The retention rule deletes the oldest delivered ones. Partial, so the sweeps' bulk
            # INSERT of new notices writes no entry in it; the delivery run does.
            models.Index(fields=["created_at"], name="notification_delivered_idx",
                         condition=Q(delivered_at__isnull=False)),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(unit__isnull=False) | Q(user__isnull=False),
                                   name="notification_has_recipient"),
            models.CheckConstraint(
                condition=Q(ticket__isnull=False, digest_ticket_ids__isnull=True, text="")
                | Q(ticket__isnull=True, digest_ticket_ids__len__gt=0, text="")
                | Q(ticket__isnull=True, digest_ticket_ids__isnull=True) & ~Q(text=""),
                name="notification_one_ticket_digest_or_text",
            ),
        ]

    @property
    def ticket_count(self):
        return len(self.digest_ticket_ids) if self.digest_ticket_ids else 1


class RegisterEntry(models.Model):
    """A work order on the register (挂账, domain.md §2): verified as not solvable now, with the
    reason and the date it is next reviewed (incidents.register)."""

    class Reason(models.TextChoices):
        FUNDS = "funds", _("Funds not available")
        PLANNING = "planning", _("Awaiting planning")
        OTHER = "other", _("Other conditions not yet met")

    ticket = models.ForeignKey(Ticket, models.PROTECT, related_name="register_entries", verbose_name=_("work order"),
                               db_index=False)  # registerentry_one_open leads with it
    reason_kind = models.CharField(_("why it cannot be solved now"), max_length=10, choices=Reason.choices)
    reason = models.TextField(_("reason"))
    review_on = models.DateField(_("review on"))
    # The last review date whose reminder went out: the review sweep sends each one once.
    review_reminded_on = models.DateField(null=True, blank=True, editable=False)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                      verbose_name=_("registered by"))
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("register entry")
        verbose_name_plural = _("register (挂账)")
        ordering = ["review_on", "id"]
        indexes = [models.Index(fields=["review_on"], name="registerentry_review_idx",
                                condition=Q(lifted_at__isnull=True))]
        constraints = [models.UniqueConstraint(fields=["ticket"], condition=Q(lifted_at__isnull=True),
                                               name="registerentry_one_open")]

    def __str__(self):
        return f"{self.ticket_id} {self.get_reason_kind_display()}"


class TicketMerge(models.Model):
    """A duplicate work order merged into a master order (并单, domain.md §4): its calls and citizen are
    the master's too, replies reach it and its citizen is called back; undone with a reason."""

    master = models.ForeignKey(Ticket, models.PROTECT, related_name="merged_in", verbose_name=_("master order"))
    merged = models.ForeignKey(Ticket, models.PROTECT, related_name="merges", verbose_name=_("merged order"),
                               db_index=False)  # ticketmerge_one_open leads with it
    reason = models.TextField(_("reason"))
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                  verbose_name=_("merged by"))
    created_at = models.DateTimeField(_("merged at"), auto_now_add=True)
    unmerged_at = models.DateTimeField(_("unmerged at"), null=True, blank=True)
    unmerge_reason = models.TextField(_("reason for unmerging"), blank=True)

    class Meta:
        verbose_name = _("merged work order")
        verbose_name_plural = _("merged work orders")
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["merged"], condition=Q(unmerged_at__isnull=True),
                                               name="ticketmerge_one_open")]

    def __str__(self):
        return f"{self.merged_id} → {self.master_id}"
