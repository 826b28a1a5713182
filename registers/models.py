"""A grid's base-data registers (人地事物组织, 二标四实): houses and households in the buildings, the
people living there (实有人口) and their moves, rental houses (出租屋) graded by risk and inspected on a
schedule (以房管人).

Every row carries `area_code`, the code of its grid, so scoping (accounts.access) needs no join.
Personal data (names, ID and phone numbers) is sealed with govportal.crypto and shown masked; each
reveal is a ResidentReveal row, hence an audit record.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from incidents.models import AppendOnly

REVEAL_IS_IMMUTABLE = _("Reveals of a resident's data are never changed.")
REVEAL_IS_PERMANENT = _("Reveals of a resident's data are never deleted.")


class House(models.Model):
    """A house (房屋) in a building: its unit, floor and room, what it is used for and its floor area."""

    class Use(models.TextChoices):
        RESIDENTIAL = "residential", _("Residential")
        COMMERCIAL = "commercial", _("Commercial")
        MIXED = "mixed", _("Residential and commercial")
        OTHER = "other", _("Other")

    building = models.ForeignKey("grids.Building", models.PROTECT, related_name="houses", verbose_name=_("building"))
    area_code = models.CharField(_("grid code"), max_length=15, editable=False)  # the building's grid
    unit = models.CharField(_("unit"), max_length=10, blank=True)
    floor = models.SmallIntegerField(_("floor"))
    room = models.CharField(_("room number"), max_length=10)
    use = models.CharField(_("use"), max_length=12, choices=Use.choices, default=Use.RESIDENTIAL)
    floor_area_m2 = models.DecimalField(_("floor area (m²)"), max_digits=7, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("house")
        verbose_name_plural = _("houses")
        ordering = ["building", "unit", "floor", "room"]
        indexes = [models.Index(fields=["area_code"], name="house_area_idx", opclasses=["varchar_pattern_ops"])]
        constraints = [models.UniqueConstraint(fields=["building", "unit", "room"], name="house_one_per_room")]

    def __str__(self):
        unit = _("unit %(unit)s ") % {"unit": self.unit} if self.unit else ""
        return f"{self.building.name} {unit}{self.room}"

    def save(self, *args, **kwargs):
        self.area_code = self.building.grid.code
        super().save(*args, **kwargs)


class Household(models.Model):
    """A household (户) at a house; several may share one."""

    house = models.ForeignKey(House, models.PROTECT, related_name="households", verbose_name=_("house"))
    area_code = models.CharField(_("grid code"), max_length=15, editable=False)
    number = models.CharField(_("household number"), max_length=20)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["house", "number"]
        constraints = [models.UniqueConstraint(fields=["house", "number"], name="household_number_per_house")]

    def __str__(self):
        return f"{self.house} · {self.number}"

    def save(self, *args, **kwargs):
        self.area_code = self.house.area_code
        super().save(*args, **kwargs)


class Resident(models.Model):
    """A person of the real population (实有人口). Name, ID and phone number are sealed (govportal.crypto):
    one record per ID number (found by its keyed hash), wherever the person lives over time."""

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("Registered resident")  # 户籍人口
        FLOATING = "floating", _("Floating population")  # 流动人口
        TENANT = "tenant", _("Tenant")  # 租客

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name_encrypted = models.TextField()
    name_masked = models.CharField(_("name"), max_length=50)
    id_number_encrypted = models.TextField()
    id_number_masked = models.CharField(_("ID number"), max_length=24)
    id_number_hash = models.CharField(max_length=64, unique=True)
    phone_encrypted = models.TextField(blank=True)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True)
    # The grid of the person's current (or last) residence, for scoping the people without a join.
    area_code = models.CharField(_("grid code"), max_length=15, editable=False)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = ["pk"]
        indexes = [models.Index(fields=["area_code"], name="resident_area_idx", opclasses=["varchar_pattern_ops"])]

    def __str__(self):
        return self.name_masked


class Residence(models.Model):
    """A resident living at a house, from moving in to moving out. Never overwritten: a move-out ends
    it with a date, and a later move (elsewhere or back) is a new residence."""

    class Status(models.TextChoices):
        LIVING = "living", _("Living here")
        MOVED_OUT = "moved_out", _("Moved out")

    resident = models.ForeignKey(Resident, models.PROTECT, related_name="residences", verbose_name=_("resident"))
    house = models.ForeignKey(House, models.PROTECT, related_name="residences", verbose_name=_("house"))
    household = models.ForeignKey(Household, models.PROTECT, null=True, blank=True, related_name="residences",
                                  verbose_name=_("household"))
    area_code = models.CharField(_("grid code"), max_length=15, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.LIVING)
    moved_in_on = models.DateField(_("moved in on"))
    moved_out_on = models.DateField(_("moved out on"), null=True, blank=True)
    lease_start = models.DateField(_("lease starts"), null=True, blank=True)
    lease_end = models.DateField(_("lease ends"), null=True, blank=True)

    class Meta:
        verbose_name = _("residence")
        verbose_name_plural = _("residences")
        ordering = ["-moved_in_on", "-pk"]
        indexes = [models.Index(fields=["area_code"], name="residence_living_area_idx",
                                opclasses=["varchar_pattern_ops"], condition=Q(status="living"))]
        constraints = [
            models.UniqueConstraint(fields=["resident"], condition=Q(status="living"),
                                    name="residence_one_current_per_resident"),
            models.CheckConstraint(condition=Q(status="living", moved_out_on__isnull=True)
                                   | Q(status="moved_out", moved_out_on__isnull=False),
                                   name="residence_moved_out_has_date"),
            models.CheckConstraint(
                condition=Q(moved_out_on__isnull=True) | Q(moved_out_on__gte=models.F("moved_in_on")),
                name="residence_out_after_in"),
            models.CheckConstraint(
                condition=Q(lease_end__isnull=True) | Q(lease_start__isnull=True)
                | Q(lease_end__gte=models.F("lease_start")), name="residence_lease_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.resident} · {self.house}"


class ResidenceEvent(AppendOnly, models.Model):
    """One move of a residence (in, out), written with it: the register's history of who lived where."""

    residence = models.ForeignKey(Residence, models.PROTECT, related_name="events", verbose_name=_("residence"))
    action = models.CharField(_("action"), max_length=20)
    from_status = models.CharField(_("from"), max_length=10, blank=True)
    to_status = models.CharField(_("to"), max_length=10)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("actor"))
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("residence event")
        verbose_name_plural = _("residence events")
        ordering = ["created_at", "pk"]


