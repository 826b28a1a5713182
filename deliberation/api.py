"""REST API of deliberation for community staff: topics (enter, list by community and quarter, each step of
their course), meetings (call, attendance with its points, minutes) and the figures of an area.

Residents use the phone pages (participation.identity): they hold no API token.
"""

from django.contrib.gis.geos import Point
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import HandlingUnit
from govportal.api import NewestFirstPagination, action_urls, found_or_not_found
from govportal.dates import DateTimeInputField
from govportal.periods import PeriodInput
from grids.models import Area
from grids.selectors import area_get
from incidents.models import Category
from participation.api import CommunityField, RejectInput
from participation.models import Participant

from . import services
from .selectors import (
    deliberation_figures, meeting_get, meeting_list, quarter_from, topic_get, topic_list, work_order_progress,
)
from .workflow import TOPICS

NO_SUCH_TOPIC = _("No such topic.")
NO_SUCH_MEETING = _("No such meeting.")
NO_SUCH_AREA = _("No such area.")


class WorkOrderOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")


class TopicOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    community = serializers.CharField(source="community.code")
    title = serializers.CharField()
    description = serializers.CharField()
    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")
    support_count = serializers.IntegerField()
    raised_by_resident = serializers.SerializerMethodField()
    meeting = serializers.IntegerField(source="meeting_id", allow_null=True)
    votes_for = serializers.IntegerField(allow_null=True)
    votes_against = serializers.IntegerField(allow_null=True)
    votes_abstain = serializers.IntegerField(allow_null=True)
    result = serializers.CharField()
    decision = serializers.CharField()
    decided_at = serializers.DateTimeField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    public_until = serializers.DateField(allow_null=True)
    implemented_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()

    def get_raised_by_resident(self, topic) -> bool:
        return bool(topic.raised_by_phone_hash)


class TopicDetailOutputSerializer(TopicOutputSerializer):
    work_orders = serializers.SerializerMethodField()
    all_work_orders_closed = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    @extend_schema(responses=WorkOrderOutputSerializer(many=True))
    def get_work_orders(self, topic) -> list[dict]:
        return WorkOrderOutputSerializer(work_order_progress(topic)[0], many=True).data

    def get_all_work_orders_closed(self, topic) -> bool:
        return work_order_progress(topic)[1]

    def get_actions(self, topic) -> list[str]:
        return TOPICS.allowed_actions(topic, self.context["request"].user)


def _topic(user, topic_id):
    return found_or_not_found(topic_get, NO_SUCH_TOPIC, user=user, topic_id=topic_id)


def _detail(request, topic):
    return TopicDetailOutputSerializer(_topic(request.user, topic.pk), context={"request": request}).data


class TopicListCreateApi(ListAPIView):
    """List the topics of the communities in your scope (one community, one quarter: `community`, `quarter`
    as YYYY-Qn), most supported first; enter one as community staff."""

    serializer_class = TopicOutputSerializer
    pagination_class = None

    class FilterInput(serializers.Serializer):
        community = CommunityField(required=False)
        quarter = serializers.CharField(required=False, help_text="YYYY-Qn, e.g. 2026-Q4")

        def validate_quarter(self, text):
            return quarter_from(text)

    class TopicEnterInput(serializers.Serializer):
        community = CommunityField()
        title = serializers.CharField(max_length=100)
        description = serializers.CharField(max_length=2000)

    def get_queryset(self):
        data = self.FilterInput(data=self.request.query_params)
        data.is_valid(raise_exception=True)
        return topic_list(user=self.request.user, **data.validated_data)[:500]

    @extend_schema(parameters=[FilterInput], responses={200: TopicOutputSerializer(many=True), 400: None})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=TopicEnterInput, responses={201: TopicDetailOutputSerializer, 400: None, 403: None})
    def post(self, request):
        data = self.TopicEnterInput(data=request.data)
        data.is_valid(raise_exception=True)
        topic = services.topic_enter(actor=request.user, **data.validated_data)
        return Response(_detail(request, topic), status=status.HTTP_201_CREATED)


