"""Residents take part (群众参与): volunteers, in-service party members and social workers who register
with a community, the teams they form, and the tasks (接单) communities post for them.

A participant is not a staff account: they sign in on their phone with an SMS code
(participation.identity). Their phone number is personal data, kept sealed (govportal.crypto).
"""

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from incidents.models import AppendOnly

EVENT_IS_IMMUTABLE = _("Participation events are never changed.")
EVENT_IS_PERMANENT = _("Participation events are never deleted.")


class Participant(models.Model):
    """A person (or a social organisation) registered with a community to take part in its work."""

    class Kind(models.TextChoices):
        VOLUNTEER = "volunteer", _("Volunteer")
        PARTY_MEMBER = "party_member", _("In-service party member")
        SOCIAL_WORKER = "social_worker", _("Social worker")
        SOCIAL_ORGANISATION = "social_organisation", _("Social organisation")
        # A citizen whose valid report (随手拍) earned points: registered by that report, no other role.
        RESIDENT = "resident", _("Resident reporter")

    # The kinds one registers as (报到); a resident reporter is registered by their first valid report.
    REGISTERED_KINDS = [choice for choice in Kind.choices if choice[0] != "resident"]

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Not confirmed")

    community = models.ForeignKey("grids.Area", models.PROTECT, related_name="participants",
                                  verbose_name=_("community reported to"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    phone_encrypted = models.TextField(_("phone (encrypted)"), editable=False)
    phone_masked = models.CharField(_("phone"), max_length=20, editable=False)
    phone_hash = models.CharField(_("phone (keyed hash)"), max_length=64, editable=False)
    work_unit = models.CharField(_("work unit"), max_length=100, blank=True,
                                 help_text=_("Where an in-service party member works (在职党员报到)."))
    skills = models.CharField(_("skills"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("entered by"),
                                   help_text=_("Empty when the person registered themselves on their phone."))
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    # A participant acts on their own tasks through the shared engine (govportal.workflow), which
    # asks every person these two: a participant is never a superuser and holds no staff role.
    is_superuser = False
    role = ""

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["community__code", "name"]
        constraints = [
            # One registration per phone and community; the keyed hash finds it without the number.
            models.UniqueConstraint(fields=["community", "phone_hash"], name="participant_one_per_phone_community"),
            models.CheckConstraint(condition=Q(work_unit="") | Q(kind="party_member"),
                                   name="participant_work_unit_of_party_members"),
        ]
        indexes = [models.Index(fields=["phone_hash"], name="participant_phone_idx")]

    def __str__(self):
        return self.name


class ParticipantEvent(AppendOnly, models.Model):
    """One step of a registration: registered, confirmed or not, by whom and why."""

    CHANGED, DELETED = EVENT_IS_IMMUTABLE, EVENT_IS_PERMANENT

    participant = models.ForeignKey(Participant, models.PROTECT, related_name="events",
                                    verbose_name=_("participant"))
    action = models.CharField(_("action"), max_length=24)
    from_status = models.CharField(_("from"), max_length=12, blank=True)
    to_status = models.CharField(_("to"), max_length=12)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("by"), help_text=_("Empty for the person themselves."))
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("participant event")
        verbose_name_plural = _("participant events")
        ordering = ["created_at", "pk"]


class Team(models.Model):
    """A team of a community (志愿服务队, 红袖章 patrol team, party branch) with its leader."""

    class Kind(models.TextChoices):
        VOLUNTEER_TEAM = "volunteer_team", _("Volunteer service team")
        PATROL = "patrol", _("Red-armband patrol team")
        PARTY_BRANCH = "party_branch", _("Party branch")

    community = models.ForeignKey("grids.Area", models.PROTECT, related_name="participation_teams",
                                  verbose_name=_("community"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    leader = models.ForeignKey(Participant, models.PROTECT, related_name="teams_led", verbose_name=_("leader"))
    members = models.ManyToManyField(Participant, related_name="teams", verbose_name=_("members"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["community__code", "name"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="team_unique_name_in_community")]

    def __str__(self):
        return self.name


class Task(models.Model):
    """A task a community posts for its participants (接单): a patrol, help at an event, a visit to an
    elderly resident, epidemic duty, or a resident's concrete need (微心愿). A grid worker may turn a
    work order into one ("能由群众办的交给群众办"): `ticket` links them."""

    class Kind(models.TextChoices):
        PATROL = "patrol", _("Patrol")
        EVENT_HELP = "event_help", _("Event help")
        ELDERLY_VISIT = "elderly_visit", _("Elderly visit")
        EPIDEMIC_DUTY = "epidemic_duty", _("Epidemic duty")
        WISH = "wish", _("Micro-wish (微心愿)")
        WORK_ORDER = "work_order", _("From a work order")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    community = models.ForeignKey("grids.Area", models.PROTECT, related_name="participation_tasks",
                                  verbose_name=_("community"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), max_length=2000)
    place = models.PointField(_("place"), srid=4326)
    place_name = models.CharField(_("place name"), max_length=200)
    check_in_radius = models.PositiveIntegerField(_("check-in radius (m)"), default=200,
                                                  help_text=_("How near the place a participant must be to check in."))
    starts_at = models.DateTimeField(_("starts at"))
    take_by = models.DateTimeField(_("take by"), help_text=_("The community is warned if places are still free then."))
    quota = models.PositiveSmallIntegerField(_("places"))
    hours = models.DecimalField(_("hours credited"), max_digits=4, decimal_places=1)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    ticket = models.OneToOneField("incidents.Ticket", models.PROTECT, null=True, blank=True,
                                  related_name="participation_task", verbose_name=_("work order"))
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                  verbose_name=_("posted by"))
    # Set by the sweep (sweeps.unclaimed_tasks_warn) when it warned the community: once per task.
    unclaimed_warned_at = models.DateTimeField(_("warned unclaimed at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("posted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["starts_at", "pk"]
        constraints = [models.CheckConstraint(condition=Q(quota__gte=1), name="task_quota_positive"),
                       models.CheckConstraint(condition=Q(hours__gt=0), name="task_hours_positive")]
        indexes = [
            # What the sweep looks for: open tasks not yet warned about, by their take-by time.
            models.Index(fields=["take_by"], name="task_unwarned_take_by_idx",
                         condition=Q(status="open", unclaimed_warned_at__isnull=True)),
        ]

    def __str__(self):
        return self.title


class TaskClaim(models.Model):
    """A participant's place on a task (接单), from taking it to the community's confirmation."""

    class Status(models.TextChoices):
        TAKEN = "taken", _("Taken")
        CHECKED_IN = "checked_in", _("Checked in")
        REPORTED = "reported", _("Reported done")
        CONFIRMED = "confirmed", _("Confirmed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # The claims that hold a place on their task.
    HOLDING = (Status.TAKEN, Status.CHECKED_IN, Status.REPORTED, Status.CONFIRMED)

    task = models.ForeignKey(Task, models.PROTECT, related_name="claims", verbose_name=_("task"))
    participant = models.ForeignKey(Participant, models.PROTECT, related_name="claims",
                                    verbose_name=_("participant"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.TAKEN)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_in_location = models.PointField(_("checked in at (position)"), srid=4326, null=True, blank=True)
    report = models.TextField(_("report"), blank=True)
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    hours_credited = models.DecimalField(_("hours credited"), max_digits=4, decimal_places=1, null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("taken at"), auto_now_add=True)

    class Meta:
        verbose_name = _("task claim")
        verbose_name_plural = _("task claims")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["task", "participant"], name="taskclaim_once_per_participant"),
            models.CheckConstraint(condition=Q(hours_credited__isnull=True) | Q(status="confirmed"),
                                   name="taskclaim_hours_only_when_confirmed"),
        ]

    def __str__(self):
        return f"{self.task} · {self.participant}"


class TaskClaimPhoto(models.Model):
    """A photo of the work done, sent with the report (re-encoded without its metadata, like every photo)."""

    claim = models.ForeignKey(TaskClaim, models.PROTECT, related_name="photos", verbose_name=_("task claim"))
    image = models.ImageField(_("image"))
    thumbnail = models.ImageField(_("thumbnail"))
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("task photo")
        verbose_name_plural = _("task photos")


class TaskEvent(AppendOnly, models.Model):
    """One step of a task or of a claim on it: who (staff, the participant or the system) did what."""

    CHANGED, DELETED = EVENT_IS_IMMUTABLE, EVENT_IS_PERMANENT

    task = models.ForeignKey(Task, models.PROTECT, related_name="events", verbose_name=_("task"))
    claim = models.ForeignKey(TaskClaim, models.PROTECT, null=True, blank=True, related_name="events",
                              verbose_name=_("task claim"))
    action = models.CharField(_("action"), max_length=24)
    from_status = models.CharField(_("from"), max_length=12, blank=True)
    to_status = models.CharField(_("to"), max_length=12)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("staff"))
    participant = models.ForeignKey(Participant, models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("participant"))
    system = models.CharField(_("system actor"), max_length=40, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("task event")
        verbose_name_plural = _("task events")
        ordering = ["created_at", "pk"]
        constraints = [
            # Every event names one actor: staff, a participant, or the system by name.
            models.CheckConstraint(
                condition=(Q(actor__isnull=False, participant__isnull=True, system="")
                           | Q(actor__isnull=True, participant__isnull=False, system="")
                           | (Q(actor__isnull=True, participant__isnull=True) & ~Q(system=""))),
                name="taskevent_one_actor"),
        ]


# --- points (积分) ---

class PointReason(models.TextChoices):
    """Why points move; the first three earn by a city's rule (PointRule), the others are set by their act."""

    CONFIRMED_HOUR = "confirmed_hour", _("Confirmed hour of service")
    VALID_REPORT = "valid_report", _("Valid report")
    ATTENDANCE = "attendance", _("Deliberation attendance")
    REDEMPTION = "redemption", _("Redemption")
    CORRECTION = "correction", _("Correction")


class PointRule(models.Model):
    """How many points a city gives for one unit of a reason (an hour, a report, a meeting): data, per city."""

    city = models.ForeignKey("grids.Area", models.PROTECT, related_name="point_rules", verbose_name=_("city"))
    reason = models.CharField(_("reason"), max_length=16,
                              choices=[c for c in PointReason.choices if c[0] in ("confirmed_hour", "valid_report",
                                                                                    "attendance")])
    points = models.PositiveIntegerField(_("points"))

    class Meta:
        verbose_name = _("points rule")
        verbose_name_plural = _("points rules")
        constraints = [models.UniqueConstraint(fields=["city", "reason"], name="pointrule_one_per_city_reason")]


class PartnerOffer(models.Model):
    """Something a partner shop or service gives for points (积分兑换), with the stock left."""

    community = models.ForeignKey("grids.Area", models.PROTECT, related_name="partner_offers",
                                  verbose_name=_("community"))
    shop = models.CharField(_("partner shop or service"), max_length=100)
    item = models.CharField(_("item"), max_length=100)
    points = models.PositiveIntegerField(_("points"))
    stock = models.PositiveIntegerField(_("stock"))
    is_active = models.BooleanField(_("offered"), default=True)

    class Meta:
        verbose_name = _("partner offer")
        verbose_name_plural = _("partner offers")
        ordering = ["points", "pk"]
        constraints = [models.CheckConstraint(condition=Q(points__gte=1), name="partneroffer_points_positive")]

    def __str__(self):
        return f"{self.shop} · {self.item}"


class Redemption(AppendOnly, models.Model):
    """One redemption of an offer by a participant: the shop gives the item against this record."""

    CHANGED, DELETED = EVENT_IS_IMMUTABLE, EVENT_IS_PERMANENT

    offer = models.ForeignKey(PartnerOffer, models.PROTECT, related_name="redemptions", verbose_name=_("offer"))
    participant = models.ForeignKey(Participant, models.PROTECT, related_name="redemptions",
                                    verbose_name=_("participant"))
    points = models.PositiveIntegerField(_("points"))
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")
        ordering = ["-created_at", "-pk"]


class PointEntry(AppendOnly, models.Model):
    """One line of the points ledger: a participant's balance is the sum of their entries, never a stored
    figure; a mistake is put right by a new CORRECTION entry. The table refuses UPDATE and DELETE
    (migration 0003), whoever connects."""

    CHANGED, DELETED = EVENT_IS_IMMUTABLE, EVENT_IS_PERMANENT

    participant = models.ForeignKey(Participant, models.PROTECT, related_name="point_entries",
                                    verbose_name=_("participant"))
    reason = models.CharField(_("reason"), max_length=16, choices=PointReason.choices)
    points = models.IntegerField(_("points"))
    claim = models.OneToOneField(TaskClaim, models.PROTECT, null=True, blank=True, related_name="point_entry",
                                 verbose_name=_("task claim"))
    redemption = models.OneToOneField(Redemption, models.PROTECT, null=True, blank=True,
                                      related_name="point_entry", verbose_name=_("redemption"))
    ticket = models.OneToOneField("incidents.Ticket", models.PROTECT, null=True, blank=True,
                                  related_name="point_entry", verbose_name=_("valid report"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("entered by"))
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("points entry")
        verbose_name_plural = _("points ledger")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["participant", "created_at"], name="pointentry_participant_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(points=0), name="pointentry_points_not_zero"),
            models.CheckConstraint(condition=Q(reason="redemption", redemption__isnull=False, points__lt=0)
                                   | (~Q(reason="redemption") & Q(redemption__isnull=True)),
                                   name="pointentry_redemption_spends"),
            models.CheckConstraint(condition=Q(claim__isnull=True) | Q(reason="confirmed_hour"),
                                   name="pointentry_claim_earns_hours"),
            models.CheckConstraint(condition=Q(ticket__isnull=True) | Q(reason="valid_report"),
                                   name="pointentry_ticket_earns_report"),
        ]


# --- service projects (三社联动: community, social organisation and social workers together) ---

class ServiceProject(models.Model):
    """A service project a community posts for social organisations to run (三社联动 / 公益创投): the need,
    the budget and the period; its street approves one organisation's application, the work goes by
    milestones, and a final evaluation closes it."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open for applications")
        RUNNING = "running", _("Running")
        EVALUATED = "evaluated", _("Evaluated")
        CANCELLED = "cancelled", _("Cancelled")

    class Grade(models.TextChoices):
        EXCELLENT = "excellent", _("Excellent")
        GOOD = "good", _("Good")
        PASS = "pass", _("Pass")
        FAIL = "fail", _("Fail")

    community = models.ForeignKey("grids.Area", models.PROTECT, related_name="service_projects",
                                  verbose_name=_("community"))
    title = models.CharField(_("title"), max_length=100)
    need = models.TextField(_("need"), max_length=2000)
    budget = models.DecimalField(_("budget (yuan)"), max_digits=12, decimal_places=2)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices, blank=True)
    evaluation = models.TextField(_("evaluation"), blank=True)
    evaluated_at = models.DateTimeField(_("evaluated at"), null=True, blank=True)
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                  verbose_name=_("posted by"))
    created_at = models.DateTimeField(_("posted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("service project")
        verbose_name_plural = _("service projects")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(budget__gt=0), name="serviceproject_budget_positive"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="serviceproject_period_ordered"),
            models.CheckConstraint(condition=Q(score__isnull=True) | Q(score__lte=100),
                                   name="serviceproject_score_at_most_100"),
            models.CheckConstraint(condition=~Q(status="evaluated") | (Q(score__isnull=False) & ~Q(grade="")),
                                   name="serviceproject_evaluated_has_score"),
        ]

    def __str__(self):
        return self.title

    @property
    def approved_application(self):
        """Return the application the street approved, or None."""
        return self.applications.filter(status=ProjectApplication.Status.APPROVED).first()


class ProjectApplication(models.Model):
    """A social organisation's application to run a project: its plan and the amount it asks (≤ budget)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    project = models.ForeignKey(ServiceProject, models.PROTECT, related_name="applications",
                                verbose_name=_("service project"))
    organisation = models.ForeignKey(Participant, models.PROTECT, related_name="project_applications",
                                     verbose_name=_("social organisation"))
    plan = models.TextField(_("plan"), max_length=4000)
    amount = models.DecimalField(_("amount asked (yuan)"), max_digits=12, decimal_places=2)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    created_at = models.DateTimeField(_("applied at"), auto_now_add=True)

    class Meta:
        verbose_name = _("project application")
        verbose_name_plural = _("project applications")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "organisation"], name="projectapplication_one_per_organisation"),
            models.UniqueConstraint(fields=["project"], condition=Q(status="approved"),
                                    name="projectapplication_one_approved"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="projectapplication_amount_positive"),
        ]

    def __str__(self):
        return f"{self.project} · {self.organisation}"


class ProjectMilestone(models.Model):
    """A step of a project's plan, with the date it is planned for and, once done, the date and a note."""

    project = models.ForeignKey(ServiceProject, models.PROTECT, related_name="milestones",
                                verbose_name=_("service project"))
    title = models.CharField(_("title"), max_length=100)
    planned_on = models.DateField(_("planned for"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    note = models.TextField(_("note"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["planned_on", "pk"]
        constraints = [models.CheckConstraint(condition=Q(done_on__isnull=True) | ~Q(note=""),
                                              name="projectmilestone_done_has_note")]

    def __str__(self):
        return self.title


class ProjectEvent(AppendOnly, models.Model):
    """One step of a project, of an application to it or of a milestone: who (staff, the organisation
    or the system) did what."""

    CHANGED, DELETED = EVENT_IS_IMMUTABLE, EVENT_IS_PERMANENT

    project = models.ForeignKey(ServiceProject, models.PROTECT, related_name="events",
                                verbose_name=_("service project"))
    application = models.ForeignKey(ProjectApplication, models.PROTECT, null=True, blank=True, related_name="events",
                                    verbose_name=_("project application"))
    milestone = models.ForeignKey(ProjectMilestone, models.PROTECT, null=True, blank=True, related_name="events",
                                  verbose_name=_("milestone"))
    action = models.CharField(_("action"), max_length=24)
    from_status = models.CharField(_("from"), max_length=10, blank=True)
    to_status = models.CharField(_("to"), max_length=10)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("staff"))
    participant = models.ForeignKey(Participant, models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("social organisation"))
    system = models.CharField(_("system actor"), max_length=40, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("project event")
        verbose_name_plural = _("project events")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(actor__isnull=False, participant__isnull=True, system="")
                           | Q(actor__isnull=True, participant__isnull=False, system="")
                           | (Q(actor__isnull=True, participant__isnull=True) & ~Q(system=""))),
                name="projectevent_one_actor"),
        ]