class ResidentReveal(AppendOnly, models.Model):
    """Who saw a resident's full name, ID or phone number, why and when (PIPL: log who reveals them)."""

    CHANGED, DELETED = REVEAL_IS_IMMUTABLE, REVEAL_IS_PERMANENT

    class Field(models.TextChoices):
        NAME = "name", _("name")
        ID_NUMBER = "id_number", _("ID number")
        PHONE = "phone", _("phone")

    resident = models.ForeignKey(Resident, models.PROTECT, related_name="reveals", verbose_name=_("resident"))
    field = models.CharField(_("field"), max_length=10, choices=Field.choices)
    reason = models.CharField(_("reason"), max_length=200)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("by"))
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reveal of a resident's data")
        verbose_name_plural = _("reveals of residents' data")
        ordering = ["-created_at"]


class RiskGrade(models.Model):
    """A risk grade of rental houses (以房管人) and how often a house of that grade is inspected; data, not code."""

    code = models.CharField(_("code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=20)
    inspection_interval_days = models.PositiveSmallIntegerField(_("inspection interval (days)"))

    class Meta:
        verbose_name = _("risk grade")
        verbose_name_plural = _("risk grades")
        ordering = ["code"]
        constraints = [models.CheckConstraint(condition=Q(inspection_interval_days__gt=0),
                                              name="riskgrade_interval_positive")]

    def __str__(self):
        return f"{self.code} {self.name}"

    def next_due(self, inspected_on):
        """Return the date the next inspection is due after one made on `inspected_on`."""
        return inspected_on + timedelta(days=self.inspection_interval_days)


class RentalHouse(models.Model):
    """A house let to tenants (出租屋): its owner, risk grade and inspection schedule."""

    house = models.OneToOneField(House, models.PROTECT, related_name="rental", verbose_name=_("house"))
    area_code = models.CharField(_("grid code"), max_length=15, editable=False)
    owner_name_encrypted = models.TextField()
    owner_name_masked = models.CharField(_("owner"), max_length=50)
    owner_phone_encrypted = models.TextField(blank=True)
    owner_phone_masked = models.CharField(_("owner's phone"), max_length=20, blank=True)
    grade = models.ForeignKey(RiskGrade, models.PROTECT, related_name="rental_houses", verbose_name=_("risk grade"))
    registered_on = models.DateField(_("registered on"))
    last_inspected_on = models.DateField(_("last inspected on"), null=True, blank=True)
    next_inspection_due = models.DateField(_("next inspection due"))
    # The due date whose overdue warning went out: the sweep warns once per overdue period.
    overdue_warned_for = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("rental house")
        verbose_name_plural = _("rental houses")
        ordering = ["next_inspection_due", "pk"]
        indexes = [
            models.Index(fields=["area_code"], name="rentalhouse_area_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["next_inspection_due"], name="rentalhouse_due_idx"),
        ]

    def __str__(self):
        return str(self.house)

    def save(self, *args, **kwargs):
        self.area_code = self.house.area_code
        super().save(*args, **kwargs)

    def is_overdue(self, today):
        """Return whether the next inspection was due before `today`."""
        return self.next_inspection_due < today


class Inspection(AppendOnly, models.Model):
    """An inspection of a rental house (出租屋检查): who, when, what was found and the grade given."""

    rental_house = models.ForeignKey(RentalHouse, models.PROTECT, related_name="inspections",
                                     verbose_name=_("rental house"))
    inspected_on = models.DateField(_("inspected on"))
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                  verbose_name=_("inspector"))
    grade = models.ForeignKey(RiskGrade, models.PROTECT, related_name="+", verbose_name=_("risk grade"))
    findings = models.TextField(_("findings"), blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-inspected_on", "-pk"]
