"""Staff accounts, their roles and the handling units (承办单位) they belong to."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
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
        # 首接负责: takes the work orders of its district that the dispatch catalogue gives no unit.
        DISTRICT_GOVERNMENT = "district_government", _("District government")

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
    """A staff account. Everyone but a superuser and the three administrators belongs to a handling unit."""

    class Role(models.TextChoices):
        GRID_WORKER = "grid_worker", _("Grid worker")
        COMMUNITY_STAFF = "community_staff", _("Community staff")
        STREET_COORDINATOR = "street_coordinator", _("Street coordinator")
        DEPARTMENT_HANDLER = "department_handler", _("Department handler")
        HOTLINE_OPERATOR = "hotline_operator", _("12345 hotline operator")
        MEDIATOR = "mediator", _("Mediator")
        LEADER = "leader", _("Leader")
        # 三员 (等保 level 3): three administrators, none able to do another's work, none seeing case files.
        SYSTEM_ADMIN = "sysadmin", _("System administrator")
        SECURITY_ADMIN = "secadmin", _("Security administrator")
        AUDIT_ADMIN = "auditor", _("Audit administrator")

    ADMINISTRATOR_ROLES = (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)
    # The roles of the case work, each seeing its unit's area (accounts.access).
    BUSINESS_ROLES = (Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.STREET_COORDINATOR, Role.DEPARTMENT_HANDLER,
                      Role.HOTLINE_OPERATOR, Role.MEDIATOR, Role.LEADER)

    # Blank until the security administrator gives one (三员: the system administrator creates the
    # account, the security administrator grants its power); a superuser has none either.
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    unit = models.ForeignKey(
        HandlingUnit,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("handling unit"),
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    password_changed_at = models.DateTimeField(_("password changed"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        permissions = [
            ("assign_groups", _("Can assign groups and permissions to users")),
            ("assign_roles", _("Can give users their role")),
        ]
        constraints = [
            # The administrators' roles are User.ADMINISTRATOR_ROLES (Meta cannot see Role).
            models.CheckConstraint(
                condition=Q(unit__isnull=False) | Q(is_superuser=True) | Q(role__in=["sysadmin", "secadmin", "auditor"]),
                name="user_staff_belongs_to_unit",
            ),
            # A unit would show them its work orders (accounts.access): 三员 never read case files.
            models.CheckConstraint(
                condition=Q(unit__isnull=True) | ~Q(role__in=["sysadmin", "secadmin", "auditor"]),
                name="user_administrator_has_no_unit",
                violation_error_message=_("The system, security and audit administrators belong to no unit."),
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    def save(self, *args, **kwargs):
        # The admin site is for the three administrators and a break-glass superuser only.
        self.is_staff = self.is_administrator
        update_fields = kwargs.get("update_fields")
        # set_password() leaves the raw password in _password until the save; a hash upgrade at
        # log-in clears it first, so only a real change restarts the password's age.
        changed = {"password_changed_at"} if self._password is not None else set()
        if changed:
            self.password_changed_at = timezone.now()
        if update_fields is not None:
            if {"role", "is_superuser"} & set(update_fields):
                changed.add("is_staff")
            kwargs["update_fields"] = {*update_fields, *changed}
        super().save(*args, **kwargs)

    @property
    def is_administrator(self):
        """Return whether the account administers the platform (one of 三员, or a superuser): it needs a second factor."""
        return self.is_superuser or self.role in self.ADMINISTRATOR_ROLES

    @property
    def password_is_expired(self):
        """Return whether the password is older than PASSWORD_MAX_AGE_DAYS (等保: periodic change)."""
        return timezone.now() - self.password_changed_at > timedelta(days=settings.PASSWORD_MAX_AGE_DAYS)


class UserSession(models.Model):
    """A session someone logged in with: how the oldest are found when MAX_SESSIONS_PER_USER is reached."""

    user = models.ForeignKey(User, models.CASCADE, related_name="login_sessions", verbose_name=_("user"))
    session_key = models.CharField(_("session key"), max_length=40, unique=True)
    created_at = models.DateTimeField(_("logged in at"), default=timezone.now)

    class Meta:
        verbose_name = _("log-in session")
        verbose_name_plural = _("log-in sessions")

    def __str__(self):
        return f"{self.user} · {self.created_at:%Y-%m-%d %H:%M}"
