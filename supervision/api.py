"""The supervision API (/api/v1/supervision/): programmes, their tasks with light and score, a
milestone with its reports and the moves open to you, and one POST per move."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from govportal.api import action_urls, found_or_not_found

from . import services
from .selectors import milestone_get, programme_get, programme_list, programme_rows
from .workflow import MILESTONES

NO_SUCH_PROGRAMME = _("No such programme.")
NO_SUCH_MILESTONE = _("No such milestone.")


class ProgrammeOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    year = serializers.IntegerField()
    office = serializers.CharField(source="office.name")
    reminder_working_days = serializers.ListField(child=serializers.IntegerField())


class ProgrammeListApi(APIView):
    """The programmes you see: your office's, or those with a task your unit leads or shares."""

    @extend_schema(responses=ProgrammeOutputSerializer(many=True))
    def get(self, request):
        programmes = programme_list(user=request.user).select_related("office")
        return Response(ProgrammeOutputSerializer(programmes, many=True).data)


class ProgrammeTasksApi(APIView):
    """The programme's tasks you see, in its order, each with its traffic light, score and next milestone."""

    class TaskRowOutputSerializer(serializers.Serializer):
        id = serializers.IntegerField(source="task.pk")
        number = serializers.CharField(source="task.number")
        parent = serializers.CharField(source="task.parent.number", allow_null=True, default=None)
        title = serializers.CharField(source="task.title")
        lead_unit = serializers.CharField(source="task.lead_unit.name")
        responsible_units = serializers.SerializerMethodField()
        target = serializers.CharField(source="task.target_text")
        end_date = serializers.DateField(source="task.end_date")
        light = serializers.ChoiceField(source="standing.light", choices=["green", "yellow", "red"])
        score = serializers.FloatField(source="standing.score", allow_null=True,
                                       help_text="0–100; None with nothing due yet")
        reached = serializers.DecimalField(source="standing.reached", max_digits=14, decimal_places=2,
                                           allow_null=True)
        next_milestone = serializers.IntegerField(source="next_due.pk", allow_null=True, default=None)

        def get_responsible_units(self, row) -> list[str]:
            return [unit.name for unit in row.task.responsible_units.all()]

    @extend_schema(responses={200: TaskRowOutputSerializer(many=True), 404: None})
    def get(self, request, programme_id):
        programme = found_or_not_found(programme_get, NO_SUCH_PROGRAMME, user=request.user, pk=programme_id)
        rows = programme_rows(programme=programme, user=request.user, today=timezone.localdate())
        return Response(self.TaskRowOutputSerializer(rows, many=True).data)


class ReportOutputSerializer(serializers.Serializer):
    unit = serializers.CharField(source="unit.name")
    author = serializers.CharField(source="author.username")
    text = serializers.CharField()
    figure = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    has_attachment = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_has_attachment(self, report) -> bool:
        return bool(report.attachment)


class MilestoneOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    task = serializers.CharField(source="task.number")
    title = serializers.CharField()
    due_date = serializers.DateField()
    status = serializers.CharField()
    summary = serializers.CharField()
    figure = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    delivered = serializers.BooleanField()
    missed = serializers.BooleanField(source="overdue_at", help_text="a supervision order was issued")
    reports = ReportOutputSerializer(many=True)
    allowed_actions = serializers.ListField(child=serializers.CharField())


def _get(user, milestone_id):
    return found_or_not_found(milestone_get, NO_SUCH_MILESTONE, user=user, pk=milestone_id)


def _detail(milestone, user):
    milestone.allowed_actions = MILESTONES.allowed_actions(milestone, user)
    return MilestoneOutputSerializer(milestone).data


class MilestoneDetailApi(APIView):
    """One milestone with the units' reports, the consolidated report and the moves you may make."""

    @extend_schema(responses={200: MilestoneOutputSerializer, 404: None})
    def get(self, request, milestone_id):
        return Response(_detail(_get(request.user, milestone_id), request.user))


class ReportInput(serializers.Serializer):
    text = serializers.CharField(max_length=5000)
    figure = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True)


class SubmitInput(serializers.Serializer):
    summary = serializers.CharField(max_length=5000)
    figure = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True)
    delivered = serializers.BooleanField(required=False, default=False)


class ReturnInput(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


ACTION_INPUTS = {"report": ReportInput, "submit": SubmitInput, "return": ReturnInput}


def action_patterns():
    """POST milestones/{id}/{action}/, one view per move (govportal.api.action_urls); the answer is the milestone."""
    return action_urls(
        route="milestones/<int:milestone_id>/", name="supervision-milestone", services=services.ACTION_SERVICES,
        inputs=ACTION_INPUTS, id_kwarg="milestone_id", get_subject=_get, output=MilestoneOutputSerializer,
        present=lambda request, milestone: _detail(_get(request.user, milestone.pk), request.user),
        tag="supervision_milestones",
    )
