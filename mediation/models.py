"""People's mediation (人民调解): organisations, mediators, cases with their parties, sessions,
agreements, judicial confirmation and follow-up visits, and each case's immutable timeline.

Mediation is free of charge by law (People's Mediation Law art. 4), so nothing here has a fee.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from incidents.models import AppendOnly, Permanent

EVENT_IS_IMMUTABLE = _("Mediation case events are never changed.")
EVENT_IS_PERMANENT = _("Mediation case events are never deleted.")
REVEAL_IS_IMMUTABLE = _("Reveals of a party's number are never changed.")
REVEAL_IS_PERMANENT = _("Reveals of a party's number are never deleted.")
CASE_IS_PERMANENT = _("Mediation cases are never deleted.")
# Judicial confirmation must be applied for jointly within 30 days of the agreement taking effect
# (People's Mediation Law art. 33).
CONFIRMATION_WINDOW = timedelta(days=30)
# A people's mediation committee has three to nine members, one of them its chair (art. 9).
COMMITTEE_SIZE = range(3, 10)
COMMITTEE_SIZE_WRONG = _("A mediation committee has 3 to 9 members; this one would have %(count)s.")
ONE_CHAIR = _("A mediation committee has exactly one chair.")


class DisputeType(models.TextChoices):
    """The categories of the people's-mediation statistics (domain.md §5)."""

    MARRIAGE_FAMILY = "marriage_family", _("Marriage, family and inheritance")
    NEIGHBOURS = "neighbours", _("Neighbours")
    HOUSING = "housing", _("Housing and homestead")
    DAMAGES = "damages", _("Damages")
    CONTRACT = "contract", _("Contracts")
    LAND_CONTRACTING = "land_contracting", _("Forest and land contracting")
    REQUISITION = "requisition", _("Land requisition and demolition")
    LABOUR = "labour", _("Labour")
    VILLAGE_AFFAIRS = "village_affairs", _("Village affairs")
    ENVIRONMENT = "environment", _("Environment")
    TRAFFIC = "traffic", _("Traffic accidents")
    MEDICAL = "medical", _("Medical")
    PROPERTY_MANAGEMENT = "property_management", _("Property management")
    OTHER = "other", _("Other")


