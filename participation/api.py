"""REST API of participation for community staff: participants (enter, confirm, refuse), teams, and
tasks (post, turn a work order into one, close or cancel, confirm the work or send it back), points
(a participant's ledger and corrections) and partner offers.

Participants themselves use the phone pages (participation.identity): they hold no API token.
"""

from decimal import Decimal

from django.contrib.gis.geos import Point
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import restrict_to_scope
from govportal.api import NewestFirstPagination, action_urls, found_or_not_found
from govportal.dates import DateTimeInputField, validate_year
from govportal.periods import MonthInput
from grids.models import Area
from grids.selectors import area_get
from incidents.selectors import ticket_get

from . import points, services
from .models import (
    PartnerOffer, Participant, ProjectApplication, ProjectMilestone, ServiceProject, Task, TaskClaim, Team,
)
from .selectors import (
    claim_get, participant_get, participant_list, participation_figures, project_get, project_list, task_get, task_list,
    team_list,
)
from .workflow import CLAIM_TRANSITIONS, PARTICIPANTS

NO_SUCH_PARTICIPANT = _("No such participant.")
NO_SUCH_AREA = _("No such area.")


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
        kind = serializers.ChoiceField(choices=Participant.REGISTERED_KINDS)
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


# --- tasks ---

NO_SUCH_TASK = _("No such task.")
NO_SUCH_TICKET = _("No such work order.")
NO_SUCH_CLAIM = _("No such task claim.")


class ClaimOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    task = serializers.IntegerField(source="task_id")
    participant = serializers.IntegerField(source="participant_id")
    participant_name = serializers.CharField(source="participant.name")
    status = serializers.CharField()
    checked_in_at = serializers.DateTimeField(allow_null=True)
    report = serializers.CharField()
    reported_at = serializers.DateTimeField(allow_null=True)
    photos = serializers.IntegerField(source="photos.count")
    hours_credited = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)
    confirmed_at = serializers.DateTimeField(allow_null=True)


class TaskOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    community = serializers.CharField(source="community.code")
    kind = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    longitude = serializers.FloatField(source="place.x")
    latitude = serializers.FloatField(source="place.y")
    place_name = serializers.CharField()
    check_in_radius = serializers.IntegerField()
    starts_at = serializers.DateTimeField()
    take_by = serializers.DateTimeField()
    quota = serializers.IntegerField()
    taken = serializers.SerializerMethodField()
    hours = serializers.DecimalField(max_digits=4, decimal_places=1)
    status = serializers.CharField()
    ticket = serializers.IntegerField(source="ticket_id", allow_null=True)
    unclaimed_warned_at = serializers.DateTimeField(allow_null=True)

    def get_taken(self, task) -> int:
        taken = getattr(task, "taken", None)  # annotated by selectors.task_list
        return task.claims.filter(status__in=TaskClaim.HOLDING).count() if taken is None else taken


class TaskDetailOutputSerializer(TaskOutputSerializer):
    claims = ClaimOutputSerializer(many=True, source="claims.all")


class TaskTimesInput(serializers.Serializer):
    title = serializers.CharField(max_length=100)
    starts_at = DateTimeInputField()
    take_by = DateTimeInputField()
    quota = serializers.IntegerField(min_value=1, max_value=500)
    hours = serializers.DecimalField(max_digits=4, decimal_places=1, min_value=Decimal("0.5"), max_value=24)


