"""The points ledger (积分), the one ledger of the platform: hours of service, citizens' valid reports
(随手拍), corrections, and redemption at partner shops; earning by a city's rules.

A balance is always the sum of a participant's entries (`points_balance`); nothing stores it. The
table refuses UPDATE and DELETE (migration 0003), so a mistake is put right by a CORRECTION entry.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils.translation import gettext_lazy as _

from accounts.access import OUTSIDE_SCOPE, is_in_scope
from govportal import crypto
from govportal.crypto import blind_index
from govportal.masking import mask_phone
from govportal.workflow import ROLE_NOT_ALLOWED, TransitionNotAllowed

from .models import PartnerOffer, Participant, ParticipantEvent, PointEntry, PointReason, PointRule, Redemption
from .selectors import community_of_report
from .workflow import COMMUNITY_ROLES, ParticipationInputError

NOT_ENOUGH_POINTS = _("Not enough points: %(balance)d, and this costs %(points)d.")
OUT_OF_STOCK = _("This offer is out of stock.")
NOT_YOUR_COMMUNITYS_OFFER = _("This offer is for the participants of another community.")
NOTE_REQUIRED = _("Say why the points are corrected.")
NO_ZERO_CORRECTION = _("A correction adds or takes away at least one point.")


def city_rule_points(*, community, reason, default=0):
    """Return the points the city of `community` gives for one unit of `reason` (`default` without a rule)."""
    city = community.parent.parent.parent  # community → street → district → city
    rule = PointRule.objects.filter(city=city, reason=reason).first()
    return rule.points if rule is not None else default


def points_balance(participant):
    """Return the participant's balance: the sum of their entries."""
    return participant.point_entries.aggregate(total=Sum("points"))["total"] or 0


def points_for_claim(claim):
    """Credit the confirmed hours of `claim` by its city's rule, in the caller's transaction (once: one entry a claim)."""
    points = round(city_rule_points(community=claim.task.community, reason=PointReason.CONFIRMED_HOUR)
                   * claim.hours_credited)
    if points:
        PointEntry.objects.create(participant_id=claim.participant_id, reason=PointReason.CONFIRMED_HOUR,
                                  points=points, claim=claim, note=str(claim.task))


def reporter_registration(*, community, phone):
    """Return the registration of `phone` with `community`, registering the citizen as a resident reporter
    (confirmed: their report was valid) if they have none."""
    found = Participant.objects.filter(community=community, phone_hash=blind_index(phone)).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():  # a savepoint: another report of the same phone may register it first
            participant = Participant.objects.create(
                community=community, kind=Participant.Kind.RESIDENT, name=mask_phone(phone),
                status=Participant.Status.CONFIRMED, **crypto.sealed("phone", phone, mask=mask_phone, indexed=True))
            ParticipantEvent.objects.create(participant=participant, action="first_report",
                                            to_status=participant.status)
    except IntegrityError:
        return Participant.objects.get(community=community, phone_hash=blind_index(phone))
    return participant


def points_for_report(*, ticket, phone):
    """Credit a citizen's valid report to the reporter's registration in the report's community, in the
    caller's transaction (the work order's row locked); once per work order. The city's rule sets the
    points, the platform's CITIZEN_REPORT_POINTS where the city set none."""
    community = community_of_report(ticket)
    if community is None or PointEntry.objects.filter(ticket=ticket).exists():
        return
    points = city_rule_points(community=community, reason=PointReason.VALID_REPORT,
                              default=settings.CITIZEN_REPORT_POINTS)
    if points:
        PointEntry.objects.create(participant=reporter_registration(community=community, phone=phone),
                                  reason=PointReason.VALID_REPORT, points=points, ticket=ticket, note=ticket.number)


def points_correct(*, actor, participant_id, points, note):
    """Put a participant's points right by a new entry (never by changing one), saying why."""
    participant = Participant.objects.select_related("community").get(pk=participant_id)
    if not actor.is_superuser and actor.role not in COMMUNITY_ROLES:
        raise PermissionDenied(ROLE_NOT_ALLOWED)
    if not is_in_scope(actor, participant.community.code):
        raise PermissionDenied(OUTSIDE_SCOPE)
    if not note.strip():
        raise ParticipationInputError(NOTE_REQUIRED, "note")
    if not points:
        raise ParticipationInputError(NO_ZERO_CORRECTION, "points")
    return PointEntry.objects.create(participant=participant, reason=PointReason.CORRECTION, points=points,
                                     note=note.strip(), entered_by=actor)


def offer_redeem(*, offer_id, participant):
    """Redeem an offer with points: record the redemption and its negative entry, one item from the stock.

    1. Lock the participant's row: two redemptions of one person are serialised, so the balance
       read is the balance spent (it never goes below zero).
    2. Take one from the stock with a conditional UPDATE (stock > 0) and check the row count: two
       people at once never take the last item twice, and the stock never goes negative.
    """
    with transaction.atomic():
        participant = Participant.objects.select_for_update().get(pk=participant.pk)
        offer = PartnerOffer.objects.get(pk=offer_id, is_active=True)
        if offer.community_id != participant.community_id:
            raise PermissionDenied(NOT_YOUR_COMMUNITYS_OFFER)
        balance = points_balance(participant)
        if balance < offer.points:
            raise ParticipationInputError(NOT_ENOUGH_POINTS % {"balance": balance, "points": offer.points}, "offer")
        if not PartnerOffer.objects.filter(pk=offer.pk, stock__gt=0).update(stock=F("stock") - 1):
            raise TransitionNotAllowed(OUT_OF_STOCK)
        redemption = Redemption.objects.create(offer=offer, participant=participant, points=offer.points)
        PointEntry.objects.create(participant=participant, reason=PointReason.REDEMPTION, points=-offer.points,
                                  redemption=redemption, note=str(offer))
    return redemption


def monthly_ranking(*, community, period, limit=20):
    """Return the participants of `community` by the points they earned in `period` (spending aside), most first."""
    start, end = period.bounds()
    earned = PointEntry.objects.filter(participant__community=community, points__gt=0, created_at__gte=start,
                                       created_at__lt=end).exclude(reason=PointReason.CORRECTION)
    return list(earned.values("participant", "participant__name").annotate(points=Sum("points"))
                .order_by("-points", "participant__name")[:limit])


def offer_post(*, actor, community, shop, item, points, stock):
    """List a partner shop's offer for the participants of `community`."""
    if not actor.is_superuser and actor.role not in COMMUNITY_ROLES:
        raise PermissionDenied(ROLE_NOT_ALLOWED)
    if not is_in_scope(actor, community.code):
        raise PermissionDenied(OUTSIDE_SCOPE)
    return PartnerOffer.objects.create(community=community, shop=shop.strip(), item=item.strip(), points=points,
                                       stock=stock)