class MediationOrganisation(models.Model):
    """A mediation organisation; it *is* a handling unit, so it sits on the units' chain.

    The primary key is the unit's: escalation moves a case to `unit.superior`'s organisation,
    the same rule by which work orders move up (accounts.HandlingUnit.superior).
    """

    class Kind(models.TextChoices):
        COMMITTEE = "committee", _("People's mediation committee")
        STREET_CENTRE = "street_centre", _("Street dispute-resolution centre")
        DISTRICT_CENTRE = "district_centre", _("District dispute-resolution centre")
        INDUSTRY = "industry", _("Industry or professional mediation committee")
        STUDIO = "studio", _("Personal-brand mediation studio")

    # The three levels on the chain; industry committees and studios take cases but sit beside it.
    CHAIN_KINDS = (Kind.COMMITTEE, Kind.STREET_CENTRE, Kind.DISTRICT_CENTRE)

    unit = models.OneToOneField("accounts.HandlingUnit", models.PROTECT, primary_key=True,
                                related_name="mediation_organisation", verbose_name=_("handling unit"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    speciality = models.CharField(_("speciality"), max_length=24, choices=DisputeType.choices, blank=True,
                                  help_text=_("The kind of dispute an industry committee or studio takes."))

    class Meta:
        verbose_name = _("mediation organisation")
        verbose_name_plural = _("mediation organisations")
        ordering = ["unit__code"]

    def __str__(self):
        return self.unit.name

    @property
    def name(self):
        return self.unit.name

    @property
    def is_committee(self):
        """Committees (people's and industry ones) are bound to their size and chair; centres and studios are not."""
        return self.kind in (self.Kind.COMMITTEE, self.Kind.INDUSTRY)

    def validate_members(self, positions):
        """Raise ValidationError unless a committee with members of these `positions` is lawful (art. 9)."""
        if not self.is_committee:
            return
        positions = list(positions)
        if len(positions) not in COMMITTEE_SIZE:
            raise ValidationError(COMMITTEE_SIZE_WRONG % {"count": len(positions)}, code="committee_size")
        if positions.count(CommitteeMember.Position.CHAIR) != 1:
            raise ValidationError(ONE_CHAIR, code="committee_chair")


class CommitteeMember(models.Model):
    """A member of a mediation committee (调委会): its chair, vice-chairs and members."""

    class Position(models.TextChoices):
        CHAIR = "chair", _("Chair")
        VICE_CHAIR = "vice_chair", _("Vice-chair")
        MEMBER = "member", _("Member")

    organisation = models.ForeignKey(MediationOrganisation, models.CASCADE, related_name="members",
                                     verbose_name=_("organisation"))
    name = models.CharField(_("name"), max_length=50)
    position = models.CharField(_("position"), max_length=10, choices=Position.choices, default=Position.MEMBER)

    class Meta:
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        ordering = ["organisation", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation"], condition=Q(position="chair"),
                                    name="committee_one_chair"),
        ]

    def __str__(self):
        return self.name


class Mediator(models.Model):
    """A people's mediator of an organisation; experts (专家库) may be called on by any level."""

    class Qualification(models.TextChoices):
        FULL_TIME = "full_time", _("Full-time people's mediator")
        PART_TIME = "part_time", _("Part-time people's mediator")
        LAWYER = "lawyer", _("Lawyer")
        RETIRED_JUDGE = "retired_judge", _("Retired judge")
        RETIRED_PROSECUTOR = "retired_prosecutor", _("Retired prosecutor")
        LEGAL_WORKER = "legal_worker", _("Grass-roots legal service worker")
        PSYCHOLOGIST = "psychologist", _("Psychological counsellor")

    name = models.CharField(_("name"), max_length=50)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                related_name="mediator", verbose_name=_("account"))
    organisation = models.ForeignKey(MediationOrganisation, models.PROTECT, related_name="mediators",
                                     verbose_name=_("organisation"))
    qualification = models.CharField(_("qualification"), max_length=20, choices=Qualification.choices)
    specialities = ArrayField(models.CharField(max_length=24, choices=DisputeType.choices), default=list,
                              blank=True, verbose_name=_("specialities"))
    is_expert = models.BooleanField(_("in the expert pool"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("mediator")
        verbose_name_plural = _("mediators")
        ordering = ["organisation", "name"]

    def __str__(self):
        return self.name


class ArchiveItem(models.TextChoices):
    """The documents of a case file (art. 27: registration, session records and the agreement)."""

    REGISTRATION = "registration", _("Registration form")
    SESSIONS = "sessions", _("Session records")
    AGREEMENT = "agreement", _("Mediation agreement")
    CONFIRMATION = "confirmation", _("Court ruling on judicial confirmation")
    FOLLOW_UPS = "follow_ups", _("Follow-up visit records")


class MediationCase(Permanent):
    """One dispute from registration to its outcome, agreement and follow-up."""

    NEVER_DELETED = CASE_IS_PERMANENT

    class Source(models.TextChoices):
        GRID = "grid", _("Grid discovery")
        WORK_ORDER = "work_order", _("Work order (hotline or grid)")
        POLICE = "police", _("110 police diversion")
        COURT = "court", _("Court pre-litigation referral")
        COURT_ENTRUSTED = "court_entrusted", _("Court-entrusted mediation")
        WALK_IN = "walk_in", _("Walk-in application")
        ONLINE = "online", _("Online application")

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        REFUSED = "refused", _("Not accepted")
        ACCEPTED = "accepted", _("Accepted")
        MEDIATING = "mediating", _("Mediating")
        AGREED = "agreed", _("Agreement reached")
        FAILED = "failed", _("Mediation failed")
        ARCHIVED = "archived", _("Closed and archived")

    class RefusalReason(models.TextChoices):
        COURT = "court", _("Already accepted by a court")
        ADMINISTRATIVE = "administrative", _("Already accepted by an administrative body")
        PARTY_REFUSES = "party_refuses", _("A party clearly refuses mediation")
        NOT_CIVIL = "not_civil", _("Not a civil dispute")

    class Guidance(models.TextChoices):
        LITIGATION = "litigation", _("Litigation at court")
        ARBITRATION = "arbitration", _("Arbitration")
        ADMINISTRATIVE = "administrative", _("Administrative handling")

    OPEN_STATUSES = (Status.REGISTERED, Status.ACCEPTED, Status.MEDIATING)

    number = models.CharField(_("number"), max_length=20, unique=True)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REGISTERED)
    organisation = models.ForeignKey(MediationOrganisation, models.PROTECT, related_name="cases",
                                     verbose_name=_("organisation"), db_index=False)  # case_org_status_idx
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name=_("registered by"))
    ticket = models.OneToOneField("incidents.Ticket", models.PROTECT, null=True, blank=True,
                                  related_name="mediation_case", verbose_name=_("work order"))
    dispute_type = models.CharField(_("dispute type"), max_length=24, choices=DisputeType.choices)
    amount_involved = models.DecimalField(_("amount involved (yuan)"), max_digits=14, decimal_places=2,
                                          null=True, blank=True)
    facts = models.TextField(_("main facts"))
    points_in_dispute = models.TextField(_("points in dispute"), blank=True)
    high_risk = models.BooleanField(_("high risk (may turn violent or collective)"), default=False)
    risk_note = models.TextField(_("risk note"), blank=True)
    mediators = models.ManyToManyField(Mediator, related_name="cases", blank=True, verbose_name=_("mediators"))

    refusal_reason = models.CharField(_("refusal reason"), max_length=16, choices=RefusalReason.choices,
                                      blank=True)
    guidance = models.CharField(_("guidance given"), max_length=16, choices=Guidance.choices, blank=True)
    outcome_note = models.TextField(_("outcome"), blank=True)

    due_at = models.DateTimeField(_("deadline"), null=True, blank=True)
    overdue_count = models.PositiveSmallIntegerField(_("times overdue"), default=0)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    # 结案归档 (art. 27): the case file closed under its archive number; the case is read-only then.
    archive_number = models.CharField(_("archive number"), max_length=20, blank=True)
    archive_contents = models.JSONField(_("archive contents"), default=dict, blank=True,
                                        help_text=_("How many documents of each kind the case file holds."))
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    archived_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("archived by"))

    class Meta:
        verbose_name = _("mediation case")
        verbose_name_plural = _("mediation cases")
        ordering = ["-created_at"]
        indexes = [
            # The escalation sweep: only running clocks are indexed.
            models.Index(fields=["due_at"], name="case_due_idx", condition=Q(due_at__isnull=False)),
            models.Index(fields=["organisation", "status"], name="case_org_status_idx"),
            models.Index(fields=["concluded_at"], name="case_concluded_idx", condition=Q(concluded_at__isnull=False)),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=("refused", "archived")) | Q(refusal_reason=""),
                                   name="case_refusal_reason_only_when_refused"),
            models.UniqueConstraint(fields=["archive_number"], condition=~Q(archive_number=""),
                                    name="case_archive_number_unique"),
        ]

    def __str__(self):
        return self.number

    def archive_listing(self):
        """Return the case file's documents as (label, count), in the order of ArchiveItem."""
        return [(item.label, self.archive_contents[item]) for item in ArchiveItem if item in self.archive_contents]

    @property
    def is_court_entrusted(self):
        """A court-entrusted case (委托调解) runs on the court's clock: 30 days, extendable once by 30."""
        return self.source == self.Source.COURT_ENTRUSTED