class TaskListCreateApi(ListAPIView):
    """List the tasks of the communities in your scope; post one for the community's participants."""

    serializer_class = TaskOutputSerializer
    pagination_class = NewestFirstPagination

    class TaskPostInput(TaskTimesInput):
        community = CommunityField()
        kind = serializers.ChoiceField(choices=[c for c in Task.Kind.choices if c[0] != Task.Kind.WORK_ORDER])
        description = serializers.CharField(max_length=2000)
        latitude = serializers.FloatField(min_value=-90, max_value=90)
        longitude = serializers.FloatField(min_value=-180, max_value=180)
        place_name = serializers.CharField(max_length=200)
        check_in_radius = serializers.IntegerField(min_value=20, max_value=5000, default=200)

    def get_queryset(self):
        return task_list(user=self.request.user)

    @extend_schema(request=TaskPostInput, responses={201: TaskDetailOutputSerializer, 400: None, 403: None})
    def post(self, request):
        data = self.TaskPostInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        place = Point(values.pop("longitude"), values.pop("latitude"), srid=4326)
        task = services.task_post(actor=request.user, place=place, **values)
        return Response(TaskDetailOutputSerializer(task).data, status=status.HTTP_201_CREATED)


class TaskDetailApi(APIView):
    """One task with the claims on it."""

    @extend_schema(responses={200: TaskDetailOutputSerializer, 404: None})
    def get(self, request, task_id):
        return Response(TaskDetailOutputSerializer(_task(request.user, task_id)).data)


class TicketTaskApi(APIView):
    """Turn a work order into a task for volunteers at its place (能由群众办的交给群众办)."""

    @extend_schema(request=TaskTimesInput, responses={201: TaskDetailOutputSerializer, 400: None, 403: None,
                                                      404: None})
    def post(self, request, ticket_id):
        found_or_not_found(ticket_get, NO_SUCH_TICKET, user=request.user, ticket_id=ticket_id)
        data = TaskTimesInput(data=request.data)
        data.is_valid(raise_exception=True)
        task = services.task_from_ticket(actor=request.user, ticket_id=ticket_id, **data.validated_data)
        return Response(TaskDetailOutputSerializer(task).data, status=status.HTTP_201_CREATED)


def _task(user, task_id):
    return found_or_not_found(task_get, NO_SUCH_TASK, user=user, task_id=task_id)


def _claim(user, claim_id):
    return found_or_not_found(claim_get, NO_SUCH_CLAIM, user=user, claim_id=claim_id)


def task_action_patterns():
    """POST tasks/{id}/{close,cancel}/ and claims/{id}/{confirm,send-back}/: the community's moves."""
    staff_claim_actions = {name: service for name, service in services.CLAIM_ACTION_SERVICES.items()
                           if CLAIM_TRANSITIONS[name].party == "community"}
    return [
        *action_urls(route="tasks/<int:task_id>/", name="participation-task", services=services.TASK_ACTION_SERVICES,
                     inputs={"cancel": RejectInput}, id_kwarg="task_id", get_subject=_task,
                     output=TaskDetailOutputSerializer,
                     present=lambda request, task: TaskDetailOutputSerializer(task).data, tag="participation_tasks"),
        *action_urls(route="claims/<int:claim_id>/", name="participation-claim", services=staff_claim_actions,
                     inputs={"send_back": RejectInput}, id_kwarg="claim_id", get_subject=_claim,
                     output=ClaimOutputSerializer,
                     present=lambda request, claim: ClaimOutputSerializer(claim).data, tag="participation_claims"),
    ]


# --- points ---

class PointEntryOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reason = serializers.CharField()
    points = serializers.IntegerField()
    claim = serializers.IntegerField(source="claim_id", allow_null=True)
    redemption = serializers.IntegerField(source="redemption_id", allow_null=True)
    note = serializers.CharField()
    created_at = serializers.DateTimeField()


class PointsOutputSerializer(serializers.Serializer):
    participant = serializers.IntegerField(source="pk")
    balance = serializers.IntegerField()
    entries = PointEntryOutputSerializer(many=True)


def _points(participant):
    participant.balance = points.points_balance(participant)
    participant.entries = participant.point_entries.all()[:500]
    return PointsOutputSerializer(participant).data


