"""REST API of the hotline: intake hints, calls, reveals, the steps after dispatch and the three rates."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from govportal.api import action_urls
from govportal.dates import DateTimeInputField
from govportal.periods import RequiredPeriodInput
from grids.coords import SUPPORTED_CRS, WGS84, wgs84_point
from grids.selectors import POINT_OUTSIDE_GRIDS, PointOutsideGrids, area_get, grid_locate
from incidents.api import TicketOutputSerializer, ticket_or_not_found
from incidents.models import Category, RegisterEntry, Ticket, Urgency
from incidents.selectors import ticket_list
from incidents.services import MAX_IDEMPOTENCY_KEY

from . import selectors, services
from .filters import AddressFilter
from .models import Call, CitizenContact, KnowledgeArticle, Referral, RequestType

ADDRESS_SUGGESTIONS = 8


class TicketBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")
    category = serializers.CharField(source="category.code")
    category_name = serializers.CharField(source="category.name")
    description = serializers.CharField()
    address = serializers.CharField()
    handling_unit = serializers.CharField(source="handling_unit.name", allow_null=True, default=None)
    created_at = serializers.DateTimeField()
    supervised = serializers.SerializerMethodField()

    def get_supervised(self, ticket) -> bool:
        return ticket.supervised_at is not None


class DuplicateSerializer(TicketBriefSerializer):
    distance_m = serializers.SerializerMethodField()

    def get_distance_m(self, ticket) -> int:
        return round(ticket.distance.m)


class CallOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    # Always masked: the full number only through the logged reveal.
    caller_phone = serializers.CharField(source="caller_phone_masked")
    caller_name = serializers.CharField(source="caller_name_masked")
    request_type = serializers.CharField()
    request_type_display = serializers.CharField(source="get_request_type_display")
    content = serializers.CharField()
    address = serializers.CharField()
    category = serializers.CharField(source="category.code", allow_null=True, default=None)
    outcome = serializers.CharField()
    outcome_display = serializers.CharField(source="get_outcome_display")
    ticket = TicketBriefSerializer(allow_null=True)
    operator = serializers.CharField(source="operator.username")
    started_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField()


class HintsApi(APIView):
    """What the intake page shows while the operator types: categories, earlier calls, duplicates, answers.

    A POST with a JSON body, although it changes nothing: the caller's number must not travel in
    a URL, which access logs, proxies and browser histories keep (PIPL). Session-authenticated
    callers send the CSRF token like for any POST.
    """

    class HintsInput(serializers.Serializer):
        phone = serializers.RegexField(r"^\d{5,20}$", required=False)
        content = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
        category = serializers.SlugRelatedField(
            slug_field="code", queryset=Category.objects.filter(is_active=True, parent__isnull=False), required=False)
        lat = serializers.FloatField(min_value=-90, max_value=90, required=False)
        lng = serializers.FloatField(min_value=-180, max_value=180, required=False)
        crs = serializers.ChoiceField(choices=SUPPORTED_CRS, default=WGS84)

    class HintsOutput(serializers.Serializer):
        class SuggestionOutput(serializers.Serializer):
            code = serializers.CharField(source="category.code")
            name = serializers.CharField(source="category.name")
            score = serializers.IntegerField()
            keywords = serializers.ListField(child=serializers.CharField())

        class ArticleOutput(serializers.Serializer):
            id = serializers.IntegerField()
            title = serializers.CharField()
            body = serializers.CharField()
            score = serializers.FloatField()

        categories = SuggestionOutput(many=True)
        earlier_calls = CallOutputSerializer(many=True)
        duplicates = DuplicateSerializer(many=True)
        articles = ArticleOutput(many=True)

    @extend_schema(request=HintsInput, responses={200: HintsOutput, 400: None, 403: None})
    def post(self, request):
        services.require_operator(request.user)
        data = self.HintsInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        suggestions = selectors.category_suggest(content=values["content"])
        category = values.get("category") or (suggestions[0].category if suggestions else None)
        duplicates = []
        if category is not None and "lat" in values and "lng" in values:
            point = wgs84_point(lng=values["lng"], lat=values["lat"], crs=values["crs"])
            duplicates = selectors.duplicate_candidates(user=request.user, category=category, point=point)
        return Response(self.HintsOutput({
            "categories": suggestions,
            "earlier_calls": selectors.caller_history(phone=values.get("phone", "")),
            "duplicates": duplicates,
            "articles": selectors.knowledge_search(query=values["content"]),
        }).data)


class AddressSearchApi(ListAPIView):
    """Standard addresses of the base data containing the text typed, with where they lie: the first eight."""

    class AddressOutput(serializers.Serializer):
        address = serializers.CharField()
        name = serializers.CharField()
        lat = serializers.FloatField(source="location.y")
        lng = serializers.FloatField(source="location.x")
        grid = serializers.CharField(source="grid.code")

    serializer_class = AddressOutput
    filterset_class = AddressFilter
    pagination_class = None

    @extend_schema(responses={200: AddressOutput(many=True), 403: None})
    def get(self, request, *args, **kwargs):
        services.require_operator(request.user)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.address_list()

    def filter_queryset(self, queryset):
        # Suggestions while the operator types, not a list to page through.
        return super().filter_queryset(queryset)[:ADDRESS_SUGGESTIONS]


@extend_schema_field(OpenApiTypes.STR)
class VisibleTicketField(serializers.SlugRelatedField):
    """A work order by its number, among those the requesting user may see."""

    def get_queryset(self):
        return ticket_list(user=self.context["request"].user)


class CallCreateApi(APIView):
    """Record a call with its outcome: answered directly, a new work order, or linked to an open one.

    A new work order's retry with the same `idempotency_key` returns the call recorded first; the key
    sent with another call answers 409. Without a key nothing recognises a retry.
    """

    class CallInput(serializers.Serializer):
        caller_phone = serializers.RegexField(r"^\d{5,20}$")
        caller_name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
        request_type = serializers.ChoiceField(choices=RequestType.choices)
        content = serializers.CharField(max_length=2000)
        address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
        lat = serializers.FloatField(min_value=-90, max_value=90, required=False)
        lng = serializers.FloatField(min_value=-180, max_value=180, required=False)
        crs = serializers.ChoiceField(choices=SUPPORTED_CRS, default=WGS84)
        category = serializers.SlugRelatedField(
            slug_field="code", queryset=Category.objects.filter(is_active=True, parent__isnull=False),
            required=False, allow_null=True, default=None)
        urgency = serializers.ChoiceField(choices=Urgency.choices, required=False, allow_blank=True, default="")
        confidential = serializers.BooleanField(default=False)
        started_at = DateTimeInputField()
        outcome = serializers.ChoiceField(choices=Call.Outcome.choices)
        article = serializers.PrimaryKeyRelatedField(queryset=KnowledgeArticle.objects.filter(is_active=True),
                                                     required=False, allow_null=True, default=None)
        answer = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
        referral = serializers.ChoiceField(choices=Referral.choices, required=False, allow_blank=True, default="")
        ticket = VisibleTicketField(slug_field="number", required=False)
        idempotency_key = serializers.CharField(max_length=MAX_IDEMPOTENCY_KEY, required=False)

        def validate(self, data):
            data["location"] = data["place"] = None
            lat, lng, crs = data.pop("lat", None), data.pop("lng", None), data.pop("crs")
            if lat is not None and lng is not None:
                data["location"] = wgs84_point(lng=lng, lat=lat, crs=crs)
                try:
                    data["place"] = grid_locate(data["location"])
                except PointOutsideGrids:
                    raise serializers.ValidationError({"lat": [POINT_OUTSIDE_GRIDS], "lng": [POINT_OUTSIDE_GRIDS]})
            data["started_at"] = min(data["started_at"], timezone.now())
            return data

    @extend_schema(request=CallInput, responses={201: CallOutputSerializer, 400: None, 403: None, 409: None})
    def post(self, request):
        services.require_operator(request.user)
        data = self.CallInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        outcome, article, answer = values.pop("outcome"), values.pop("article"), values.pop("answer")
        referral = values.pop("referral")
        ticket, key = values.pop("ticket", None), values.pop("idempotency_key", None)
        if outcome == Call.Outcome.ANSWERED:
            call = services.call_answer(operator=request.user, article=article, answer=answer, referral=referral,
                                        **values)
        elif outcome == Call.Outcome.LINKED:
            if ticket is None:
                raise serializers.ValidationError({"ticket": [services.TICKET_NOT_OPEN]})
            call = services.call_link(operator=request.user, ticket=ticket, **values)
        else:
            call = services.call_dispatch(operator=request.user, idempotency_key=key, **values)
        return Response(CallOutputSerializer(call).data, status=201)


class CallRevealApi(APIView):
    """The caller's full number, for the intake roles only; every reveal is recorded."""

    class RevealOutput(serializers.Serializer):
        caller_phone = serializers.CharField()

    @extend_schema(request=None, responses={200: RevealOutput, 403: None, 404: None})
    def post(self, request, call_id):
        call = selectors.call_list(user=request.user).filter(pk=call_id).first()
        if call is None:  # unknown, or a call of a work order the user does not see
            raise NotFound(_("No such call."))
        return Response({"caller_phone": services.phone_reveal(call=call, user=request.user)})


class HotlineReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class ReplyInput(serializers.Serializer):
    content = serializers.CharField(max_length=2000)


class CallbackInput(serializers.Serializer):
    reached = serializers.BooleanField()
    responded = serializers.BooleanField(default=False)
    solved = serializers.BooleanField(default=False)
    satisfaction = serializers.ChoiceField(choices=Ticket.Satisfaction.choices, required=False, allow_blank=True,
                                           default="")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class RegisterReviewInput(HotlineReasonInput):
    review_on = serializers.DateField()


class ParkInput(RegisterReviewInput):
    reason_kind = serializers.ChoiceField(choices=RegisterEntry.Reason.choices)


class ContactInput(serializers.Serializer):
    contacted_at = DateTimeInputField()
    way = serializers.ChoiceField(choices=CitizenContact.Way.choices)
    result = serializers.ChoiceField(choices=CitizenContact.Result.choices)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class MergeInput(HotlineReasonInput):
    master_number = serializers.CharField(max_length=20)


# The hotline's steps on a work order (services.ACTION_SERVICES) → their input serializers.
ACTION_INPUTS = {"supervise": HotlineReasonInput, "reply": ReplyInput, "callback": CallbackInput,
                 "rehandle": HotlineReasonInput, "park": ParkInput, "register_review": RegisterReviewInput,
                 "unpark": HotlineReasonInput, "merge": MergeInput, "unmerge": HotlineReasonInput,
                 "contact": ContactInput}