class CaseNumberCounter(models.Model):
    """The last number handed out on a day, for numbers like TJ202611230001."""

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)


class ArchiveNumberCounter(models.Model):
    """The last archive number handed out on a day, for numbers like GD202611230001."""

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)


class CaseEvent(AppendOnly, models.Model):
    """One step of a case's timeline; written once in the transaction of its change, never altered."""

    CHANGED, DELETED = EVENT_IS_IMMUTABLE, EVENT_IS_PERMANENT

    case = models.ForeignKey(MediationCase, models.PROTECT, related_name="events", verbose_name=_("case"))
    action = models.CharField(_("action"), max_length=24)
    from_status = models.CharField(_("from"), max_length=12, blank=True)
    to_status = models.CharField(_("to"), max_length=12)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("actor"))
    organisation = models.ForeignKey(MediationOrganisation, models.PROTECT, related_name="+",
                                     verbose_name=_("organisation after"))
    reason_code = models.CharField(_("reason code"), max_length=24, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("mediation case event")
        verbose_name_plural = _("mediation case events")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.case_id} {self.action} {self.from_status}→{self.to_status}"


class Party(models.Model):
    """An applicant or respondent: a person or an organisation.

    The ID number (or an organisation's unified social credit code) and the phone number are
    stored encrypted (govportal.crypto) beside their masked form; each reveal is logged.
    """

    class Role(models.TextChoices):
        APPLICANT = "applicant", _("Applicant")
        RESPONDENT = "respondent", _("Respondent")

    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        ORGANISATION = "organisation", _("Organisation")

    case = models.ForeignKey(MediationCase, models.PROTECT, related_name="parties", verbose_name=_("case"))
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.PERSON)
    name = models.CharField(_("name"), max_length=100)
    id_number_encrypted = models.TextField(blank=True)
    id_number_masked = models.CharField(_("ID number"), max_length=24, blank=True)
    phone_encrypted = models.TextField(blank=True)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    refuses_mediation = models.BooleanField(_("clearly refuses mediation"), default=False)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["case", "role", "id"]

    def __str__(self):
        return self.name


