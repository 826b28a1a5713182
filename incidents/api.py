"""REST API of work orders: the catalogue, intake, lists, the timeline and one POST per action."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView, ListCreateAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import HandlingUnit, User
from components.fields import ComponentCodeSerializerField
from dispatch.api import ACTION_INPUTS as DISPATCH_ACTION_INPUTS
from govportal.api import NewestFirstPagination, action_urls, found_or_not_found
from grids.coords import SUPPORTED_CRS, WGS84, wgs84_point
from grids.selectors import POINT_OUTSIDE_GRIDS, PointOutsideGrids, grid_locate, grid_locate_many

from . import services
from .filters import TicketFilter
from .models import Category, Ticket, Urgency
from .selectors import category_list, ticket_get, ticket_list
from .workflow import TICKETS

SOURCE_BY_ROLE = {
    User.Role.GRID_WORKER: Ticket.Source.GRID_WORKER,
    User.Role.HOTLINE_OPERATOR: Ticket.Source.HOTLINE,
    User.Role.LEADER: Ticket.Source.LEADER,
}
BATCH_MAX = 200
KEY_TOO_LONG = _("At most %(limit)d characters.")
KEY_REPEATED = _("Another work order of this batch has the same key.")
NO_SUCH_CATEGORY = _("No such minor category.")
SOURCE_NOT_ALLOWED = _("Your role may not report from this source.")


class CategorySerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)  # majors have none

    class Meta:
        model = Category
        fields = ["code", "name", "parent", "first_level", "default_department", "urgencies", "is_dispute"]


class CategoryListApi(ListAPIView):
    """The event catalogue: major categories (no parent) and the minor ones tickets use."""

    serializer_class = CategorySerializer
    pagination_class = None

    def get_queryset(self):
        return category_list()


class UnitBriefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()


class TicketOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")
    source = serializers.CharField()
    category = serializers.CharField(source="category.code")
    category_name = serializers.CharField(source="category.name")
    urgency = serializers.CharField()
    description = serializers.CharField()
    address = serializers.CharField()
    lat = serializers.FloatField(source="location.y")
    lng = serializers.FloatField(source="location.x")
    grid = serializers.CharField(source="grid.code", allow_null=True, default=None)
    handling_unit = UnitBriefSerializer(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    due_kind = serializers.CharField()
    overdue_count = serializers.IntegerField()
    self_handled = serializers.BooleanField()
    outside_own_grids = serializers.BooleanField(help_text="reported by a grid worker outside the grids they serve")
    feedback = serializers.CharField()
    satisfaction = serializers.CharField()
    photos = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)

    def get_photos(self, ticket) -> list[dict]:
        return [
            {"stage": photo.stage, "url": reverse("ticket-photo", args=[ticket.pk, photo.pk]),
             "thumbnail": reverse("ticket-photo-thumbnail", args=[ticket.pk, photo.pk])}
            for photo in ticket.photos.all()
        ]


class TicketFieldsSerializer(serializers.Serializer):
    """The fields a new work order shares between the single and the batch intake."""

    description = serializers.CharField(max_length=2000)
    lat = serializers.FloatField(min_value=-90, max_value=90)
    lng = serializers.FloatField(min_value=-180, max_value=180)
    crs = serializers.ChoiceField(choices=SUPPORTED_CRS, default=WGS84)
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def validate(self, data):
        data["location"] = wgs84_point(lng=data.pop("lng"), lat=data.pop("lat"), crs=data.pop("crs"))
        return data


class TicketListCreateApi(ListCreateAPIView):
    """List the work orders in your scope, newest first, a page at a time; report a new one."""

    serializer_class = TicketOutputSerializer
    filterset_class = TicketFilter
    pagination_class = NewestFirstPagination

    class TicketCreateInputSerializer(TicketFieldsSerializer):
        category = serializers.SlugRelatedField(
            slug_field="code", queryset=Category.objects.filter(is_active=True, parent__isnull=False)
        )
        source = serializers.ChoiceField(choices=Ticket.Source.choices, required=False)
        self_handled = serializers.BooleanField(default=False)
        feedback = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
        photos = serializers.ListField(child=serializers.FileField(), required=False, default=list)
        component = ComponentCodeSerializerField()
        component_damaged = serializers.BooleanField(
            default=False, help_text="with `component`: mark the component damaged")
        position_source = serializers.ChoiceField(
            choices=services.PositionSource.choices, default=services.PositionSource.DEVICE,
            help_text="where lat/lng came from: `device` (its positioning) or `map` (placed by hand); only "
                      "a report placed by hand keeps its photos' EXIF GPS position, for the staff checking it")

        def validate(self, data):
            data = super().validate(data)
            try:
                data["place"] = grid_locate(data["location"])
            except PointOutsideGrids:
                raise serializers.ValidationError({"lat": [POINT_OUTSIDE_GRIDS], "lng": [POINT_OUTSIDE_GRIDS]})
            return data

    def get_queryset(self):
        return (ticket_list(user=self.request.user)
                .select_related("category", "handling_unit", "grid").prefetch_related("photos"))

    @extend_schema(
        request=TicketCreateInputSerializer,
        responses={201: TicketOutputSerializer, 200: TicketOutputSerializer, 400: None, 409: None},
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER,
                                     description="client-made key: a retry with the same key returns the same ticket; "
                                                 "the key sent with another request answers 409")],
    )
    def post(self, request):
        data = self.TicketCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        user = request.user
        source = _source(user, values.pop("source", None))
        key = request.headers.get("Idempotency-Key", "").strip() or None
        limit = services.MAX_IDEMPOTENCY_KEY
        if key and len(key) > limit:
            raise serializers.ValidationError({"Idempotency-Key": [KEY_TOO_LONG % {"limit": limit}]})
        ticket, created = services.ticket_create(
            source=source, reporter=user, idempotency_key=services.idempotency_key_of(user, key), **values
        )
        return Response(TicketOutputSerializer(ticket).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class TicketBatchItemSerializer(TicketFieldsSerializer):
    category = serializers.CharField(max_length=20, help_text="minor category code")
    key = serializers.CharField(max_length=services.MAX_IDEMPOTENCY_KEY, required=False, allow_blank=True, default="",
                                help_text="client-made key: a retry with the same key returns the same ticket; the "
                                          "key sent with another work order answers 409")


class TicketBatchResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    status = serializers.CharField()
    grid = serializers.CharField(source="grid.code")
    created = serializers.BooleanField(help_text="false: the key was used already; this is that ticket")


class TicketBatchCreateApi(APIView):
    """Report up to 200 work orders in one request: sensor and AI alerts, transfers from other
    platforms. All or nothing; each may carry its own idempotency `key`."""

    class BatchInputSerializer(serializers.Serializer):
        tickets = TicketBatchItemSerializer(many=True, allow_empty=False, max_length=BATCH_MAX)
        source = serializers.ChoiceField(choices=Ticket.Source.choices, required=False)

        def validate_tickets(self, items):
            """Check each item's category and point, looked up for the whole batch at once."""
            categories = Category.objects.filter(is_active=True, parent__isnull=False).in_bulk(
                {item["category"] for item in items}, field_name="code")
            places = grid_locate_many([item["location"] for item in items])
            errors, keys = {}, set()
            for index, (item, place) in enumerate(zip(items, places)):
                error = {}
                item["category"], item["place"] = categories.get(item["category"]), place
                if item["category"] is None:
                    error["category"] = [NO_SUCH_CATEGORY]
                else:
                    try:
                        item["urgency"] = services.ticket_urgency(item["category"], item.get("urgency"))
                    except services.WorkflowInputError as exc:
                        error[exc.field] = [str(exc)]
                if place is None:
                    error["lat"] = error["lng"] = [POINT_OUTSIDE_GRIDS]
                if item["key"] and item["key"] in keys:
                    error["key"] = [KEY_REPEATED]
                keys.add(item["key"])
                if error:
                    errors[index] = error
            if errors:  # keyed by the item's index, like DRF's own item errors
                raise serializers.ValidationError(errors)
            return items

    class BatchOutputSerializer(serializers.Serializer):
        tickets = TicketBatchResultSerializer(many=True, help_text="in the order of the request")

    @extend_schema(request=BatchInputSerializer, responses={201: BatchOutputSerializer, 200: BatchOutputSerializer,
                                                            400: None, 409: None})
    def post(self, request):
        data = self.BatchInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = request.user
        drafts = [
            services.TicketDraft(
                category=item["category"], description=item["description"], location=item["location"],
                place=item["place"], urgency=item["urgency"], address=item["address"],
                idempotency_key=services.idempotency_key_of(user, item["key"]),
            )
            for item in data.validated_data["tickets"]
        ]
        results = services.ticket_create_batch(
            source=_source(user, data.validated_data.get("source")), reporter=user, drafts=drafts)
        for ticket, created in results:
            ticket.created = created
        return Response(self.BatchOutputSerializer({"tickets": [ticket for ticket, _ in results]}).data,
                        status=status.HTTP_201_CREATED if any(c for _, c in results) else status.HTTP_200_OK)


