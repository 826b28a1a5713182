"""Rollups of work orders for dashboards (kept by database triggers, folded by a beat task) and
the assessment weights.

Every figure a dashboard shows is a sum over rollup rows. Each rollup row is keyed by an area
*prefix* — the scope prefix of a province (2 digits), city (4), district (6), street (9), community
(12) or grid (15), or '' for everything — so any scope and any period is an index range of at most a few
thousand rows, whatever the number of tickets. Statement-level triggers on incidents_ticket
(their counting rules in `rules.py`) append the grid-level changes of each statement to
unindexed delta tables; `services.rollups_fold` moves them into these tables, expanded to every
level. The `…Live` models read views that add the deltas not folded yet, so figures are exact
between folds.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

# The category id of the rows that total every category of an area and day (no category has it).
ALL_CATEGORIES = 0
SCHEME_IS_IMMUTABLE = _("Assessment schemes are never changed; add a new one.")

class FlowMeasures(models.Model):
    """What happened on a day: the work-order flow counted for assessment and trends."""

    reported = models.IntegerField(_("reported"), default=0)
    closed = models.IntegerField(_("closed"), default=0)
    closed_on_time = models.IntegerField(_("closed on time"), default=0)
    rejected = models.IntegerField(_("rejected"), default=0)
    overdue = models.IntegerField(_("deadlines missed"), default=0)
    dispatched = models.IntegerField(_("dispatched"), default=0)
    returned = models.IntegerField(_("returned"), default=0)
    rated = models.IntegerField(_("rated"), default=0)
    satisfied = models.IntegerField(_("satisfied"), default=0)
    basically_satisfied = models.IntegerField(_("basically satisfied"), default=0)

    MEASURES = ("reported", "closed", "closed_on_time", "rejected", "overdue", "dispatched", "returned", "rated",
                "satisfied", "basically_satisfied")

    class Meta:
        abstract = True


class DailyFlow(FlowMeasures):
    """Flow per area prefix, local day and minor category.

    `reported` counts tickets by the day they were reported; the closure figures (closed, on
    time, rejected, ratings) count tickets by the day they were closed, as they stand now (a
    reopened ticket leaves them); `overdue`, `dispatched` and `returned` count occurrences on
    the day they happened. Rows under ALL_CATEGORIES hold the day's totals.
    """

    pk = models.CompositePrimaryKey("prefix", "category", "day")
    prefix = models.CharField(_("area prefix"), max_length=15)
    day = models.DateField(_("day"))
    category = models.ForeignKey("incidents.Category", models.DO_NOTHING, db_constraint=False, db_index=False,
                                 related_name="+", verbose_name=_("category"))

    class Meta:
        verbose_name = _("daily flow")
        verbose_name_plural = _("daily flow")
        # The category mix of an area over a period reads every category's rows of its days: an
        # index-only scan here, where the key (prefix, category, day) meant a heap page per row
        # (365 days at 10 M tickets: 183 ms → 4 ms cold; docs/benchmarks.md, dashboards).
        indexes = [models.Index(fields=["prefix", "day"], include=["category", "reported"],
                                name="dashboards_dailyflow_mix")]


class AreaStatusCount(models.Model):
    """How many tickets of an area prefix are in each status now, and how many of them went overdue."""

    pk = models.CompositePrimaryKey("prefix", "status")
    prefix = models.CharField(_("area prefix"), max_length=15)
    status = models.CharField(_("status"), max_length=12)
    tickets = models.IntegerField(_("work orders"), default=0)
    overdue_tickets = models.IntegerField(_("overdue work orders"), default=0)

    class Meta:
        verbose_name = _("work orders by status")
        verbose_name_plural = _("work orders by status")


class UnitDailyFlow(models.Model):
    """Flow per handling unit and day, for ranking departments.

    A missed deadline and a return count against the unit that held the ticket then; `received`
    counts dispatches to the unit; closures count for the unit holding the ticket when closed.
    """

    pk = models.CompositePrimaryKey("unit", "day")
    unit = models.ForeignKey("accounts.HandlingUnit", models.DO_NOTHING, db_constraint=False, db_index=False,
                             related_name="+", verbose_name=_("handling unit"))
    day = models.DateField(_("day"))
    received = models.IntegerField(_("received"), default=0)
    closed = models.IntegerField(_("closed"), default=0)
    closed_on_time = models.IntegerField(_("closed on time"), default=0)
    overdue = models.IntegerField(_("deadlines missed"), default=0)
    returned = models.IntegerField(_("returned"), default=0)
    rated = models.IntegerField(_("rated"), default=0)
    satisfied = models.IntegerField(_("satisfied"), default=0)
    basically_satisfied = models.IntegerField(_("basically satisfied"), default=0)

    MEASURES = ("received", "closed", "closed_on_time", "overdue", "returned", "rated", "satisfied",
                "basically_satisfied")

    class Meta:
        verbose_name = _("unit daily flow")
        verbose_name_plural = _("unit daily flow")


class GridMonth(models.Model):
    """Tickets reported per grid and month: the recurring places of a scope in one index range."""

    pk = models.CompositePrimaryKey("month", "grid_code")
    month = models.DateField(_("month"))
    grid_code = models.CharField(_("grid code"), max_length=15)
    reported = models.IntegerField(_("reported"), default=0)
    overdue = models.IntegerField(_("deadlines missed"), default=0)

    class Meta:
        verbose_name = _("grid month")
        verbose_name_plural = _("grid months")


# --- the same rollups plus the deltas not folded yet (views created by migration 0002) ---


class DailyFlowLive(FlowMeasures):
    pk = models.CompositePrimaryKey("prefix", "category", "day")
    prefix = models.CharField(max_length=15)
    day = models.DateField()
    category = models.ForeignKey("incidents.Category", models.DO_NOTHING, related_name="+")

    class Meta:
        managed = False
        db_table = "dashboards_dailyflow_live"


class AreaStatusCountLive(models.Model):
    pk = models.CompositePrimaryKey("prefix", "status")
    prefix = models.CharField(max_length=15)
    status = models.CharField(max_length=12)
    tickets = models.IntegerField()
    overdue_tickets = models.IntegerField()

    class Meta:
        managed = False
        db_table = "dashboards_areastatuscount_live"


class UnitDailyFlowLive(models.Model):
    pk = models.CompositePrimaryKey("unit", "day")
    unit = models.ForeignKey("accounts.HandlingUnit", models.DO_NOTHING, related_name="+")
    day = models.DateField()
    received = models.IntegerField()
    closed = models.IntegerField()
    closed_on_time = models.IntegerField()
    overdue = models.IntegerField()
    returned = models.IntegerField()
    rated = models.IntegerField()
    satisfied = models.IntegerField()
    basically_satisfied = models.IntegerField()

    class Meta:
        managed = False
        db_table = "dashboards_unitdailyflow_live"


class GridMonthLive(models.Model):
    pk = models.CompositePrimaryKey("month", "grid_code")
    month = models.DateField()
    grid_code = models.CharField(max_length=15)
    reported = models.IntegerField()
    overdue = models.IntegerField()

    class Meta:
        managed = False
        db_table = "dashboards_gridmonth_live"


# --- assessment (考核) ---


class AssessmentScheme(models.Model):
    """The weights of the assessment score; the newest scheme is in force.

    Schemes are never changed or deleted — an administrator adds a new one — so every ranking
    can be traced to the weights, the person and the time that set them.
    """

    on_time_weight = models.DecimalField(_("on-time rate weight"), max_digits=5, decimal_places=2, default=40)
    overdue_weight = models.DecimalField(_("overdue weight"), max_digits=5, decimal_places=2, default=20)
    return_weight = models.DecimalField(_("return rate weight"), max_digits=5, decimal_places=2, default=10)
    satisfaction_weight = models.DecimalField(_("satisfaction weight"), max_digits=5, decimal_places=2, default=30)
    # The supervised reform tasks a unit leads (supervision.selectors.unit_supervision_rates); 0 leaves them out.
    supervision_weight = models.DecimalField(_("supervised tasks weight"), max_digits=5, decimal_places=2, default=0)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("set by"))
    created_at = models.DateTimeField(_("set at"), auto_now_add=True)

    class Meta:
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(on_time_weight__gte=0, overdue_weight__gte=0, return_weight__gte=0,
                                   satisfaction_weight__gte=0, supervision_weight__gte=0),
                name="assessmentscheme_weights_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.note}"

    def clean(self):
        if not any((self.on_time_weight, self.overdue_weight, self.return_weight, self.satisfaction_weight,
                    self.supervision_weight)):
            raise ValidationError(_("Give at least one weight above zero."))

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(SCHEME_IS_IMMUTABLE)
        super().save(*args, **kwargs)

    def score(self, *, on_time_rate, overdue_rate, return_rate, satisfaction_rate, supervision_rate=None):
        """Return the weighted score out of 100, or None without any figure.

        Each term is a rate where 1 is best (overdue and returns count as their complement);
        a rate without data (nothing closed, nothing rated, …) leaves its weight out, so a unit
        is not rewarded or punished for work it never had.
        """
        terms = [
            (self.on_time_weight, on_time_rate),
            (self.overdue_weight, None if overdue_rate is None else 1 - min(overdue_rate, 1)),
            (self.return_weight, None if return_rate is None else 1 - min(return_rate, 1)),
            (self.satisfaction_weight, satisfaction_rate),
            (self.supervision_weight, supervision_rate),
        ]
        weighted = [(float(weight), value) for weight, value in terms if value is not None and weight]
        total = sum(weight for weight, _ in weighted)
        return round(100 * sum(weight * value for weight, value in weighted) / total, 1) if total else None

    def weights(self):
        """Return the weights by name, as numbers."""
        return {"on_time": float(self.on_time_weight), "overdue": float(self.overdue_weight),
                "return": float(self.return_weight), "satisfaction": float(self.satisfaction_weight),
                "supervision": float(self.supervision_weight)}

    @classmethod
    def current(cls):
        """Return the scheme in force (the newest), or the defaults when none was saved."""
        return cls.objects.first() or cls()

