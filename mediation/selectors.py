"""Reads of mediation: who sees which case, where a dispute goes, mediators' load and statistics."""

from django.db.models import Avg, Count, F, Q

from accounts.access import is_in_scope, scope_q, visible_one
from accounts.models import User
from grids.models import Area
from incidents.models import Ticket
from incidents.selectors import ticket_list
from incidents.workflow import TRANSITIONS as TICKET_TRANSITIONS

from .models import Agreement, DisputeType, MediationCase, MediationOrganisation, Mediator, Party

# Leaders oversee the cases of their area (分级授权); mediators see their cases.
OVERSEERS = (User.Role.LEADER,)
# Who reads the statistics and monthly reports (of their area).
FIGURES_ROLES = (User.Role.MEDIATOR, User.Role.LEADER)
ORGANISATION_CODE = "organisation__unit__area__code"
# Work-order roles that may refer a dispute to mediation from a ticket they can see.
REFERRERS = (User.Role.COMMUNITY_STAFF, User.Role.STREET_COORDINATOR, User.Role.DEPARTMENT_HANDLER,
             User.Role.HOTLINE_OPERATOR, User.Role.MEDIATOR)
# A referral suspends the work order, so it is referable exactly when incidents allows "suspend".
REFERABLE_STATUSES = TICKET_TRANSITIONS["suspend"].sources
DISTRICT_CODE_LENGTH = 6  # area codes: 6 digits for a district, then 3 per level
COURT_NAME = "%(district)s人民法院"  # a proper name, in Chinese whatever the page language


# Who sees a case, in its two forms (a filter and a test of one row); keep them together.
def case_list(*, user):
    """Return the cases `user` may see: a mediator those of their organisation or assigned to
    them (escalated-in cases are their organisation's), a leader those in their area."""
    if not user.is_authenticated or not user.is_active:
        return MediationCase.objects.none()
    if user.is_superuser:
        return MediationCase.objects.all()
    if user.role == User.Role.MEDIATOR:
        return MediationCase.objects.filter(
            Q(organisation_id=user.unit_id) | Q(pk__in=Mediator.objects.filter(user=user).values("cases"))
        )
    if user.role in OVERSEERS:
        return MediationCase.objects.filter(scope_q(user, code_field=ORGANISATION_CODE))
    return MediationCase.objects.none()


def case_is_visible(*, user, case):
    """Return whether `case` is among case_list(user=user)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if user.role == User.Role.MEDIATOR:
        return case.organisation_id == user.unit_id or case.mediators.filter(user=user).exists()
    if user.role in OVERSEERS:
        return is_in_scope(user, case.organisation.unit.area.code)
    return False


def case_get(*, user, case_id):
    """Return the case if `user` may see it; MediationCase.DoesNotExist otherwise, whether it exists or not."""
    return visible_one(case_list(user=user).select_related(
        "organisation__unit__area", "ticket", "agreement", "registered_by", "archived_by"), case_id)


def party_get(*, user, party_id):
    """Return the party if `user` may see its case; Party.DoesNotExist otherwise."""
    return visible_one(Party.objects.filter(case__in=case_list(user=user)).select_related("case"), party_id)


def case_board(*, user):
    """Return the user's cases: high-risk and overdue first, then the nearest deadline."""
    cases = case_list(user=user).select_related("organisation__unit")
    return cases.order_by("-high_risk", "-overdue_count", F("due_at").asc(nulls_last=True), "-created_at")


def organisation_for_place(*, area_code):
    """Return the lowest chain organisation (committee, street centre, district centre) serving
    the area with `area_code`, or None.

    One query: the codes of every enclosing area are the prefixes of `area_code` (6 digits for a
    district, then 3 per level), so the match is an IN over those codes, longest first.
    """
    prefixes = [area_code[:length] for length in range(6, len(area_code) + 1, 3)]
    return (
        MediationOrganisation.objects.filter(
            kind__in=MediationOrganisation.CHAIN_KINDS, unit__is_active=True, unit__area__code__in=prefixes
        )
        .select_related("unit__area")
        .order_by("-unit__area__code")  # of two prefixes of one code, the longer sorts last
        .first()
    )


def superior_organisation(organisation):
    """Return the organisation of `organisation`'s superior unit (the chain work orders follow), or None."""
    superior_id = organisation.unit.superior_id
    if superior_id is None:
        return None
    return MediationOrganisation.objects.filter(pk=superior_id).select_related("unit").first()


def jurisdiction_court(case):
    """Return the basic people's court with jurisdiction: the district's court where the committee sits
    (People's Mediation Law art. 33)."""
    district = Area.objects.filter(level=Area.Level.DISTRICT,
                                   code=case.organisation.unit.area.code[:DISTRICT_CODE_LENGTH]).first()
    return COURT_NAME % {"district": district.name} if district else ""