def _source(user, requested):
    """Return the source of `user`'s reports: their role's, or `requested` if they are a superuser."""
    default = SOURCE_BY_ROLE.get(user.role, Ticket.Source.GRID_WORKER)
    if requested and requested != default and not user.is_superuser:
        raise serializers.ValidationError({"source": [SOURCE_NOT_ALLOWED]})
    return requested or default


class TicketDetailApi(APIView):
    """One work order with the actions you may take on it now."""

    class TicketDetailOutputSerializer(TicketOutputSerializer):
        allowed_actions = serializers.ListField(child=serializers.CharField())

    @extend_schema(responses={200: TicketDetailOutputSerializer, 404: None})
    def get(self, request, ticket_id):
        ticket = ticket_or_not_found(request.user, ticket_id)
        ticket.allowed_actions = [name.replace("_", "-") for name in TICKETS.allowed_actions(ticket, request.user)
                                  if name in services.ACTION_SERVICES]  # the hotline's steps: /api/v1/hotline/
        return Response(self.TicketDetailOutputSerializer(ticket).data)


class TicketTimelineApi(APIView):
    """The work order's events, oldest first: who did what, when, from which state to which."""

    class EventOutputSerializer(serializers.Serializer):
        action = serializers.CharField()
        from_status = serializers.CharField()
        to_status = serializers.CharField()
        actor = serializers.CharField(source="actor.username", allow_null=True, default=None)
        unit = serializers.CharField(source="unit.name", allow_null=True, default=None)
        reason_code = serializers.CharField()
        reason = serializers.CharField()
        created_at = serializers.DateTimeField()

    @extend_schema(responses=EventOutputSerializer(many=True))
    def get(self, request, ticket_id):
        ticket = ticket_or_not_found(request.user, ticket_id)
        events = ticket.events.select_related("actor", "unit")
        return Response(self.EventOutputSerializer(events, many=True).data)


