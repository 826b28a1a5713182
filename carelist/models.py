"""Special groups (特殊人群, the "9+X" of GB/T 31000): the people the grid looks after closely, their
helpers (结对帮扶), the visits paid to them and the warnings of visits overdue.

The groups and their visit intervals per level of attention are data (CareGroup, CareLevel): the
nine national groups come with a data migration, a city adds its X in the admin. A person's next
visit is due one interval (the shortest of their memberships) after the last visit, or after
they were registered. A CarePerson is the object with states (carelist.workflow): every visit
and warning writes a CareEvent.
"""

from datetime import timedelta

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from incidents.models import AppendOnly

EVENT_IS_IMMUTABLE = _("The events of a special-group file are never changed.")
EVENT_IS_PERMANENT = _("The events of a special-group file are never deleted.")
VISIT_IS_IMMUTABLE = _("A visit record is never changed: record a new visit instead.")
VISIT_IS_PERMANENT = _("A visit record is never deleted.")


class CareGroup(models.Model):
    """A special group (e.g. 社区矫正对象); the national nine are seeded, a city adds its own."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("special group")
        verbose_name_plural = _("special groups")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name


class CareLevel(models.Model):
    """A level of attention within a group, and how often a person at that level is visited."""

    class Level(models.IntegerChoices):
        CLOSE = 1, _("Level 1 (close attention)")
        REGULAR = 2, _("Level 2 (regular attention)")
        ROUTINE = 3, _("Level 3 (routine attention)")

    group = models.ForeignKey(CareGroup, models.CASCADE, related_name="levels", verbose_name=_("special group"))
    level = models.PositiveSmallIntegerField(_("level of attention"), choices=Level.choices)
    visit_interval_days = models.PositiveSmallIntegerField(_("visit every (days)"),
                                                           validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("level of attention")
        verbose_name_plural = _("levels of attention")
        ordering = ["group__sort_order", "level"]
        constraints = [
            models.UniqueConstraint(fields=["group", "level"], name="carelevel_once_per_group"),
            models.CheckConstraint(condition=Q(visit_interval_days__gte=1), name="carelevel_interval_positive"),
        ]

    def __str__(self):
        return f"{self.group.name} · {self.get_level_display()}"


class CarePerson(models.Model):
    """A person of one or more special groups, in a grid, with their helpers and visit schedule.

    ID and phone numbers are sealed (govportal.crypto): encrypted, masked, the ID number also
    found by its keyed hash. `next_visit_due` is kept by `schedule_refresh` and read by the sweep.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("Being looked after")
        CLOSED = "closed", pgettext_lazy("special-group file", "Closed")

    name = models.CharField(_("name"), max_length=50)
    id_number_encrypted = models.TextField(_("ID number (encrypted)"), blank=True, editable=False)
    id_number_masked = models.CharField(_("ID number"), max_length=18, blank=True, editable=False)
    id_number_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone_encrypted = models.TextField(_("phone (encrypted)"), blank=True, editable=False)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True, editable=False)
    address = models.CharField(_("address"), max_length=200)
    grid = models.ForeignKey("grids.Area", models.PROTECT, related_name="care_persons", verbose_name=_("grid"),
                             limit_choices_to={"level": "grid"})
    building = models.ForeignKey("grids.Building", models.PROTECT, null=True, blank=True,
                                 related_name="care_persons", verbose_name=_("building"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    registered_on = models.DateField(_("registered on"), default=timezone.localdate)
    last_visited_on = models.DateField(_("last visited on"), null=True, blank=True, editable=False)
    next_visit_due = models.DateField(_("next visit due"), null=True, blank=True, editable=False)
    helpers = models.ManyToManyField(settings.AUTH_USER_MODEL, through="CareHelper", related_name="cared_persons",
                                     verbose_name=_("helpers"))
    levels = models.ManyToManyField(CareLevel, through="CareMembership", related_name="persons",
                                    verbose_name=_("groups and levels"))

    class Meta:
        verbose_name = _("special-group person")
        verbose_name_plural = _("special-group persons")
        ordering = ["next_visit_due", "pk"]
        indexes = [
            # The overdue sweep and the lists: only the people still looked after.
            models.Index(fields=["next_visit_due"], name="careperson_due_idx", condition=Q(status="active")),
        ]

    def __str__(self):
        return self.name

    def visit_interval_days(self):
        """Return the shortest visit interval of the person's groups and levels, or None with none."""
        return self.levels.aggregate(days=models.Min("visit_interval_days"))["days"]

    def schedule_refresh(self):
        """Set `next_visit_due`: one interval after the last visit, or after registration; none once
        the file is closed (unsaved)."""
        interval = self.visit_interval_days() if self.status == self.Status.ACTIVE else None
        start = self.last_visited_on or self.registered_on
        self.next_visit_due = start + timedelta(days=interval) if interval else None

    def is_overdue(self, today):
        """Return whether the next visit was due before `today`."""
        return self.next_visit_due is not None and self.next_visit_due < today


class CareMembership(models.Model):
    """A person's membership of a group, at a level of attention."""

    person = models.ForeignKey(CarePerson, models.CASCADE, related_name="memberships", verbose_name=_("person"))
    level = models.ForeignKey(CareLevel, models.PROTECT, related_name="memberships",
                              verbose_name=_("group and level"))

    class Meta:
        verbose_name = _("group membership")
        verbose_name_plural = _("group memberships")
        constraints = [models.UniqueConstraint(fields=["person", "level"], name="caremembership_unique")]

    def __str__(self):
        return str(self.level)


class CareHelper(models.Model):
    """A user paired with a person to help and visit them (结对帮扶)."""

    class Kind(models.TextChoices):
        GRID_WORKER = "grid_worker", _("Grid worker")
        COMMUNITY_CADRE = "community_cadre", _("Community cadre")
        POLICE = "police", _("Community police officer")
        VOLUNTEER = "volunteer", _("Volunteer")

    person = models.ForeignKey(CarePerson, models.CASCADE, related_name="helper_links", verbose_name=_("person"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="care_links",
                             verbose_name=_("helper"))
    kind = models.CharField(_("as"), max_length=20, choices=Kind.choices)
    since = models.DateField(_("since"), default=timezone.localdate)

    class Meta:
        verbose_name = _("helper (结对帮扶)")
        verbose_name_plural = _("helpers")
        constraints = [models.UniqueConstraint(fields=["person", "user"], name="carehelper_once_per_person")]

    def __str__(self):
        return f"{self.user} · {self.get_kind_display()}"


class CareVisit(AppendOnly, models.Model):
    """A visit paid to a person, recorded by a helper; never overwritten (a correction is a new visit)."""

    CHANGED, DELETED = VISIT_IS_IMMUTABLE, VISIT_IS_PERMANENT

    class Way(models.TextChoices):
        HOME = "home", _("Home visit")
        PHONE = "phone", _("Phone call")
        VIDEO = "video", _("Video call")

    class Condition(models.TextChoices):
        STABLE = "stable", _("Stable")
        ATTENTION = "attention", _("Needs attention")
        AT_RISK = "at_risk", _("At risk")

    person = models.ForeignKey(CarePerson, models.PROTECT, related_name="visits", verbose_name=_("person"))
    visited_on = models.DateField(_("date of the visit"))
    place = models.CharField(_("place of the visit"), max_length=200)
    way = models.CharField(_("way of visiting"), max_length=10, choices=Way.choices)
    condition = models.CharField(_("condition"), max_length=10, choices=Condition.choices)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    follow_up_needed = models.BooleanField(_("follow-up needed"), default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_on", "-pk"]


class CareEvent(AppendOnly, models.Model):
    """One step of a person's file: a visit recorded, an overdue warning, a closing; who, when, why."""

    CHANGED, DELETED = EVENT_IS_IMMUTABLE, EVENT_IS_PERMANENT

    person = models.ForeignKey(CarePerson, models.PROTECT, related_name="events", verbose_name=_("person"))
    action = models.CharField(_("action"), max_length=24)
    from_status = models.CharField(_("from"), max_length=10, blank=True)
    to_status = models.CharField(_("to"), max_length=10)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("actor"))
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("special-group file event")
        verbose_name_plural = _("special-group file events")
        ordering = ["created_at", "pk"]


class OverdueWarning(models.Model):
    """A warning to a helper that a person's visit is overdue, sent once per overdue period.

    The period is named by the due date it missed: a visit recorded sets a new due date, so a
    new period. The unique constraint makes "once" hold under concurrent sweeps (ON CONFLICT).
    """

    person = models.ForeignKey(CarePerson, models.CASCADE, related_name="warnings", verbose_name=_("person"))
    helper = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="care_warnings",
                               verbose_name=_("helper"))
    due_on = models.DateField(_("visit was due on"))
    created_at = models.DateTimeField(_("warned at"), default=timezone.now)

    class Meta:
        verbose_name = _("overdue-visit warning")
        verbose_name_plural = _("overdue-visit warnings")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["person", "helper", "due_on"],
                                               name="overduewarning_once_per_period")]