class ParticipantPointsApi(APIView):
    """A participant's balance (the sum of their entries) and their latest entries; correct it by a new entry."""

    class CorrectionInput(serializers.Serializer):
        points = serializers.IntegerField(min_value=-100_000, max_value=100_000)
        note = serializers.CharField(max_length=200)

    @extend_schema(responses={200: PointsOutputSerializer, 404: None})
    def get(self, request, participant_id):
        return Response(_points(_get(request.user, participant_id)))

    @extend_schema(request=CorrectionInput, responses={201: PointsOutputSerializer, 400: None, 403: None, 404: None})
    def post(self, request, participant_id):
        participant = _get(request.user, participant_id)
        data = self.CorrectionInput(data=request.data)
        data.is_valid(raise_exception=True)
        points.points_correct(actor=request.user, participant_id=participant.pk, **data.validated_data)
        return Response(_points(participant), status=status.HTTP_201_CREATED)


class OfferOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    community = serializers.CharField(source="community.code")
    shop = serializers.CharField()
    item = serializers.CharField()
    points = serializers.IntegerField()
    stock = serializers.IntegerField()
    is_active = serializers.BooleanField()


class OfferListCreateApi(ListAPIView):
    """List the partner offers of the communities in your scope; list a new one."""

    serializer_class = OfferOutputSerializer
    pagination_class = NewestFirstPagination

    class OfferInput(serializers.Serializer):
        community = CommunityField()
        shop = serializers.CharField(max_length=100)
        item = serializers.CharField(max_length=100)
        points = serializers.IntegerField(min_value=1, max_value=100_000)
        stock = serializers.IntegerField(min_value=0, max_value=100_000)

    def get_queryset(self):
        return restrict_to_scope(PartnerOffer.objects.select_related("community"), self.request.user,
                                 code_field="community__code")

    @extend_schema(request=OfferInput, responses={201: OfferOutputSerializer, 400: None, 403: None})
    def post(self, request):
        data = self.OfferInput(data=request.data)
        data.is_valid(raise_exception=True)
        offer = points.offer_post(actor=request.user, **data.validated_data)
        return Response(OfferOutputSerializer(offer).data, status=status.HTTP_201_CREATED)


# --- figures ---

class AreaFiguresOutputSerializer(serializers.Serializer):
    area = serializers.CharField()
    participants = serializers.DictField(child=serializers.IntegerField(), help_text="confirmed, by kind")
    awaiting_confirmation = serializers.IntegerField()
    hours = serializers.DecimalField(max_digits=12, decimal_places=1)
    tasks_posted = serializers.IntegerField()
    places_taken = serializers.IntegerField()
    claims_confirmed = serializers.IntegerField()
    average_hours_to_take = serializers.FloatField(allow_null=True)
    needs_met = serializers.IntegerField()


class FiguresApi(APIView):
    """Figures of participation in an area of your scope for a month (this month by default), and in each area
    one level down (the communities of a street)."""

    class FiguresOutput(serializers.Serializer):
        area = AreaFiguresOutputSerializer()
        children = AreaFiguresOutputSerializer(many=True)

    @extend_schema(parameters=[MonthInput], responses={200: FiguresOutput, 400: None, 404: None})
    def get(self, request, code):
        area = area_get(user=request.user, code=code)
        if area is None:
            raise NotFound(NO_SUCH_AREA)
        data = MonthInput(data=request.query_params)
        data.is_valid(raise_exception=True)
        period = data.validated_data["period"]
        return Response(self.FiguresOutput({
            "area": participation_figures(area=area, period=period),
            "children": [participation_figures(area=child, period=period) for child in area.children.order_by("code")
                         if child.level != Area.Level.GRID],
        }).data)


# --- service projects (三社联动) ---

NO_SUCH_PROJECT = _("No such service project.")


class ProjectApplicationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    organisation = serializers.IntegerField(source="organisation_id")
    organisation_name = serializers.CharField(source="organisation.name")
    plan = serializers.CharField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    status = serializers.CharField()
    created_at = serializers.DateTimeField()


class ProjectMilestoneOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    planned_on = serializers.DateField()
    done_on = serializers.DateField(allow_null=True)
    note = serializers.CharField()


class ProjectOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    community = serializers.CharField(source="community.code")
    title = serializers.CharField()
    need = serializers.CharField()
    budget = serializers.DecimalField(max_digits=12, decimal_places=2)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    status = serializers.CharField()
    score = serializers.IntegerField(allow_null=True)
    grade = serializers.CharField()
    evaluation = serializers.CharField()
    evaluated_at = serializers.DateTimeField(allow_null=True)


class ProjectDetailOutputSerializer(ProjectOutputSerializer):
    applications = ProjectApplicationOutputSerializer(many=True, source="applications.all")
    milestones = ProjectMilestoneOutputSerializer(many=True, source="milestones.all")


class ProjectListCreateApi(ListAPIView):
    """List the service projects of the communities in your scope; post one for the street's social organisations."""

    serializer_class = ProjectOutputSerializer
    pagination_class = NewestFirstPagination

    class ProjectPostInput(serializers.Serializer):
        community = CommunityField()
        title = serializers.CharField(max_length=100)
        need = serializers.CharField(max_length=2000)
        budget = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
        starts_on = serializers.DateField(validators=[validate_year])
        ends_on = serializers.DateField(validators=[validate_year])

    def get_queryset(self):
        return project_list(user=self.request.user)

    @extend_schema(request=ProjectPostInput, responses={201: ProjectDetailOutputSerializer, 400: None, 403: None})
    def post(self, request):
        data = self.ProjectPostInput(data=request.data)
        data.is_valid(raise_exception=True)
        project = services.project_post(actor=request.user, **data.validated_data)
        return Response(ProjectDetailOutputSerializer(project).data, status=status.HTTP_201_CREATED)


def _project(user, project_id):
    return found_or_not_found(project_get, NO_SUCH_PROJECT, user=user, project_id=project_id)


class ProjectDetailApi(APIView):
    """One service project with its applications and milestones."""

    @extend_schema(responses={200: ProjectDetailOutputSerializer, 404: None})
    def get(self, request, project_id):
        return Response(ProjectDetailOutputSerializer(_project(request.user, project_id)).data)


class ProjectApproveInput(serializers.Serializer):
    application = serializers.PrimaryKeyRelatedField(queryset=ProjectApplication.objects.all())
    reason = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class ProjectMilestonePlanInput(serializers.Serializer):
    title = serializers.CharField(max_length=100)
    planned_on = serializers.DateField(validators=[validate_year])


class ProjectMilestoneDoneInput(serializers.Serializer):
    milestone = serializers.PrimaryKeyRelatedField(queryset=ProjectMilestone.objects.all())
    done_on = serializers.DateField(validators=[validate_year])
    note = serializers.CharField(max_length=2000)


class ProjectEvaluateInput(serializers.Serializer):
    score = serializers.IntegerField(min_value=0, max_value=100)
    grade = serializers.ChoiceField(choices=ServiceProject.Grade.choices)
    evaluation = serializers.CharField(max_length=4000)


PROJECT_ACTION_INPUTS = {"approve": ProjectApproveInput, "plan_milestone": ProjectMilestonePlanInput,
                         "milestone_done": ProjectMilestoneDoneInput, "evaluate": ProjectEvaluateInput,
                         "cancel": RejectInput}


def project_action_patterns():
    """POST projects/{id}/{approve,plan-milestone,milestone-done,evaluate,cancel}/: the staff's moves."""
    return action_urls(
        route="projects/<int:project_id>/", name="participation-project", services=services.PROJECT_ACTION_SERVICES,
        inputs=PROJECT_ACTION_INPUTS, id_kwarg="project_id", get_subject=_project, output=ProjectDetailOutputSerializer,
        present=lambda request, project: ProjectDetailOutputSerializer(project).data, tag="participation_projects")
