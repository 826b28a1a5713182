"""REST API of participation for community staff: participants (enter, confirm, refuse) and teams."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response

from govportal.api import NewestFirstPagination, action_urls, found_or_not_found
from grids.models import Area

from . import services
from .models import Participant, Team
from .selectors import participant_get, participant_list, team_list
from .workflow import PARTICIPANTS

NO_SUCH_PARTICIPANT = _("No such participant.")


class ParticipantOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    community = serializers.CharField(source="community.code")
    community_name = serializers.CharField(source="community.name")
    kind = serializers.CharField()
    name = serializers.CharField()
    phone = serializers.CharField(source="phone_masked")
    work_unit = serializers.CharField()
    skills = serializers.CharField()
    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")
    self_registered = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_self_registered(self, participant) -> bool:
        return participant.entered_by_id is None


class CommunityField(serializers.SlugRelatedField):
    """A community by its area code."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="code", queryset=Area.objects.filter(level=Area.Level.COMMUNITY), **kwargs)


class ParticipantListCreateApi(ListAPIView):
    """List the participants of the communities in your scope; enter one (confirmed at once: the community vouches)."""

    serializer_class = ParticipantOutputSerializer
    pagination_class = NewestFirstPagination

    class ParticipantEnterInput(serializers.Serializer):
        community = CommunityField()
        kind = serializers.ChoiceField(choices=Participant.Kind.choices)
        name = serializers.CharField(max_length=100)
        phone = serializers.RegexField(r"^1[3-9]\d{9}$")
        work_unit = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
        skills = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def get_queryset(self):
        return participant_list(user=self.request.user)

    @extend_schema(request=ParticipantEnterInput, responses={201: ParticipantOutputSerializer, 400: None, 403: None})
    def post(self, request):
        data = self.ParticipantEnterInput(data=request.data)
        data.is_valid(raise_exception=True)
        participant = services.participant_enter(actor=request.user, **data.validated_data)
        return Response(ParticipantOutputSerializer(participant).data, status=status.HTTP_201_CREATED)


def _get(user, participant_id):
    return found_or_not_found(participant_get, NO_SUCH_PARTICIPANT, user=user, participant_id=participant_id)


class RejectInput(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


def action_patterns():
    """POST participants/{id}/{action}/ (confirm, reject); the answer is the participant."""
    assert set(services.ACTION_SERVICES) == set(PARTICIPANTS.transitions)
    return action_urls(
        route="participants/<int:participant_id>/", name="participation-participant",
        services=services.ACTION_SERVICES, inputs={"reject": RejectInput}, id_kwarg="participant_id",
        get_subject=_get, output=ParticipantOutputSerializer,
        present=lambda request, participant: ParticipantOutputSerializer(participant).data,
        tag="participation_participants",
    )


class TeamOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    community = serializers.CharField(source="community.code")
    kind = serializers.CharField()
    name = serializers.CharField()
    leader = serializers.IntegerField(source="leader_id")
    members = serializers.SerializerMethodField()

    def get_members(self, team) -> list[int]:
        return sorted(member.pk for member in team.members.all())


class TeamListCreateApi(ListAPIView):
    """List the teams of the communities in your scope; form one with its leader and members."""

    serializer_class = TeamOutputSerializer
    pagination_class = NewestFirstPagination

    class TeamCreateInput(serializers.Serializer):
        community = CommunityField()
        kind = serializers.ChoiceField(choices=Team.Kind.choices)
        name = serializers.CharField(max_length=100)
        leader = serializers.PrimaryKeyRelatedField(queryset=Participant.objects.all())
        members = serializers.PrimaryKeyRelatedField(queryset=Participant.objects.all(), many=True, default=list)

    def get_queryset(self):
        return team_list(user=self.request.user)

    @extend_schema(request=TeamCreateInput, responses={201: TeamOutputSerializer, 400: None, 403: None})
    def post(self, request):
        data = self.TeamCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        team = services.team_create(actor=request.user, **data.validated_data)
        return Response(TeamOutputSerializer(team).data, status=status.HTTP_201_CREATED)