class TopicDetailApi(APIView):
    """One topic with its work orders and the steps you may take now."""

    @extend_schema(responses={200: TopicDetailOutputSerializer, 404: None})
    def get(self, request, topic_id):
        return Response(_detail(request, _topic(request.user, topic_id)))


class SelectInput(serializers.Serializer):
    meeting = serializers.IntegerField()


class DecideInput(serializers.Serializer):
    votes_for = serializers.IntegerField(min_value=0, max_value=100_000)
    votes_against = serializers.IntegerField(min_value=0, max_value=100_000)
    votes_abstain = serializers.IntegerField(min_value=0, max_value=100_000)
    decision = serializers.CharField(max_length=2000)


class PublishInput(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=30, default=services.PUBLIC_DAYS_DEFAULT)


class OrderWorkInput(serializers.Serializer):
    category = serializers.SlugRelatedField(slug_field="code", queryset=Category.objects.filter(
        is_active=True, parent__isnull=False))
    latitude = serializers.FloatField(min_value=-90, max_value=90)
    longitude = serializers.FloatField(min_value=-180, max_value=180)
    description = serializers.CharField(max_length=1000)
    address = serializers.CharField(max_length=200, required=False, default="")

    def validate(self, data):
        location = Point(data.pop("longitude"), data.pop("latitude"), srid=4326)
        return {**data, "location": location}


def _select(*, topic_id, actor, meeting):
    """Put a topic on the agenda of a meeting of its community (a meeting in your scope)."""
    found = found_or_not_found(meeting_get, NO_SUCH_MEETING, user=actor, meeting_id=meeting)
    return services.topic_select(topic_id=topic_id, actor=actor, meeting=found)


ACTION_INPUTS = {"select": SelectInput, "deselect": RejectInput, "decide": DecideInput, "publish": PublishInput,
                 "order_work": OrderWorkInput, "close": RejectInput}


def action_patterns():
    """POST topics/{id}/{select,deselect,decide,publish,order-work,close}/; the answer is the topic."""
    assert set(services.ACTION_SERVICES) == {name for name, t in TOPICS.transitions.items() if t.party != "system"}
    return action_urls(
        route="topics/<int:topic_id>/", name="deliberation-topic",
        services={**services.ACTION_SERVICES, "select": _select},
        inputs=ACTION_INPUTS,
        id_kwarg="topic_id", get_subject=_topic, output=TopicDetailOutputSerializer, present=_detail,
        tag="deliberation_topics",
    )


# --- meetings ---

class MeetingOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    community = serializers.CharField(source="community.code")
    title = serializers.CharField()
    held_at = serializers.DateTimeField()
    place = serializers.CharField()
    invited_participants = serializers.SerializerMethodField()
    invited_units = serializers.SerializerMethodField()
    invited_others = serializers.CharField()
    attended = serializers.SerializerMethodField()
    agenda = serializers.SerializerMethodField()
    minutes = serializers.CharField()

    def get_invited_participants(self, meeting) -> list[int]:
        return sorted(person.pk for person in meeting.invited_participants.all())

    def get_invited_units(self, meeting) -> list[int]:
        return sorted(unit.pk for unit in meeting.invited_units.all())

    def get_attended(self, meeting) -> list[int]:
        return sorted(meeting.attendances.values_list("participant_id", flat=True))

    def get_agenda(self, meeting) -> list[int]:
        return sorted(meeting.agenda.values_list("pk", flat=True))


def _meeting(user, meeting_id):
    return found_or_not_found(meeting_get, NO_SUCH_MEETING, user=user, meeting_id=meeting_id)


