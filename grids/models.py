"""The area tree ((province →) city → district → street → community → grid) and each grid's base data."""

from django.conf import settings
from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Relative area of a child allowed to stick out of its parent: absorbs floating-point
# noise in real survey data (about 1 m² per 1 km² grid) without accepting a misplaced child.
OUTSIDE_PARENT_TOLERANCE = 1e-6

INVALID_GEOMETRY = _("Invalid polygon: %(reason)s")
CHILD_OUTSIDE_PARENT = _("Area %(code)s lies outside its parent %(parent)s.")
WRONG_PARENT_LEVEL = _("A %(level)s must belong to a %(parent_level)s, not to a %(actual)s.")
PROVINCE_WITH_PARENT = _("A province has no parent area.")
BAD_CODE = _("Code %(code)s is not a valid %(level)s code (%(length)s digits).")
BAD_CODE_ZEROS = _("Code %(code)s is not a valid %(level)s code (%(length)s digits ending in %(zeros)s).")
CODE_OUTSIDE_PARENT = _("Code %(code)s does not start with its parent's prefix %(prefix)s.")


class Area(models.Model):
    """One node of the area tree, with its boundary in WGS-84."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        CITY = "city", _("City")
        DISTRICT = "district", _("District")
        STREET = "street", _("Street")
        COMMUNITY = "community", _("Community")
        GRID = "grid", _("Grid")

    class GridKind(models.TextChoices):
        GENERAL = "general", _("General grid")
        DEDICATED = "dedicated", _("Dedicated grid")

    # Levels from the top; a child is always exactly one level below its parent. A province is
    # optional: an installation of one city keeps that city as its root.
    LEVEL_ORDER = [Level.PROVINCE, Level.CITY, Level.DISTRICT, Level.STREET, Level.COMMUNITY, Level.GRID]
    # The levels that may be a root of the tree (several cities in one installation sit under provinces).
    ROOT_LEVELS = (Level.PROVINCE, Level.CITY)
    # Code length per level: GB/T 2260 six digits for province, city and district, then 3 per level.
    CODE_LENGTH = {Level.PROVINCE: 6, Level.CITY: 6, Level.DISTRICT: 6, Level.STREET: 9, Level.COMMUNITY: 12,
                   Level.GRID: 15}
    # The zeros a six-digit code ends in at a level (GB/T 2260): 440000 Guangdong, 441900 Dongguan.
    CODE_SUFFIX = {Level.PROVINCE: "0000", Level.CITY: "00"}
    # Leading digits shared by everything inside an area. A province's cities share its first two
    # digits (440000 → 44xxxx); a prefecture-level city's districts its first four (441900 → 4419xx).
    SCOPE_PREFIX_LENGTH = {Level.PROVINCE: 2, Level.CITY: 4, Level.DISTRICT: 6, Level.STREET: 9, Level.COMMUNITY: 12,
                           Level.GRID: 15}

    code = models.CharField(_("code"), max_length=15, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent area")
    )
    grid_kind = models.CharField(_("grid kind"), max_length=10, choices=GridKind.choices, blank=True)
    geom = models.MultiPolygonField(_("boundary"), srid=4326)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["code"]
        indexes = [
            models.Index(fields=["code"], name="area_code_prefix_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["level", "parent"], name="area_level_parent_idx"),
        ]
        constraints = [
            # A city may be a root (one city per installation) or sit under a province.
            models.CheckConstraint(
                condition=Q(level="province", parent__isnull=True) | Q(level="city")
                | (~Q(level__in=["province", "city"]) & Q(parent__isnull=False)),
                name="area_only_province_or_city_is_root",
            ),
            models.CheckConstraint(
                condition=Q(level="grid") | Q(grid_kind=""), name="area_grid_kind_only_on_grids"
            ),
            models.CheckConstraint(
                condition=(
                    Q(level="province", code__regex=r"^\d{2}0000$")
                    | Q(level__in=["city", "district"], code__regex=r"^\d{6}$")
                    | Q(level="street", code__regex=r"^\d{9}$")
                    | Q(level="community", code__regex=r"^\d{12}$")
                    | Q(level="grid", code__regex=r"^\d{15}$")
                ),
                name="area_code_length_matches_level",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"

    @property
    def scope_prefix(self):
        """Return the code prefix shared by this area and everything inside it."""
        return self.code[: self.SCOPE_PREFIX_LENGTH[self.level]]

    @classmethod
    def parent_level_of(cls, level):
        """Return the level directly above `level`, or None for a province."""
        index = cls.LEVEL_ORDER.index(level)
        return cls.LEVEL_ORDER[index - 1] if index else None

    @classmethod
    def code_fits_level(cls, code, level):
        """Return whether `code` has the digits of a `level` code (length, and a province's or city's zeros)."""
        return code.isdigit() and len(code) == cls.CODE_LENGTH[level] and code.endswith(cls.CODE_SUFFIX.get(level, ""))

    def encloses_code(self, code):
        """Return whether the area with `code` lies inside (or is) this area."""
        return code.startswith(self.scope_prefix)

    def clean(self):
        errors = validate_area(
            code=self.code, level=self.level, geom=self.geom, parent=self.parent, grid_kind=self.grid_kind
        )
        if errors:
            raise ValidationError(errors)


def validate_area(*, code, level, geom, parent, grid_kind=""):
    """Return {field: [messages]} for an area that would break the tree's rules; empty when valid."""
    errors = {}
    if level in Area.CODE_LENGTH and not Area.code_fits_level(code, level):
        zeros = Area.CODE_SUFFIX.get(level)
        values = {"code": code, "level": Area.Level(level).label, "length": Area.CODE_LENGTH[level], "zeros": zeros}
        errors.setdefault("code", []).append((BAD_CODE_ZEROS if zeros else BAD_CODE) % values)
    if geom is not None and not geom.valid:
        errors.setdefault("geom", []).append(INVALID_GEOMETRY % {"reason": geom.valid_reason})
    if grid_kind and level != Area.Level.GRID:
        errors.setdefault("grid_kind", []).append(_("Only grids have a grid kind."))
    expected_parent_level = Area.parent_level_of(level) if level in Area.LEVEL_ORDER else None
    if expected_parent_level is None:
        if parent is not None:
            errors.setdefault("parent", []).append(PROVINCE_WITH_PARENT)
        return errors
    if level in Area.ROOT_LEVELS and parent is None:
        return errors
    if parent is None or parent.level != expected_parent_level:
        errors.setdefault("parent", []).append(
            WRONG_PARENT_LEVEL
            % {
                "level": Area.Level(level).label,
                "parent_level": Area.Level(expected_parent_level).label,
                "actual": parent.get_level_display() if parent else "—",
            }
        )
        return errors
    if not code.startswith(parent.scope_prefix):
        errors.setdefault("code", []).append(CODE_OUTSIDE_PARENT % {"code": code, "prefix": parent.scope_prefix})
    if geom is not None and geom.valid and not geometry_within(geom, parent.geom):
        errors.setdefault("geom", []).append(CHILD_OUTSIDE_PARENT % {"code": code, "parent": parent.code})
    return errors


