"""Residents take part (群众参与): volunteers, in-service party members and social workers who register
with a community, the teams they form, and the tasks (接单) communities post for them.

A participant is not a staff account: they sign in on their phone with an SMS code
(participation.identity). Their phone number is personal data, kept sealed (govportal.crypto).
"""

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from incidents.models import AppendOnly

EVENT_IS_IMMUTABLE = _("Participation events are never changed.")
EVENT_IS_PERMANENT = _("Participation events are never deleted.")


class Participant(models.Model):
    """A person (or a social organisation) registered with a community to take part in its work."""

    class Kind(models.TextChoices):
        VOLUNTEER = "volunteer", _("Volunteer")
        PARTY_MEMBER = "party_member", _("In-service party member")
        SOCIAL_WORKER = "social_worker", _("Social worker")
        SOCIAL_ORGANISATION = "social_organisation", _("Social organisation")

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Not confirmed")

    community = models.ForeignKey("grids.Area", models.PROTECT, related_name="participants",
                                  verbose_name=_("community reported to"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    phone_encrypted = models.TextField(_("phone (encrypted)"), editable=False)
    phone_masked = models.CharField(_("phone"), max_length=20, editable=False)
    phone_hash = models.CharField(_("phone (keyed hash)"), max_length=64, editable=False)
    work_unit = models.CharField(_("work unit"), max_length=100, blank=True,
                                 help_text=_("Where an in-service party member works (在职党员报到)."))
    skills = models.CharField(_("skills"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("entered by"),
                                   help_text=_("Empty when the person registered themselves on their phone."))
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["community__code", "name"]
        constraints = [
            # One registration per phone and community; the keyed hash finds it without the number.
            models.UniqueConstraint(fields=["community", "phone_hash"], name="participant_one_per_phone_community"),
            models.CheckConstraint(condition=Q(work_unit="") | Q(kind="party_member"),
                                   name="participant_work_unit_of_party_members"),
        ]
        indexes = [models.Index(fields=["phone_hash"], name="participant_phone_idx")]

    def __str__(self):
        return self.name


class ParticipantEvent(AppendOnly, models.Model):
    """One step of a registration: registered, confirmed or not, by whom and why."""

    CHANGED, DELETED = EVENT_IS_IMMUTABLE, EVENT_IS_PERMANENT

    participant = models.ForeignKey(Participant, models.PROTECT, related_name="events",
                                    verbose_name=_("participant"))
    action = models.CharField(_("action"), max_length=24)
    from_status = models.CharField(_("from"), max_length=12, blank=True)
    to_status = models.CharField(_("to"), max_length=12)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("by"), help_text=_("Empty for the person themselves."))
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("participant event")
        verbose_name_plural = _("participant events")
        ordering = ["created_at", "pk"]


class Team(models.Model):
    """A team of a community (志愿服务队, 红袖章 patrol team, party branch) with its leader."""

    class Kind(models.TextChoices):
        VOLUNTEER_TEAM = "volunteer_team", _("Volunteer service team")
        PATROL = "patrol", _("Red-armband patrol team")
        PARTY_BRANCH = "party_branch", _("Party branch")

    community = models.ForeignKey("grids.Area", models.PROTECT, related_name="participation_teams",
                                  verbose_name=_("community"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    leader = models.ForeignKey(Participant, models.PROTECT, related_name="teams_led", verbose_name=_("leader"))
    members = models.ManyToManyField(Participant, related_name="teams", verbose_name=_("members"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["community__code", "name"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="team_unique_name_in_community")]

    def __str__(self):
        return self.name