def mediator_list(*, organisation=None, experts=False):
    """Return active mediators with their current load (open cases), lightest first.

    `organisation` limits to its mediators; with `experts` the expert pool is added, which any
    level may call on.
    """
    mediators = Mediator.objects.filter(is_active=True)
    if organisation is not None:
        where = Q(organisation=organisation)
        if experts:
            where |= Q(is_expert=True)
        mediators = mediators.filter(where)
    return (
        mediators.select_related("organisation__unit")
        .annotate(load=Count("cases", filter=Q(cases__status__in=MediationCase.OPEN_STATUSES)))
        .order_by("load", "name")
    )


def referable_tickets(*, user):
    """Return the dispute work orders `user` may refer to mediation now."""
    if user.role not in REFERRERS and not user.is_superuser:
        return Ticket.objects.none()
    return (
        ticket_list(user=user)
        .filter(category__is_dispute=True, status__in=REFERABLE_STATUSES, mediation_case__isnull=True)
        .select_related("category", "handling_unit")
        .order_by("-created_at")
    )


def _rate(numerator, denominator):
    return round(numerator / denominator, 4) if denominator else None


# A concluded case was mediated unless it was refused (refused cases are never accepted, but
# they conclude too); it succeeded when an agreement was reached. Both hold once it is archived.
MEDIATED = Q(accepted_at__isnull=False)
SUCCESSFUL = Q(agreement__isnull=False)


def _outcomes(concluded, **more):
    """Return, in one query, how many of the `concluded` cases were mediated ("concluded"), how many
    of those reached an agreement (successful), the success rate (调解成功率 = successful / mediated,
    domain.md §5) and the aggregates `more` (over the mediated ones)."""
    figures = concluded.filter(MEDIATED).aggregate(
        concluded=Count("id"), successful=Count("id", filter=SUCCESSFUL), **more
    )
    return figures | {"success_rate": _rate(figures["successful"], figures["concluded"])}


def case_statistics(*, area_code, period):
    """Return the figures of the cases of organisations in the area `area_code`, for the days of `period`.

    Counts by type, level, organisation and source are over cases registered in the period;
    success rate (调解成功率) = agreements / mediations concluded and the average duration (days from
    registration) are over mediations concluded in the period (refused cases were not mediated: they
    are counted apart); the performance rate = agreements fully performed / agreements reached in
    the period.
    """
    cases, (since, until) = _cases_in_area(area_code), period.bounds()
    registered = cases.filter(created_at__gte=since, created_at__lt=until)

    def by(field, labels=None, label_field=None):
        """Count per `field`, labelled from `labels` or from `label_field` of the same rows."""
        columns = [field, label_field] if label_field else [field]
        rows = registered.values(*columns).annotate(n=Count("id")).order_by("-n", field)
        return [{"key": row[field], "label": row[label_field] if label_field else labels[row[field]],
                 "count": row["n"]} for row in rows]

    concluded_cases = cases.filter(concluded_at__gte=since, concluded_at__lt=until)
    concluded = _outcomes(concluded_cases, average_duration=Avg(F("concluded_at") - F("created_at")))
    agreements = Agreement.objects.filter(case__in=concluded_cases)
    performance = agreements.aggregate(
        agreements=Count("pk"), performed=Count("pk", filter=Q(performance=Agreement.Performance.PERFORMED))
    )
    duration = concluded["average_duration"]
    return {
        "registered": registered.count(),
        "by_type": by("dispute_type", dict(DisputeType.choices)),
        "by_level": by("organisation__kind", dict(MediationOrganisation.Kind.choices)),
        "by_organisation": by("organisation__unit__code", label_field="organisation__unit__name"),
        "by_source": by("source", dict(MediationCase.Source.choices)),
        "refused": concluded_cases.exclude(MEDIATED).count(),
        "concluded": concluded["concluded"],
        "successful": concluded["successful"],
        "success_rate": concluded["success_rate"],
        "agreements": performance["agreements"],
        "performed": performance["performed"],
        "performance_rate": _rate(performance["performed"], performance["agreements"]),
        "average_duration_days": round(duration.total_seconds() / 86400, 1) if duration is not None else None,
    }


def _cases_in_area(area_code):
    """Return the cases of the organisations inside the area `area_code` (by its scope prefix)."""
    prefix = Area.objects.get(code=area_code).scope_prefix
    return MediationCase.objects.filter(**{f"{ORGANISATION_CODE}__startswith": prefix})


def success_rate_for_area(*, area_code, period):
    """Return {"concluded", "successful", "success_rate"} for mediations by organisations in the area
    `area_code` concluded on the days of `period` (the dashboards' figures; refused cases not counted)."""
    since, until = period.bounds()
    return _outcomes(_cases_in_area(area_code).filter(concluded_at__gte=since, concluded_at__lt=until))
