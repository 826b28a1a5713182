"""Supervision of the reform's own tasks (督查督办): programmes of numbered tasks (任务书) with their
lead unit (牵头单位) and responsible units (责任单位), milestones with dates, progress reports, and
the notices and supervision orders (督办单) the deadline sweep sends.

A milestone is the object with states (supervision.workflow): the responsible units report on it,
the lead unit consolidates their reports and submits them, the supervision office accepts or
returns the submission. Every change writes a MilestoneEvent.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from incidents.models import AppendOnly

EVENT_IS_IMMUTABLE = _("Milestone events are never changed.")
EVENT_IS_PERMANENT = _("Milestone events are never deleted.")
DEFAULT_REMINDER_WORKING_DAYS = (5, 1)


def default_reminder_days():
    return list(DEFAULT_REMINDER_WORKING_DAYS)


class Programme(models.Model):
    """A programme of tasks (e.g. a year's pilot plan), run by a supervision office (督查室)."""

    name = models.CharField(_("name"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    office = models.ForeignKey("accounts.HandlingUnit", models.PROTECT, related_name="supervised_programmes",
                               verbose_name=_("supervision office"))
    reminder_working_days = ArrayField(
        models.PositiveSmallIntegerField(validators=[MinValueValidator(1)]), default=default_reminder_days,
        verbose_name=_("reminders (working days before a milestone)"),
        help_text=_("Comma-separated, e.g. 5,1: a reminder that many working days before each milestone."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("programme (任务书)")
        verbose_name_plural = _("programmes")
        ordering = ["-year", "name"]
        constraints = [models.UniqueConstraint(fields=["office", "year", "name"], name="programme_unique_name")]

    def __str__(self):
        return f"{self.year} {self.name}"


class Task(models.Model):
    """A task of a programme, or a sub-task of a task (any depth).

    `path` is the chain of numbers from the top task down ("3/2/1" for task 3.2.1): a task's
    sub-tree is `path__startswith=f"{path}/"`, one indexed range scan.
    """

    class TargetKind(models.TextChoices):
        NUMBER = "number", _("A number to reach")
        DELIVERABLE = "deliverable", _("A deliverable (done or not)")

    programme = models.ForeignKey(Programme, models.CASCADE, related_name="tasks", verbose_name=_("programme"))
    parent = models.ForeignKey("self", models.CASCADE, null=True, blank=True, related_name="children",
                               verbose_name=_("parent task"))
    number = models.CharField(_("number"), max_length=40, help_text=_("As in the programme, e.g. 3.2.1."))
    path = models.CharField(_("path"), max_length=200, editable=False)
    depth = models.PositiveSmallIntegerField(_("depth"), editable=False)
    title = models.CharField(_("task"), max_length=300)
    lead_unit = models.ForeignKey("accounts.HandlingUnit", models.PROTECT, related_name="led_tasks",
                                  verbose_name=_("lead unit (牵头单位)"))
    responsible_units = models.ManyToManyField("accounts.HandlingUnit", related_name="responsible_tasks",
                                               verbose_name=_("responsible units (责任单位)"))
    target_kind = models.CharField(_("target kind"), max_length=12, choices=TargetKind.choices)
    target_value = models.DecimalField(_("target value"), max_digits=14, decimal_places=2, null=True, blank=True)
    target_unit = models.CharField(_("target unit"), max_length=20, blank=True, help_text=_("e.g. 个, %, 户"))
    deliverable = models.CharField(_("deliverable"), max_length=200, blank=True)
    end_date = models.DateField(_("end date"))

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["programme", "path"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="task_unique_number"),
            models.CheckConstraint(
                condition=Q(target_kind="number", target_value__isnull=False)
                | Q(target_kind="deliverable", target_value__isnull=True, deliverable__gt=""),
                name="task_target_matches_kind",
            ),
        ]
        indexes = [models.Index(fields=["programme", "path"], name="task_programme_path_idx",
                                opclasses=["", "varchar_pattern_ops"])]

    def __str__(self):
        return f"{self.number} {self.title}"

    def save(self, *args, **kwargs):
        self.path = self.number.replace(".", "/")
        self.depth = self.path.count("/")
        super().save(*args, **kwargs)

    @property
    def target_text(self):
        """Return the target as people read it: "120 个" or the deliverable."""
        if self.target_kind == self.TargetKind.NUMBER:
            return f"{self.target_value.normalize():f} {self.target_unit}".strip()
        return self.deliverable


class Milestone(models.Model):
    """A dated step of a task; the lead unit's consolidated report on it is kept on the row."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("milestone", "Open")
        SUBMITTED = "submitted", pgettext_lazy("milestone", "Submitted")
        ACCEPTED = "accepted", pgettext_lazy("milestone", "Accepted")
        RETURNED = "returned", pgettext_lazy("milestone", "Returned")

    # States in which the milestone still waits for its units' work.
    PENDING = (Status.OPEN, Status.RETURNED)

    task = models.ForeignKey(Task, models.CASCADE, related_name="milestones", verbose_name=_("task"))
    title = models.CharField(_("milestone"), max_length=200)
    due_date = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    summary = models.TextField(_("consolidated report"), blank=True)
    figure = models.DecimalField(_("figure reached"), max_digits=14, decimal_places=2, null=True, blank=True)
    delivered = models.BooleanField(_("deliverable done"), default=False)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    # Set by the sweep when the due date passed with nothing accepted: the miss is handled once.
    overdue_at = models.DateTimeField(_("missed"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["task", "due_date", "pk"]
        indexes = [
            # The sweep's reads: pending milestones by due date.
            models.Index(fields=["due_date"], name="milestone_pending_due_idx",
                         condition=Q(status__in=["open", "returned"])),
        ]

    def __str__(self):
        return f"{self.task.number} {self.title}"


class MilestoneEvent(AppendOnly, models.Model):
    """One step of a milestone's timeline; written in the transaction of its change, never altered."""

    CHANGED, DELETED = EVENT_IS_IMMUTABLE, EVENT_IS_PERMANENT

    milestone = models.ForeignKey(Milestone, models.PROTECT, related_name="events", verbose_name=_("milestone"))
    action = models.CharField(_("action"), max_length=24)
    from_status = models.CharField(_("from"), max_length=12, blank=True)
    to_status = models.CharField(_("to"), max_length=12)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("actor"))
    unit = models.ForeignKey("accounts.HandlingUnit", models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("unit"))
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("milestone event")
        verbose_name_plural = _("milestone events")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.milestone_id} {self.action} {self.from_status}→{self.to_status}"


class ProgressReport(models.Model):
    """A responsible unit's report on a milestone (text, a figure, attachments)."""

    milestone = models.ForeignKey(Milestone, models.CASCADE, related_name="reports", verbose_name=_("milestone"))
    unit = models.ForeignKey("accounts.HandlingUnit", models.PROTECT, related_name="+", verbose_name=_("unit"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("author"))
    text = models.TextField(_("progress"))
    figure = models.DecimalField(_("figure reached"), max_digits=14, decimal_places=2, null=True, blank=True)
    attachment = models.FileField(_("attachment"), upload_to="supervision/%Y/%m/", blank=True)
    created_at = models.DateTimeField(_("reported"), auto_now_add=True)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["created_at", "pk"]


class Notice(models.Model):
    """A reminder or a missed-deadline warning to a milestone's lead unit, sent once.

    The unique constraint is what makes "once" hold under concurrent sweepers: each inserts with
    ON CONFLICT DO NOTHING and writes events only for the rows it inserted.
    """

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("Reminder")
        OVERDUE = "overdue", _("Missed deadline")

    milestone = models.ForeignKey(Milestone, models.CASCADE, related_name="notices", verbose_name=_("milestone"))
    unit = models.ForeignKey("accounts.HandlingUnit", models.PROTECT, related_name="supervision_notices",
                             verbose_name=_("unit"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    working_days_before = models.PositiveSmallIntegerField(_("working days before"), default=0)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("supervision notice")
        verbose_name_plural = _("supervision notices")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["milestone", "kind", "working_days_before"],
                                               name="notice_once_per_milestone")]


class SupervisionOrder(models.Model):
    """A supervision order (督办单) issued when a milestone is missed, to its lead unit and that unit's superior."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    milestone = models.OneToOneField(Milestone, models.PROTECT, related_name="supervision_order",
                                     verbose_name=_("milestone"))
    unit = models.ForeignKey("accounts.HandlingUnit", models.PROTECT, related_name="supervision_orders",
                             verbose_name=_("unit supervised"))
    copied_to = models.ForeignKey("accounts.HandlingUnit", models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("copied to"))
    issued_at = models.DateTimeField(_("issued"))

    class Meta:
        verbose_name = _("supervision order (督办单)")
        verbose_name_plural = _("supervision orders")
        ordering = ["-issued_at"]

    def __str__(self):
        return self.number


class SupervisionOrderCounter(models.Model):
    """The last supervision-order number handed out per day (govportal.workflow.numbers_reserve)."""

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)
