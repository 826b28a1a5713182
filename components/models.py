"""City components (部件, GB/T 30428.2): the public facilities of the city, each with its 16-digit code,
kind, owner unit, state and place; and the work orders that name one."""

from django.conf import settings
from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from grids.models import Area

BAD_CODE = _("A component code has 16 digits: district 6, major class 2, minor class 2, sequence 6.")
UNKNOWN_DISTRICT = _("%(district)s is not the code of a district.")
UNKNOWN_KIND = _("%(kind)s is not a minor class of the component catalogue.")
GRID_OUTSIDE_DISTRICT = _("The place lies in grid %(grid)s, outside district %(district)s of the code.")
BAD_KIND_CODE = _("A major class has a 2-digit code; a minor class 4 digits starting with its major class's.")


class ComponentKind(models.Model):
    """A class of the component catalogue (GB/T 30428.2): a major class (2 digits) or a minor one (4 digits)."""

    code = models.CharField(_("code"), max_length=4, unique=True)
    name = models.CharField(_("name"), max_length=50)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children",
                               verbose_name=_("major class"))

    class Meta:
        verbose_name = _("component kind")
        verbose_name_plural = _("component kinds")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(parent__isnull=True, code__regex=r"^\d{2}$")
                | Q(parent__isnull=False, code__regex=r"^\d{4}$"),
                name="componentkind_code_matches_level",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def clean(self):
        major = self.parent is None
        if not self.code.isdigit() or len(self.code) != (2 if major else 4) or (
                not major and not self.code.startswith(self.parent.code)):
            raise ValidationError({"code": BAD_KIND_CODE})


class Component(models.Model):
    """One public facility (部件): a manhole cover, a street lamp, a litter bin, …."""

    class State(models.TextChoices):
        GOOD = "good", _("Intact")
        DAMAGED = "damaged", _("Damaged")
        LOST = "lost", _("Missing")
        OCCUPIED = "occupied", _("Occupied")
        SCRAPPED = "scrapped", _("Scrapped")

    # 16 digits: district (GB/T 2260) 6, major class 2, minor class 2, sequence 6.
    code = models.CharField(_("component code"), max_length=16, unique=True)
    kind = models.ForeignKey(ComponentKind, models.PROTECT, related_name="components", verbose_name=_("kind"),
                             limit_choices_to={"parent__isnull": False})
    name = models.CharField(_("name"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    owner_unit = models.ForeignKey("accounts.HandlingUnit", models.PROTECT, related_name="components",
                                   verbose_name=_("owner unit"),
                                   help_text=_("The unit that maintains it: its faults are dispatched there."))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.GOOD)
    location = models.PointField(_("location"), srid=4326)
    grid = models.ForeignKey(Area, models.PROTECT, related_name="components", verbose_name=_("grid"),
                             limit_choices_to={"level": Area.Level.GRID})
    # The grid's code, so that scoping selects by prefix like tickets do (accounts.access).
    area_code = models.CharField(_("grid code"), max_length=15, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("component")
        verbose_name_plural = _("components")
        ordering = ["code"]
        indexes = [models.Index(fields=["area_code"], name="component_area_code_idx",
                                opclasses=["varchar_pattern_ops"])]
        constraints = [models.CheckConstraint(condition=Q(code__regex=r"^\d{16}$"), name="component_code_16_digits")]

    def __str__(self):
        return f"{self.code} {self.name or self.kind.name}"

    @property
    def district_code(self):
        return self.code[:6]

    @property
    def kind_code(self):
        return self.code[6:10]

    def clean(self):
        errors = {}
        try:
            _district, kind = code_parts_check(self.code)
        except ValidationError as error:
            errors["code"] = error.messages
        else:
            if self.kind_id and self.kind_id != kind.pk:
                errors["kind"] = [_("The kind is the one the code names: %(kind)s.") % {"kind": kind}]
        if self.grid_id and self.code[:6].isdigit() and not self.grid.code.startswith(self.code[:6]):
            errors["location"] = [GRID_OUTSIDE_DISTRICT % {"grid": self.grid.code, "district": self.code[:6]}]
        if errors:
            raise ValidationError(errors)


def code_parts_check(code):
    """Return (district Area, minor ComponentKind) that a component code names; ValidationError otherwise."""
    if not (len(code) == 16 and code.isdigit()):
        raise ValidationError(BAD_CODE)
    district = Area.objects.filter(code=code[:6], level=Area.Level.DISTRICT).first()
    if district is None:
        raise ValidationError(UNKNOWN_DISTRICT % {"district": code[:6]})
    kind = ComponentKind.objects.filter(code=code[6:10], parent__isnull=False).first()
    if kind is None:
        raise ValidationError(UNKNOWN_KIND % {"kind": code[6:10]})
    return district, kind


class ComponentStateChange(models.Model):
    """One change of a component's state: by whom, why (the work order reporting it), when."""

    component = models.ForeignKey(Component, models.CASCADE, related_name="state_changes",
                                  verbose_name=_("component"))
    from_state = models.CharField(_("from"), max_length=10, choices=Component.State.choices)
    to_state = models.CharField(_("to"), max_length=10, choices=Component.State.choices)
    ticket = models.ForeignKey("incidents.Ticket", models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("work order"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("actor"))
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("component state change")
        verbose_name_plural = _("component state changes")
        ordering = ["created_at", "id"]


class TicketComponent(models.Model):
    """The component a work order is about (a fault of a facility): the router gives it to the owner unit.

    A row beside the ticket rather than a column on it: the escalation sweep rewrites ticket rows, and
    most tickets name no component.
    """

    ticket = models.OneToOneField("incidents.Ticket", models.PROTECT, primary_key=True, related_name="component_link",
                                  verbose_name=_("work order"))
    component = models.ForeignKey(Component, models.PROTECT, related_name="ticket_links", verbose_name=_("component"))
    reported_damaged = models.BooleanField(_("reported as damaged"), default=False)

    class Meta:
        verbose_name = _("work order's component")
        verbose_name_plural = _("work orders' components")

    def __str__(self):
        return f"{self.ticket_id} → {self.component_id}"