def ticket_or_not_found(user, ticket_id):
    """The ticket if `user` may see it; NotFound if there is none or it lies outside their scope."""
    return found_or_not_found(ticket_get, _("No such work order."), user=user, ticket_id=ticket_id)


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=1000, allow_blank=True, default="")


class ReasonCodeInput(ReasonInput):
    reason_code = serializers.CharField(max_length=24)


class DispatchInput(ReasonInput):
    unit = serializers.SlugRelatedField(slug_field="code", queryset=HandlingUnit.objects.filter(is_active=True))


class ExtensionInput(ReasonInput):
    minutes = serializers.IntegerField(min_value=1, max_value=10 * 24 * 60)


class HandleInput(serializers.Serializer):
    feedback = serializers.CharField(max_length=2000)
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class RateInput(serializers.Serializer):
    satisfaction = serializers.ChoiceField(choices=Ticket.Satisfaction.choices)


# action → its input serializer (absent: the action takes no input)
ACTION_INPUTS = {
    "reject": ReasonCodeInput, "dispatch": DispatchInput, "return": ReasonCodeInput, "escalate": ReasonInput,
    "request_extension": ExtensionInput, "deny_extension": ReasonInput, "suspend": ReasonInput,
    "handle": HandleInput, "verify_fail": ReasonInput, "rate": RateInput, "reopen": ReasonInput,
    "void": ReasonInput,
    **DISPATCH_ACTION_INPUTS,  # co-handling and objections (dispatch.api)
}


def action_patterns():
    """POST /tickets/{id}/{action}/, one view per action (govportal.api.action_urls)."""
    return action_urls(
        route="tickets/<int:ticket_id>/", name="ticket", services=services.ACTION_SERVICES, inputs=ACTION_INPUTS,
        id_kwarg="ticket_id", get_subject=ticket_or_not_found, output=TicketOutputSerializer,
        present=lambda request, ticket: TicketOutputSerializer(ticket).data, tag="tickets",
    )
