"""A grid worker's field work: patrols (巡查) with their GPS track and findings, and the daily check-in (签到)."""

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from incidents.models import AppendOnly


class Patrol(models.Model):
    """One walk of a grid worker through their grid, from start to end, with its track.

    The track is personal data: only the worker and their community's leadership and up see it
    (selectors.patrol_list), and it is deleted after FIELDWORK_TRACK_RETENTION_DAYS (tasks).
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("On patrol")
        ENDED = "ended", _("Ended")

    worker = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="patrols",
                               verbose_name=_("grid worker"))
    grid = models.ForeignKey("grids.Area", models.PROTECT, related_name="patrols", verbose_name=_("grid"),
                             limit_choices_to={"level": "grid"})
    area_code = models.CharField(_("grid code"), max_length=15)  # the grid's code, for scoping without a join
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    # Built in PostGIS from the points in sequence order (services.track_append, track_rebuild), never sent by a client.
    track = models.LineStringField(_("track"), srid=4326, null=True, blank=True)
    distance_m = models.FloatField(_("distance (m)"), default=0)
    point_count = models.PositiveIntegerField(_("points"), default=0)
    last_seq = models.BigIntegerField(_("last point's sequence number"), null=True, blank=True)

    class Meta:
        verbose_name = _("patrol")
        verbose_name_plural = _("patrols")
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["area_code", "started_at"], name="patrol_area_started_idx",
                         opclasses=["varchar_pattern_ops", "timestamptz_ops"]),
            models.Index(fields=["started_at"], name="patrol_started_idx"),
        ]
        constraints = [
            # One patrol at a time: a second start while one is open is refused (services.patrol_start).
            models.UniqueConstraint(fields=["worker"], condition=Q(status="active"), name="patrol_one_active_per_worker"),
            models.CheckConstraint(condition=Q(status="active", ended_at__isnull=True)
                                   | Q(status="ended", ended_at__isnull=False), name="patrol_ended_has_end"),
        ]

    def __str__(self):
        return f"{self.worker} · {self.grid.name} · {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def duration(self):
        """Return the time on patrol so far (to the end, once ended); None before the end for an open patrol."""
        return self.ended_at - self.started_at if self.ended_at else None


class PatrolEvent(AppendOnly, models.Model):
    """One step of a patrol's course (start, end), written by the workflow engine."""

    patrol = models.ForeignKey(Patrol, models.CASCADE, related_name="events", verbose_name=_("patrol"))
    action = models.CharField(_("action"), max_length=20)
    from_status = models.CharField(_("from"), max_length=10, blank=True)
    to_status = models.CharField(_("to"), max_length=10)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("actor"))
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("patrol event")
        verbose_name_plural = _("patrol events")
        ordering = ["created_at", "pk"]


class PatrolPoint(models.Model):
    """One GPS fix of a patrol; `seq` is the phone's sequence number, so a batch sent twice is stored once."""

    patrol = models.ForeignKey(Patrol, models.CASCADE, related_name="points", verbose_name=_("patrol"))
    seq = models.BigIntegerField(_("sequence number"))
    location = models.PointField(_("location"), srid=4326, spatial_index=False)
    accuracy_m = models.FloatField(_("accuracy (m)"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("patrol point")
        verbose_name_plural = _("patrol points")
        constraints = [models.UniqueConstraint(fields=["patrol", "seq"], name="patrolpoint_one_per_seq")]


class PatrolFinding(models.Model):
    """What the worker noted at a place on the patrol: a problem (reported as a work order) or nothing found."""

    class Kind(models.TextChoices):
        PROBLEM = "problem", _("Problem reported")
        NOTHING_FOUND = "nothing_found", _("Nothing found")

    patrol = models.ForeignKey(Patrol, models.CASCADE, related_name="findings", verbose_name=_("patrol"))
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices)
    location = models.PointField(_("location"), srid=4326, spatial_index=False)
    note = models.CharField(_("note"), max_length=200, blank=True)
    ticket = models.OneToOneField("incidents.Ticket", models.PROTECT, null=True, blank=True,
                                  related_name="patrol_finding", verbose_name=_("work order"))
    created_at = models.DateTimeField(_("noted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("patrol finding")
        verbose_name_plural = _("patrol findings")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind="problem", ticket__isnull=False)
                                   | Q(kind="nothing_found", ticket__isnull=True), name="finding_problem_has_ticket"),
        ]


class CheckIn(models.Model):
    """A grid worker's daily check-in (签到), made standing inside their grid."""

    worker = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="check_ins",
                               verbose_name=_("grid worker"))
    grid = models.ForeignKey("grids.Area", models.PROTECT, related_name="check_ins", verbose_name=_("grid"))
    area_code = models.CharField(_("grid code"), max_length=15)
    day = models.DateField(_("day"))
    checked_in_at = models.DateTimeField(_("checked in at"))
    location = models.PointField(_("location"), srid=4326, spatial_index=False)
    accuracy_m = models.FloatField(_("accuracy (m)"), null=True, blank=True)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["-checked_in_at"]
        constraints = [models.UniqueConstraint(fields=["worker", "day"], name="checkin_one_per_worker_day")]