def action_patterns():
    """POST /hotline/tickets/{id}/{action}/: 督办, 答复, 回访, 二次办理, 挂账, 并单, one view each (govportal.api.action_urls)."""
    return action_urls(
        route="hotline/tickets/<int:ticket_id>/", name="hotline-ticket", services=services.ACTION_SERVICES,
        inputs=ACTION_INPUTS, id_kwarg="ticket_id", get_subject=ticket_or_not_found, output=TicketOutputSerializer,
        present=lambda request, ticket: TicketOutputSerializer(ticket).data, tag="hotline_tickets",
    )


class RatesOutput(serializers.Serializer):
    valid_callbacks = serializers.IntegerField()
    response_rate = serializers.FloatField(allow_null=True)
    resolution_rate = serializers.FloatField(allow_null=True)
    satisfaction_rate = serializers.FloatField(allow_null=True)
    composite = serializers.FloatField(allow_null=True)
    supervised = serializers.IntegerField()
    reminders = serializers.IntegerField()
    notices = serializers.IntegerField()


class UnitRatesOutput(RatesOutput):
    rank = serializers.IntegerField()
    unit_code = serializers.CharField()
    unit_name = serializers.CharField()


class AreaRatesApi(APIView):
    """The three rates (三率) of the work orders in an area for a period (fractions 0–1, domain.md §4)."""

    @extend_schema(parameters=[RequiredPeriodInput], responses={200: RatesOutput, 400: None, 404: None})
    def get(self, request, code):
        data = RequiredPeriodInput(data=request.query_params)
        data.is_valid(raise_exception=True)
        if area_get(user=request.user, code=code) is None:  # unknown, or outside the caller's scope
            raise NotFound(_("No such area."))
        rates = selectors.three_rates_for_area(area_code=code, period=data.validated_data["period"])
        return Response(RatesOutput(rates).data)


class UnitRankingApi(APIView):
    """The ranking of the units serving your area by composite score for a period (supervised orders counted)."""

    @extend_schema(parameters=[RequiredPeriodInput], responses={200: UnitRatesOutput(many=True), 400: None})
    def get(self, request):
        data = RequiredPeriodInput(data=request.query_params)
        data.is_valid(raise_exception=True)
        rows = selectors.three_rates_by_unit(user=request.user, period=data.validated_data["period"])
        return Response(UnitRatesOutput(rows, many=True).data)
