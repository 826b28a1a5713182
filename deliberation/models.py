"""议事协商: residents raise topics (议题) and support them, the community puts chosen topics before a
meeting (议事会) that votes on each, publishes the decision (公示) for a set number of days, and turns
an adopted decision needing government action into work orders, followed until they are all closed.

A resident is the holder of a phone proved by an SMS code (participation.identity): only the keyed
hash of that phone is kept, never the number.
"""

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from incidents.models import AppendOnly

EVENT_IS_IMMUTABLE = _("Deliberation events are never changed.")
EVENT_IS_PERMANENT = _("Deliberation events are never deleted.")


class Meeting(models.Model):
    """A deliberation meeting (议事会) of a community: who was invited, who came, and its minutes."""

    community = models.ForeignKey("grids.Area", models.PROTECT, related_name="deliberation_meetings",
                                  verbose_name=_("community"))
    title = models.CharField(_("title"), max_length=100)
    held_at = models.DateTimeField(_("held at"))
    place = models.CharField(_("place"), max_length=200)
    invited_participants = models.ManyToManyField(
        "participation.Participant", related_name="deliberation_invitations", blank=True,
        verbose_name=_("invited residents' representatives"))
    invited_units = models.ManyToManyField("accounts.HandlingUnit", related_name="deliberation_invitations",
                                           blank=True, verbose_name=_("invited departments"))
    invited_others = models.CharField(_("other invited parties"), max_length=300, blank=True,
                                      help_text=_("The property company, the owners' committee, …"))
    minutes = models.TextField(_("minutes"), blank=True)
    called_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                  verbose_name=_("called by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("deliberation meeting")
        verbose_name_plural = _("deliberation meetings")
        ordering = ["-held_at", "-pk"]

    def __str__(self):
        return self.title


class Attendance(models.Model):
    """A participant's presence at a meeting, with the points it earned them (one entry, credited once)."""

    meeting = models.ForeignKey(Meeting, models.PROTECT, related_name="attendances", verbose_name=_("meeting"))
    participant = models.ForeignKey("participation.Participant", models.PROTECT, related_name="attendances",
                                    verbose_name=_("participant"))
    point_entry = models.OneToOneField("participation.PointEntry", models.PROTECT, null=True, blank=True,
                                       related_name="attendance", verbose_name=_("points entry"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ["meeting", "pk"]
        constraints = [models.UniqueConstraint(fields=["meeting", "participant"],
                                               name="attendance_once_per_meeting")]


class Topic(models.Model):
    """A topic (议题) raised by a resident on their phone or by community staff, from support to its implementation."""

    class Status(models.TextChoices):
        RAISED = "raised", _("Raised")
        SELECTED = "selected", _("On a meeting's agenda")
        DECIDED = "decided", _("Decided")
        PUBLISHED = "published", _("Published")
        IMPLEMENTED = "implemented", _("Implemented")
        CLOSED = "closed", _("Closed")

    class Result(models.TextChoices):
        ADOPTED = "adopted", _("Adopted")
        REJECTED = "rejected", _("Rejected")

    community = models.ForeignKey("grids.Area", models.PROTECT, related_name="deliberation_topics",
                                  verbose_name=_("community"))
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), max_length=2000)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.RAISED)
    # Who raised it: a resident (the keyed hash of their proved phone) or a member of staff.
    raised_by_phone_hash = models.CharField(max_length=64, blank=True, editable=False)
    raised_by_staff = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                        related_name="+", verbose_name=_("raised by staff"))
    meeting = models.ForeignKey(Meeting, models.PROTECT, null=True, blank=True, related_name="agenda",
                                verbose_name=_("meeting"))
    votes_for = models.PositiveIntegerField(_("for"), null=True, blank=True)
    votes_against = models.PositiveIntegerField(_("against"), null=True, blank=True)
    votes_abstain = models.PositiveIntegerField(_("abstained"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=10, choices=Result.choices, blank=True)
    decision = models.TextField(_("decision"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    public_until = models.DateField(_("public until"), null=True, blank=True,
                                    help_text=_("The last day the decision is shown on the community's public page."))
    implemented_at = models.DateTimeField(_("implemented at"), null=True, blank=True)
    created_at = models.DateTimeField(_("raised at"), auto_now_add=True)

    class Meta:
        verbose_name = _("deliberation topic")
        verbose_name_plural = _("deliberation topics")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["community", "created_at"], name="topic_community_raised_idx"),
            # What the community's public page lists: decisions still within their 公示 days.
            models.Index(fields=["community", "public_until"], name="topic_public_idx",
                         condition=Q(public_until__isnull=False)),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(raised_by_phone_hash="") | Q(raised_by_staff__isnull=False),
                                   name="topic_raised_by_someone"),
            models.CheckConstraint(condition=Q(result="") | Q(decided_at__isnull=False),
                                   name="topic_result_when_decided"),
        ]

    def __str__(self):
        return self.title


class TopicPhoto(models.Model):
    """A photo sent with a topic (re-encoded without its metadata, like every photo)."""

    topic = models.ForeignKey(Topic, models.PROTECT, related_name="photos", verbose_name=_("topic"))
    image = models.ImageField(_("image"))
    thumbnail = models.ImageField(_("thumbnail"))
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("topic photo")
        verbose_name_plural = _("topic photos")


class Support(models.Model):
    """One resident's support of a topic: one a phone (its keyed hash), whatever they try."""

    topic = models.ForeignKey(Topic, models.PROTECT, related_name="supports", verbose_name=_("topic"))
    phone_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [models.UniqueConstraint(fields=["topic", "phone_hash"], name="support_once_per_resident")]


class TopicWorkOrder(models.Model):
    """A work order made to carry out a decision: the topic follows it until it is closed."""

    topic = models.ForeignKey(Topic, models.PROTECT, related_name="work_orders", verbose_name=_("topic"))
    ticket = models.OneToOneField("incidents.Ticket", models.PROTECT, related_name="deliberation_link",
                                  verbose_name=_("work order"))

    class Meta:
        verbose_name = _("work order of a decision")
        verbose_name_plural = _("work orders of decisions")
        ordering = ["pk"]


class TopicEvent(AppendOnly, models.Model):
    """One step of a topic: who (staff, the resident or the system) moved it, from which state, and why."""

    CHANGED, DELETED = EVENT_IS_IMMUTABLE, EVENT_IS_PERMANENT

    topic = models.ForeignKey(Topic, models.PROTECT, related_name="events", verbose_name=_("topic"))
    action = models.CharField(_("action"), max_length=24)
    from_status = models.CharField(_("from"), max_length=12, blank=True)
    to_status = models.CharField(_("to"), max_length=12)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("staff"))
    system = models.CharField(_("system actor"), max_length=40, blank=True,
                              help_text=_("Empty with no staff named: the resident who raised it."))
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("topic event")
        verbose_name_plural = _("topic events")
        ordering = ["created_at", "pk"]
        constraints = [models.CheckConstraint(condition=Q(actor__isnull=True) | Q(system=""),
                                              name="topicevent_one_actor")]