def geometry_within(child, parent):
    """Return whether `child` lies inside `parent`, up to OUTSIDE_PARENT_TOLERANCE of its area."""
    if parent.prepared.covers(child):
        return True
    return child.difference(parent).area <= OUTSIDE_PARENT_TOLERANCE * child.area


class GridMember(models.Model):
    """A person working in a grid: grid workers (一格一员/一格多元) and those who join it (入格)."""

    class Kind(models.TextChoices):
        FULL_TIME_WORKER = "full_time", _("Full-time grid worker")
        PART_TIME_WORKER = "part_time", _("Part-time grid worker")
        BUILDING_LEADER = "building_leader", _("Building leader")
        VOLUNTEER = "volunteer", _("Volunteer")
        POLICE = "police", _("Community police officer")
        PROPERTY_STAFF = "property_staff", _("Property management staff")

    grid = models.ForeignKey(
        Area, models.CASCADE, related_name="members", verbose_name=_("grid"), limit_choices_to={"level": "grid"}
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="grid_memberships",
        verbose_name=_("user account"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)

    class Meta:
        verbose_name = _("grid member")
        verbose_name_plural = _("grid members")
        ordering = ["grid", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["grid", "user"], condition=Q(user__isnull=False), name="gridmember_one_membership_per_user"
            ),
        ]

    def __str__(self):
        return f"{self.name} · {self.get_kind_display()}"

    def clean(self):
        if self.grid_id and self.grid.level != Area.Level.GRID:
            raise ValidationError(
                {"grid": _("Members belong to a grid, not to a %(level)s.") % {"level": self.grid.get_level_display()}}
            )


