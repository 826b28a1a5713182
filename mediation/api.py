"""REST API of people's mediation: cases, one POST per action, referral, reveal, figures and reports."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListCreateAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import scope_area, sees_areas
from govportal.api import NewestFirstPagination, action_urls, found_or_not_found
from govportal.dates import DateTimeInputField
from govportal.periods import RequiredMonthInput, RequiredPeriodInput
from govportal.workflow import ROLE_NOT_ALLOWED
from grids.selectors import area_get, root_area
from incidents.models import Ticket

from . import services
from .documents import agreement_pdf_response
from .filters import CaseFilter
from .models import Agreement, DisputeType, MediationCase, Mediator, Party, PartyReveal
from .reports import XLSX, monthly_report_response
from .selectors import FIGURES_ROLES, case_get, case_list, case_statistics, mediator_list
from .workflow import CASES

NO_SUCH_CASE = _("No such case.")
NO_WRITTEN_AGREEMENT = _("This case has no written agreement.")
# Who may read the figures and the monthly report of an area in their scope.


class PartyInputSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Party.Role.choices)
    kind = serializers.ChoiceField(choices=Party.Kind.choices, default=Party.Kind.PERSON)
    name = serializers.CharField(max_length=100)
    id_number = serializers.CharField(max_length=18, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    refuses_mediation = serializers.BooleanField(default=False)


class PartyOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    role = serializers.CharField()
    kind = serializers.CharField()
    name = serializers.CharField()
    id_number = serializers.CharField(source="id_number_masked")
    phone = serializers.CharField(source="phone_masked")
    address = serializers.CharField()
    refuses_mediation = serializers.BooleanField()


class AgreementOutputSerializer(serializers.Serializer):
    kind = serializers.CharField()
    responsibilities = serializers.CharField()
    obligations = serializers.CharField()
    performance_manner = serializers.CharField()
    performance_deadline = serializers.DateField()
    effective_on = serializers.DateField(allow_null=True)
    confirmation_deadline = serializers.DateField(allow_null=True)
    confirmation = serializers.CharField()
    confirmation_applied_on = serializers.DateField(allow_null=True)
    confirmation_court = serializers.CharField()
    confirmation_number = serializers.CharField()
    confirmation_decided_on = serializers.DateField(allow_null=True)
    confirmation_route = serializers.CharField()
    performance = serializers.CharField()


class CaseOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")
    source = serializers.CharField()
    organisation = serializers.CharField(source="organisation.unit.code")
    organisation_name = serializers.CharField(source="organisation.name")
    level = serializers.CharField(source="organisation.kind")
    ticket = serializers.IntegerField(source="ticket_id", allow_null=True)
    dispute_type = serializers.CharField()
    amount_involved = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    facts = serializers.CharField()
    points_in_dispute = serializers.CharField()
    high_risk = serializers.BooleanField()
    risk_note = serializers.CharField()
    refusal_reason = serializers.CharField()
    guidance = serializers.CharField()
    outcome_note = serializers.CharField()
    due_at = serializers.DateTimeField(allow_null=True)
    overdue_count = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    accepted_at = serializers.DateTimeField(allow_null=True)
    concluded_at = serializers.DateTimeField(allow_null=True)
    archive_number = serializers.CharField()
    archive_contents = serializers.DictField(child=serializers.IntegerField())
    archived_at = serializers.DateTimeField(allow_null=True)
    archived_by = serializers.CharField(source="archived_by.username", allow_null=True, default=None)


class CaseDetailOutputSerializer(CaseOutputSerializer):
    parties = PartyOutputSerializer(many=True, source="parties.all")
    mediators = serializers.SerializerMethodField()
    sessions = serializers.SerializerMethodField()
    agreement = serializers.SerializerMethodField()
    allowed_actions = serializers.ListField(child=serializers.CharField())

    def get_mediators(self, case) -> list[str]:
        return [mediator.name for mediator in case.mediators.all()]

    def get_sessions(self, case) -> list[dict]:
        return [{"held_at": s.held_at, "place": s.place, "attendees": s.attendees, "record": s.record}
                for s in case.sessions.all()]

    def get_agreement(self, case) -> dict | None:
        agreement = getattr(case, "agreement", None)  # select_related by case_get; None before the outcome
        return AgreementOutputSerializer(agreement).data if agreement else None


def _get(user, case_id):
    return found_or_not_found(case_get, NO_SUCH_CASE, user=user, case_id=case_id)


def _detail(case, user):
    case.allowed_actions = [name.replace("_", "-") for name in CASES.allowed_actions(case, user)]
    return CaseDetailOutputSerializer(case).data


class CaseListCreateApi(ListCreateAPIView):
    """List the cases you may see, newest first, a page at a time; register a new dispute at your organisation."""

    serializer_class = CaseOutputSerializer
    filterset_class = CaseFilter
    pagination_class = NewestFirstPagination

    class CaseCreateInputSerializer(serializers.Serializer):
        source = serializers.ChoiceField(choices=[c for c in MediationCase.Source.choices if c[0] != "work_order"])
        dispute_type = serializers.ChoiceField(choices=DisputeType.choices)
        facts = serializers.CharField(max_length=5000)
        points_in_dispute = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
        amount_involved = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False,
                                                   allow_null=True, default=None)
        high_risk = serializers.BooleanField(default=False)
        risk_note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
        parties = PartyInputSerializer(many=True)

    def get_queryset(self):
        return case_list(user=self.request.user).select_related("organisation__unit", "archived_by")

    @extend_schema(request=CaseCreateInputSerializer, responses={201: CaseDetailOutputSerializer, 400: None, 403: None})
    def post(self, request):
        data = self.CaseCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = services.case_register(actor=request.user, **data.validated_data)
        return Response(_detail(_get(request.user, case.pk), request.user), status=status.HTTP_201_CREATED)


class CaseDetailApi(APIView):
    """One case with its parties (numbers masked), sessions, agreement and the actions you may take."""

    @extend_schema(responses={200: CaseDetailOutputSerializer, 404: None})
    def get(self, request, case_id):
        return Response(_detail(_get(request.user, case_id), request.user))


class CaseTimelineApi(APIView):
    """The case's events, oldest first: who did what, when, at which organisation, and why."""

    class CaseEventOutputSerializer(serializers.Serializer):
        action = serializers.CharField()
        from_status = serializers.CharField()
        to_status = serializers.CharField()
        actor = serializers.CharField(source="actor.username", allow_null=True, default=None)
        organisation = serializers.CharField(source="organisation.unit.name")
        reason_code = serializers.CharField()
        reason = serializers.CharField()
        created_at = serializers.DateTimeField()

    @extend_schema(responses=CaseEventOutputSerializer(many=True))
    def get(self, request, case_id):
        case = _get(request.user, case_id)
        events = case.events.select_related("actor", "organisation__unit")
        return Response(self.CaseEventOutputSerializer(events, many=True).data)


class CaseReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=1000, allow_blank=True, default="")


class RefuseInput(CaseReasonInput):
    reason_code = serializers.ChoiceField(choices=MediationCase.RefusalReason.choices)


class AssignInput(serializers.Serializer):
    mediators = serializers.PrimaryKeyRelatedField(queryset=Mediator.objects.filter(is_active=True), many=True)


class SessionInput(serializers.Serializer):
    held_at = DateTimeInputField()
    place = serializers.CharField(max_length=200)
    attendees = serializers.CharField(max_length=1000)
    record = serializers.CharField(max_length=10000)


class ExtendInput(CaseReasonInput):
    days = serializers.IntegerField(min_value=1, max_value=60,
                                    help_text="working days; calendar days (at most 30) for a court-entrusted case")
    parties_consent = serializers.BooleanField()


class FlagRiskInput(serializers.Serializer):
    note = serializers.CharField(max_length=1000)


class AgreementInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Agreement.Kind.choices)
    responsibilities = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    obligations = serializers.CharField(max_length=5000)
    performance_manner = serializers.CharField(max_length=2000)
    performance_deadline = serializers.DateField()


class FailInput(CaseReasonInput):
    guidance = serializers.ChoiceField(choices=MediationCase.Guidance.choices)


class SignInput(serializers.Serializer):
    signed_on = serializers.DateField()


class ApplyConfirmationInput(serializers.Serializer):
    applied_on = serializers.DateField()
    joint = serializers.BooleanField(help_text="both parties apply jointly (the court is the district's)")


class DecideConfirmationInput(serializers.Serializer):
    result = serializers.ChoiceField(choices=[Agreement.Confirmation.CONFIRMED, Agreement.Confirmation.REFUSED])
    decided_on = serializers.DateField()
    number = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    route = serializers.ChoiceField(choices=Agreement.Route.choices, required=False, allow_blank=True, default="",
                                    help_text="when refused: where the parties go")


class FollowUpInput(serializers.Serializer):
    visited_on = serializers.DateField()
    performance = serializers.ChoiceField(
        choices=[c for c in Agreement.Performance.choices if c[0] != Agreement.Performance.PENDING])
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


# action (as in services.ACTION_SERVICES) → its input serializer (absent: no input)
ACTION_INPUTS = {
    "add_party": PartyInputSerializer, "refuse": RefuseInput, "assign": AssignInput,
    "record_session": SessionInput, "extend": ExtendInput, "escalate": CaseReasonInput, "flag_risk": FlagRiskInput,
    "conclude_agreement": AgreementInput, "fail": FailInput, "sign_agreement": SignInput,
    "apply_confirmation": ApplyConfirmationInput, "decide_confirmation": DecideConfirmationInput,
    "follow_up": FollowUpInput,
}


def action_patterns():
    """POST cases/{id}/{action}/, one view per action (govportal.api.action_urls); the answer is the case."""
    return action_urls(
        route="cases/<int:case_id>/", name="mediation-case", services=services.ACTION_SERVICES,
        inputs=ACTION_INPUTS, id_kwarg="case_id", get_subject=_get, output=CaseDetailOutputSerializer,
        present=lambda request, case: _detail(_get(request.user, case.pk), request.user), tag="mediation_cases",
    )