class PartyReveal(AppendOnly, models.Model):
    """Who saw a party's full ID or phone number, and when (PIPL: log who reveals them).

    An audit row: never changed nor deleted, and it keeps its party from being deleted.
    """

    CHANGED, DELETED = REVEAL_IS_IMMUTABLE, REVEAL_IS_PERMANENT

    class Field(models.TextChoices):
        ID_NUMBER = "id_number", _("ID number")
        PHONE = "phone", _("phone")

    party = models.ForeignKey(Party, models.PROTECT, related_name="reveals", verbose_name=_("party"))
    class Copy(models.TextChoices):
        """The agreement copy printed with the full number, when the reveal is one."""

        PARTIES = "parties", _("Parties' copy")
        COURT = "court", _("Court's copy")

    field = models.CharField(_("field"), max_length=10, choices=Field.choices)
    copy = models.CharField(_("printed on"), max_length=8, choices=Copy.choices, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("by"))
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reveal of a party's number")
        verbose_name_plural = _("reveals of parties' numbers")
        ordering = ["-created_at"]


class MediationSession(models.Model):
    """One mediation session (调解记录): when, where, who attended and what was said."""

    case = models.ForeignKey(MediationCase, models.PROTECT, related_name="sessions", verbose_name=_("case"))
    held_at = models.DateTimeField(_("held at"))
    place = models.CharField(_("place"), max_length=200)
    attendees = models.TextField(_("attendees"))
    record = models.TextField(_("record"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+",
                                    verbose_name=_("recorded by"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mediation session")
        verbose_name_plural = _("mediation sessions")
        ordering = ["held_at", "id"]


class Agreement(models.Model):
    """The mediation agreement (调解协议, art. 28–31), written or oral, and what became of it."""

    class Kind(models.TextChoices):
        WRITTEN = "written", _("Written agreement")
        ORAL = "oral", _("Oral agreement")

    class Confirmation(models.TextChoices):
        APPLIED = "applied", _("Applied for")
        CONFIRMED = "confirmed", _("Confirmed")
        REFUSED = "refused", _("Refused")

    class Route(models.TextChoices):
        """Where the parties go once the court refuses to confirm the agreement (Civil Procedure Law art. 202)."""

        MEDIATION = "mediation", _("Back to mediation: change the agreement or reach a new one")
        LITIGATION = "litigation", _("Litigation at court")

    class Performance(models.TextChoices):
        PENDING = "pending", _("Not yet visited")
        PERFORMING = "performing", _("Being performed")
        PERFORMED = "performed", _("Fully performed")
        NOT_PERFORMED = "not_performed", _("Not performed")

    case = models.OneToOneField(MediationCase, models.PROTECT, related_name="agreement", verbose_name=_("case"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    responsibilities = models.TextField(_("each party's responsibility"), blank=True)
    obligations = models.TextField(_("agreed obligations"))
    performance_manner = models.TextField(_("manner of performance"))
    performance_deadline = models.DateField(_("performance deadline"))
    # Written: when the parties and the mediator signed; oral: when the mediator recorded it.
    effective_on = models.DateField(_("effective on"), null=True, blank=True)
    confirmation = models.CharField(_("judicial confirmation"), max_length=10, choices=Confirmation.choices,
                                    blank=True)
    confirmation_applied_on = models.DateField(_("confirmation applied on"), null=True, blank=True)
    confirmation_court = models.CharField(_("court"), max_length=100, blank=True)
    confirmation_number = models.CharField(_("confirmation case number (调确字)"), max_length=60, blank=True)
    confirmation_decided_on = models.DateField(_("decided on"), null=True, blank=True)
    confirmation_route = models.CharField(_("parties' route after refusal"), max_length=10, choices=Route.choices,
                                          blank=True)
    performance = models.CharField(_("performance"), max_length=14, choices=Performance.choices,
                                   default=Performance.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mediation agreement")
        verbose_name_plural = _("mediation agreements")

    @property
    def confirmation_deadline(self):
        """Return the last day to apply for judicial confirmation, once the agreement is in effect."""
        return self.effective_on + CONFIRMATION_WINDOW if self.effective_on else None

    @property
    def confirmation_pending(self):
        """Return whether the court has yet to decide on an application."""
        return self.confirmation == self.Confirmation.APPLIED


class FollowUpVisit(models.Model):
    """A follow-up visit (回访): is the agreement being performed?"""

    case = models.ForeignKey(MediationCase, models.PROTECT, related_name="follow_ups", verbose_name=_("case"))
    visited_on = models.DateField(_("visited on"))
    performance = models.CharField(_("performance"), max_length=14, choices=Agreement.Performance.choices)
    note = models.TextField(_("note"), blank=True)
    visited_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name=_("visited by"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up visit")
        verbose_name_plural = _("follow-up visits")
        ordering = ["visited_on", "id"]