class GridBaseRecord(models.Model):
    """Fields shared by the base data collected per grid (人、地、事、物、组织)."""

    grid = models.ForeignKey(Area, models.PROTECT, verbose_name=_("grid"), limit_choices_to={"level": "grid"})
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("standard address"), max_length=200)
    location = models.PointField(_("location"), srid=4326, null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name


class Building(GridBaseRecord):
    """A building with its standard address (四标四实: standard address, real house)."""

    code = models.CharField(_("building code"), max_length=30, unique=True)
    households = models.PositiveIntegerField(_("households"), default=0)
    floors = models.PositiveSmallIntegerField(_("floors"), default=1)

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        default_related_name = "buildings"
        indexes = [models.Index(fields=["address"], name="building_address_idx")]


class KeyPlace(GridBaseRecord):
    """A key place (重点场所) the grid watches: schools, markets, hazardous sites, …."""

    class Kind(models.TextChoices):
        SCHOOL = "school", _("School")
        HOSPITAL = "hospital", _("Hospital")
        MARKET = "market", _("Market")
        HAZARDOUS = "hazardous", _("Hazardous chemicals site")
        CROWDED = "crowded", _("Crowded venue")
        CONSTRUCTION = "construction", _("Construction site")
        RENTAL = "rental", _("Rental housing cluster")

    class Risk(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    place_code = models.CharField(_("place code"), max_length=30, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    risk_level = models.CharField(_("risk level"), max_length=10, choices=Risk.choices, default=Risk.LOW)

    class Meta:
        verbose_name = _("key place")
        verbose_name_plural = _("key places")
        default_related_name = "key_places"


class Organisation(GridBaseRecord):
    """An organisation in the grid: enterprise, shop, social or party organisation."""

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("Enterprise")
        SHOP = "shop", _("Shop")
        SOCIAL = "social", _("Social organisation")
        PARTY = "party", _("Party organisation")
        PUBLIC = "public", _("Public institution")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        default_related_name = "organisations"


class AreaStatistics(models.Model):
    """Counts per area, rolled up from its grids by `area_statistics_refresh`."""

    area = models.OneToOneField(Area, models.CASCADE, primary_key=True, related_name="statistics")
    grid_count = models.PositiveIntegerField(_("grids"), default=0)
    worker_count = models.PositiveIntegerField(_("grid workers"), default=0)
    member_count = models.PositiveIntegerField(_("grid members"), default=0)
    building_count = models.PositiveIntegerField(_("buildings"), default=0)
    household_count = models.PositiveIntegerField(_("households"), default=0)
    key_place_count = models.PositiveIntegerField(_("key places"), default=0)
    refreshed_at = models.DateTimeField(_("refreshed at"))

    class Meta:
        verbose_name = _("area statistics")
        verbose_name_plural = _("area statistics")