class AgreementPdfApi(APIView):
    """The written agreement (调解协议书) as a PDF in Chinese, ready to print and sign: masked, or the
    parties' or the court's copy with the full identification, for the case's mediators (each print logged)."""

    class CopyInput(serializers.Serializer):
        copy = serializers.ChoiceField(choices=PartyReveal.Copy.choices, required=False)

    @extend_schema(parameters=[CopyInput], responses={
        (200, "application/pdf"): OpenApiResponse(description="PDF"), 400: None, 403: None, 404: None})
    def get(self, request, case_id):
        data = self.CopyInput(data=request.query_params)
        data.is_valid(raise_exception=True)
        case = _get(request.user, case_id)
        if not Agreement.objects.filter(case=case, kind=Agreement.Kind.WRITTEN).exists():
            raise NotFound(NO_WRITTEN_AGREEMENT)
        copy = data.validated_data.get("copy", "")
        identities = services.agreement_copy_identities(case=case, actor=request.user, copy=copy) if copy else None
        return agreement_pdf_response(request, case, copy=copy, identities=identities)


class PartyRevealApi(APIView):
    """A party's full ID or phone number, for the case's mediators; every reveal is logged."""

    class PartyRevealInput(serializers.Serializer):
        field = serializers.ChoiceField(choices=PartyReveal.Field.choices)

    class PartyRevealOutput(serializers.Serializer):
        value = serializers.CharField()

    @extend_schema(request=PartyRevealInput, responses={200: PartyRevealOutput, 403: None, 404: None})
    def post(self, request, party_id):
        data = self.PartyRevealInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            value = services.party_reveal(party_id=party_id, actor=request.user, field=data.validated_data["field"])
        except Party.DoesNotExist:
            raise NotFound(_("No such party.")) from None
        return Response({"value": value})


class ReferralApi(APIView):
    """Refer a dispute work order to the mediation organisation of its place (one click)."""

    class ReferralInput(serializers.Serializer):
        ticket = serializers.IntegerField()

    @extend_schema(request=ReferralInput,
                   responses={201: CaseOutputSerializer, 400: None, 403: None, 404: None, 409: None})
    def post(self, request):
        data = self.ReferralInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            case = services.case_refer_from_ticket(ticket_id=data.validated_data["ticket"], actor=request.user)
        except Ticket.DoesNotExist:
            raise NotFound(_("No such work order.")) from None
        return Response(CaseOutputSerializer(case).data, status=status.HTTP_201_CREATED)


class MediatorListApi(APIView):
    """Mediators of your organisation and the expert pool, with their current load, lightest first."""

    class MediatorOutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        name = serializers.CharField()
        organisation = serializers.CharField(source="organisation.name")
        qualification = serializers.CharField()
        specialities = serializers.ListField(child=serializers.CharField())
        is_expert = serializers.BooleanField()
        load = serializers.IntegerField()

    @extend_schema(responses=MediatorOutputSerializer(many=True))
    def get(self, request):
        organisation = getattr(request.user.unit, "mediation_organisation", None) if sees_areas(request.user) else None
        if organisation is None and not request.user.is_superuser:
            mediators = Mediator.objects.none()
        else:
            mediators = mediator_list(organisation=organisation, experts=True)
        return Response(self.MediatorOutputSerializer(mediators, many=True).data)


class AreaInput(serializers.Serializer):
    area = serializers.CharField(max_length=15, required=False, help_text="an area code; yours by default")


def _area(request, data):
    """Return the requested area (404 if unknown or outside the caller's scope) or the caller's own area."""
    if not (request.user.is_superuser or request.user.role in FIGURES_ROLES):
        raise PermissionDenied(ROLE_NOT_ALLOWED)
    if "area" in data:
        area = area_get(user=request.user, code=data["area"])
        if area is None:
            raise NotFound(_("No such area."))
        return area
    return scope_area(request.user) or root_area()


class StatisticsApi(APIView):
    """Figures of the cases of organisations in an area (yours by default) from `start` to `end`, both included."""

    class StatisticsInput(RequiredPeriodInput, AreaInput):
        pass

    @extend_schema(parameters=[StatisticsInput],
                   responses={200: OpenApiResponse(description="figures"), 400: None, 403: None, 404: None})
    def get(self, request):
        data = self.StatisticsInput(data=request.query_params)
        data.is_valid(raise_exception=True)
        area = _area(request, data.validated_data)
        figures = case_statistics(area_code=area.code, period=data.validated_data["period"])
        for key in ("by_type", "by_level", "by_source"):
            figures[key] = [row | {"label": str(row["label"])} for row in figures[key]]
        return Response({"area": area.code, **figures})


class MonthlyReportApi(APIView):
    """The monthly report (调解工作月报) as an Excel workbook."""

    class MonthInput(RequiredMonthInput, AreaInput):
        pass

    @extend_schema(parameters=[MonthInput],
                   responses={(200, XLSX): OpenApiResponse(description="workbook"), 400: None, 403: None,
                              404: None})
    def get(self, request):
        data = self.MonthInput(data=request.query_params)
        data.is_valid(raise_exception=True)
        return monthly_report_response(request, _area(request, data.validated_data), data.validated_data["period"])