class MeetingListCreateApi(ListAPIView):
    """List the meetings of the communities in your scope; call one, saying whom it invites."""

    serializer_class = MeetingOutputSerializer
    pagination_class = NewestFirstPagination

    class MeetingCallInput(serializers.Serializer):
        community = CommunityField()
        title = serializers.CharField(max_length=100)
        held_at = DateTimeInputField()
        place = serializers.CharField(max_length=200)
        invited_participants = serializers.PrimaryKeyRelatedField(queryset=Participant.objects.all(), many=True,
                                                                  default=list)
        invited_units = serializers.PrimaryKeyRelatedField(
            queryset=HandlingUnit.objects.filter(kind=HandlingUnit.Kind.DEPARTMENT), many=True, default=list)
        invited_others = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")

    def get_queryset(self):
        return meeting_list(user=self.request.user)

    @extend_schema(request=MeetingCallInput, responses={201: MeetingOutputSerializer, 400: None, 403: None})
    def post(self, request):
        data = self.MeetingCallInput(data=request.data)
        data.is_valid(raise_exception=True)
        meeting = services.meeting_call(actor=request.user, **data.validated_data)
        return Response(MeetingOutputSerializer(meeting).data, status=status.HTTP_201_CREATED)


class MeetingDetailApi(APIView):
    """One meeting: the invited, who attended, its agenda and minutes."""

    @extend_schema(responses={200: MeetingOutputSerializer, 404: None})
    def get(self, request, meeting_id):
        return Response(MeetingOutputSerializer(_meeting(request.user, meeting_id)).data)


class MeetingAttendanceApi(APIView):
    """Record who attended (their points are credited once per meeting; sending someone again changes nothing)."""

    class AttendanceInput(serializers.Serializer):
        participants = serializers.PrimaryKeyRelatedField(queryset=Participant.objects.all(), many=True,
                                                          allow_empty=False)

    @extend_schema(request=AttendanceInput, responses={200: MeetingOutputSerializer, 400: None, 403: None,
                                                       404: None})
    def post(self, request, meeting_id):
        meeting = _meeting(request.user, meeting_id)
        data = self.AttendanceInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.attendance_record(meeting_id=meeting.pk, actor=request.user, **data.validated_data)
        return Response(MeetingOutputSerializer(meeting).data)


class MeetingMinutesApi(APIView):
    """Keep the minutes of a meeting (纪要)."""

    class MinutesInput(serializers.Serializer):
        minutes = serializers.CharField(max_length=20000)

    @extend_schema(request=MinutesInput, responses={200: MeetingOutputSerializer, 400: None, 403: None, 404: None})
    def post(self, request, meeting_id):
        meeting = _meeting(request.user, meeting_id)
        data = self.MinutesInput(data=request.data)
        data.is_valid(raise_exception=True)
        meeting = services.meeting_minutes_record(meeting_id=meeting.pk, actor=request.user, **data.validated_data)
        return Response(MeetingOutputSerializer(meeting).data)


# --- figures ---

class AreaTopicFiguresOutputSerializer(serializers.Serializer):
    area = serializers.CharField()
    area_name = serializers.CharField()
    raised = serializers.IntegerField()
    decided = serializers.IntegerField(help_text="adopted and rejected")
    adopted = serializers.IntegerField()
    implemented = serializers.IntegerField()


class FiguresApi(APIView):
    """Topics raised, decided and implemented in an area of your scope over a period (this month to date by
    default), and in each area one level down (the communities of a street)."""

    class DeliberationFiguresOutput(serializers.Serializer):
        area = AreaTopicFiguresOutputSerializer()
        children = AreaTopicFiguresOutputSerializer(many=True)

    @extend_schema(parameters=[PeriodInput], responses={200: DeliberationFiguresOutput, 400: None, 404: None})
    def get(self, request, code):
        area = area_get(user=request.user, code=code)
        if area is None:
            raise NotFound(NO_SUCH_AREA)
        data = PeriodInput(data=request.query_params)
        data.is_valid(raise_exception=True)
        period = data.validated_data["period"]
        return Response(self.DeliberationFiguresOutput({
            "area": deliberation_figures(area=area, period=period),
            "children": [deliberation_figures(area=child, period=period) for child in area.children.order_by("code")
                         if child.level != Area.Level.GRID],
        }).data)
