"""Dispatching by the rules of a 12345 centre (domain.md §4): the dispatch catalogue (派单目录), the
co-handling units of a work order (协办), the operator's overrides of the catalogue and the units'
objections to a dispatch (派单异议)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grids.models import Area

# How specific an entry's place is: the deeper, the more specific (no place: everywhere).
AREA_DEPTH = {None: 0, **{level: depth for depth, level in enumerate(Area.LEVEL_ORDER, start=1)}}


class DispatchEntryQuerySet(models.QuerySet):
    def in_force(self, at=None):
        """Return the entries valid at `at` (now by default)."""
        at = at or timezone.now()
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=at), valid_from__lte=at)


class DispatchEntry(models.Model):
    """One line of the dispatch catalogue: a category at a place goes to a lead unit, with co-handlers.

    Lines are never changed in place: a change closes the line (`valid_to`) and opens a new one that
    `supersedes` it (dispatch.services.catalogue_entry_revise), so the rows are their own history.
    """

    category = models.ForeignKey("incidents.Category", models.PROTECT, related_name="dispatch_entries",
                                 verbose_name=_("category"),
                                 help_text=_("A minor category, or a major one for all its minor categories."))
    area = models.ForeignKey(Area, models.PROTECT, null=True, blank=True, related_name="dispatch_entries",
                             verbose_name=_("place"), help_text=_("Empty: everywhere."))
    lead_unit = models.ForeignKey("accounts.HandlingUnit", models.PROTECT, related_name="dispatch_leads",
                                  verbose_name=_("lead unit"))
    co_units = models.ManyToManyField("accounts.HandlingUnit", blank=True, related_name="dispatch_co_entries",
                                      verbose_name=_("co-handling units"))
    valid_from = models.DateTimeField(_("valid from"), default=timezone.now)
    valid_to = models.DateTimeField(_("valid until"), null=True, blank=True, help_text=_("Empty: until changed."))
    note = models.CharField(_("note"), max_length=200, blank=True, help_text=_("Why the line was made or changed."))
    supersedes = models.OneToOneField("self", models.PROTECT, null=True, blank=True, related_name="superseded_by",
                                      verbose_name=_("replaces"), editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("made by"), editable=False)
    created_at = models.DateTimeField(_("made at"), auto_now_add=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("closed by"), editable=False)

    objects = DispatchEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("dispatch catalogue entry")
        verbose_name_plural = _("dispatch catalogue")
        ordering = ["category__code", "area__code", "-valid_from"]
        indexes = [models.Index(fields=["category", "area"], name="dispatchentry_open_idx",
                                condition=Q(valid_to__isnull=True))]
        constraints = [models.CheckConstraint(
            condition=Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from")),
            name="dispatchentry_valid_to_after_from")]

    def __str__(self):
        return f"{self.category} @ {self.area or _('everywhere')} → {self.lead_unit}"

    @property
    def specificity(self):
        """Return how specific the line is: its place first, then a minor category over its major one."""
        return AREA_DEPTH[self.area.level if self.area_id else None], self.category.parent_id is not None


class CoHandler(models.Model):
    """A unit co-handling a work order (协办): it signs for its part and gives its feedback within its
    own deadlines; the lead unit (the ticket's handling unit) replies to the citizen."""

    ticket = models.ForeignKey("incidents.Ticket", models.PROTECT, related_name="co_handlers",
                               verbose_name=_("work order"))
    unit = models.ForeignKey("accounts.HandlingUnit", models.PROTECT, related_name="co_handled",
                             verbose_name=_("co-handling unit"), db_index=False)  # cohandler_unit_ticket
    assigned_at = models.DateTimeField(_("assigned at"))
    sign_due_at = models.DateTimeField(_("sign for by"))
    feedback_due_at = models.DateTimeField(_("feedback by"))
    signed_at = models.DateTimeField(_("signed for at"), null=True, blank=True)
    feedback = models.TextField(_("feedback"), blank=True)
    feedback_at = models.DateTimeField(_("feedback given at"), null=True, blank=True)

    class Meta:
        verbose_name = _("co-handling unit")
        verbose_name_plural = _("co-handling units")
        ordering = ["assigned_at", "id"]
        constraints = [models.UniqueConstraint(fields=["unit", "ticket"], name="cohandler_unit_ticket")]

    def __str__(self):
        return f"{self.ticket_id} {self.unit}"


class DispatchOverride(models.Model):
    """A work order sent elsewhere than the catalogue proposed, with a reason (counted): by the hotline
    operator at intake (the router reads it), or by the street dispatching to a department."""

    class Stage(models.TextChoices):
        INTAKE = "intake", _("12345 intake")
        STREET = "street", _("Street dispatch")

    ticket = models.ForeignKey("incidents.Ticket", models.PROTECT, related_name="dispatch_overrides",
                               verbose_name=_("work order"))
    stage = models.CharField(_("stage"), max_length=8, choices=Stage.choices, default=Stage.INTAKE)
    proposed_unit = models.ForeignKey("accounts.HandlingUnit", models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name=_("proposed unit"))
    chosen_unit = models.ForeignKey("accounts.HandlingUnit", models.PROTECT, related_name="+",
                                    verbose_name=_("chosen unit"))
    reason = models.TextField(_("reason"))
    operator = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                 verbose_name=_("operator"))
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("dispatch override")
        verbose_name_plural = _("dispatch overrides")
        ordering = ["-created_at"]


class DispatchObjection(models.Model):
    """A unit's objection to a dispatch (派单异议), reviewed by the hotline centre: re-dispatched (改派)
    to another unit, or rejected. Meanwhile the unit keeps the work order."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Under review")
        REDISPATCHED = "redispatched", _("Re-dispatched")
        REJECTED = "rejected", _("Rejected")

    ticket = models.ForeignKey("incidents.Ticket", models.PROTECT, related_name="dispatch_objections",
                               verbose_name=_("work order"))
    unit = models.ForeignKey("accounts.HandlingUnit", models.PROTECT, related_name="dispatch_objections",
                             verbose_name=_("objecting unit"))
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                  verbose_name=_("raised by"))
    reason = models.TextField(_("reason"))
    raised_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, default=Outcome.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision"), blank=True)
    new_unit = models.ForeignKey("accounts.HandlingUnit", models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("re-dispatched to"))

    class Meta:
        verbose_name = _("dispatch objection")
        verbose_name_plural = _("dispatch objections")
        ordering = ["-raised_at"]
        constraints = [models.UniqueConstraint(fields=["ticket"], condition=Q(outcome="pending"),
                                               name="dispatchobjection_one_pending")]

    def __str__(self):
        return f"{self.ticket_id} {self.unit} {self.get_outcome_display()}"
