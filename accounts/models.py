"""Staff accounts, their roles and the handling units (承办单位) they belong to."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class HandlingUnit(models.Model):
    """A unit that takes work: a community committee, a street office, a department, ….

    `superior` is the next unit up the chain (社区吹哨、街道统筹、部门报到): where a matter goes
    when this unit blows the whistle or misses a deadline.
    """

    class Kind(models.TextChoices):
        COMMUNITY_COMMITTEE = "community_committee", _("Community committee")
        STREET_OFFICE = "street_office", _("Street office")
        DEPARTMENT = "department", _("Functional department")
        HOTLINE_CENTRE = "hotline_centre", _("12345 hotline centre")
        COMMAND_CENTRE = "command_centre", _("District command centre")
        MEDIATION = "mediation", _("People's mediation organisation")

    class Department(models.TextChoices):
        URBAN_MANAGEMENT = "urban_management", _("Urban management")
        HOUSING = "housing", _("Housing and construction")
        PUBLIC_SECURITY = "public_security", _("Public security")
        MARKET_REGULATION = "market_regulation", _("Market regulation")
        ECOLOGY = "ecology", _("Ecology and environment")
        TRANSPORT = "transport", _("Transport")
        WATER = "water", _("Water affairs")
        HEALTH = "health", _("Health")
        EMERGENCY = "emergency", _("Emergency management")
        CIVIL_AFFAIRS = "civil_affairs", _("Civil affairs")
        JUSTICE = "justice", _("Justice")

    code = models.CharField(_("unit code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    department = models.CharField(_("department"), max_length=20, choices=Department.choices, blank=True)
    area = models.ForeignKey(
        "grids.Area", models.PROTECT, related_name="handling_units", verbose_name=_("area served")
    )
    superior = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="subordinates",
        verbose_name=_("superior unit"), help_text=_("Where matters go when this unit escalates them."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("handling unit")
        verbose_name_plural = _("handling units")
        ordering = ["code"]
        indexes = [models.Index(fields=["area", "kind"], name="handlingunit_area_kind_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="department", department__gt="") | (~Q(kind="department") & Q(department="")),
                name="handlingunit_department_iff_department_kind",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def level(self):
        """Return the level of the area the unit serves (community, street, district or city)."""
        return self.area.level


class User(AbstractUser):
    """A staff account. Everyone but a superuser belongs to a handling unit."""

    class Role(models.TextChoices):
        GRID_WORKER = "grid_worker", _("Grid worker")
        COMMUNITY_STAFF = "community_staff", _("Community staff")
        STREET_COORDINATOR = "street_coordinator", _("Street coordinator")
        DEPARTMENT_HANDLER = "department_handler", _("Department handler")
        HOTLINE_OPERATOR = "hotline_operator", _("12345 hotline operator")
        MEDIATOR = "mediator", _("Mediator")
        LEADER = "leader", _("Leader")
        ADMIN = "admin", _("System administrator")

    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        HandlingUnit,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("handling unit"),
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False) | Q(is_superuser=True), name="user_staff_belongs_to_unit"
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.username
