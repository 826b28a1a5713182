"""The special-group API (/api/v1/carelist/): the groups and their intervals, the persons you see
(masked), a person's file (each read audited), one POST per move, and the counts per grid of the
一张图 map (never a person)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.generics import ListAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from govportal.api import action_urls, found_or_not_found
from grids.models import Area

from . import services
from .models import CareVisit
from .selectors import care_counts_by_grid, group_list, may_see_grid_counts, person_get, visits_due
from .workflow import CARE

NO_SUCH_PERSON = _("No such person.")
NO_SUCH_AREA = _("No such area.")
COUNTS_REFUSED = _("Your role may not see the counts of special groups.")


class LevelOutputSerializer(serializers.Serializer):
    level = serializers.IntegerField()
    label = serializers.CharField(source="get_level_display")
    visit_interval_days = serializers.IntegerField()


class GroupOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    levels = LevelOutputSerializer(many=True)


class GroupListApi(APIView):
    """The special groups (9+X) and, per level of attention, how often a person is visited."""

    @extend_schema(responses=GroupOutputSerializer(many=True))
    def get(self, request):
        return Response(GroupOutputSerializer(group_list(), many=True).data)


class MembershipOutputSerializer(serializers.Serializer):
    group = serializers.CharField(source="group.code")
    group_name = serializers.CharField(source="group.name")
    level = serializers.IntegerField()


class PersonRowOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    id_number = serializers.CharField(source="id_number_masked", help_text="masked")
    phone = serializers.CharField(source="phone_masked", help_text="masked")
    grid = serializers.CharField(source="grid.code")
    status = serializers.CharField()
    last_visited_on = serializers.DateField(allow_null=True)
    next_visit_due = serializers.DateField(allow_null=True)
    levels = MembershipOutputSerializer(many=True)


class DuePagination(PageNumberPagination):
    """Numbered pages: the order (next visit due) is a date many persons share, which a cursor cannot page by."""

    page_size = 100


class PersonListApi(ListAPIView):
    """The persons you help, or lead in your area, still looked after; the next visit due first."""

    serializer_class = PersonRowOutputSerializer
    pagination_class = DuePagination

    def get_queryset(self):
        return visits_due(user=self.request.user)


class HelperOutputSerializer(serializers.Serializer):
    user = serializers.CharField(source="user.username")
    name = serializers.CharField(source="user.__str__")
    kind = serializers.CharField()


class VisitOutputSerializer(serializers.Serializer):
    visited_on = serializers.DateField()
    place = serializers.CharField()
    way = serializers.ChoiceField(choices=CareVisit.Way.choices)
    condition = serializers.ChoiceField(choices=CareVisit.Condition.choices)
    note = serializers.CharField()
    follow_up_needed = serializers.BooleanField()
    recorded_by = serializers.CharField(source="recorded_by.username")
    recorded_at = serializers.DateTimeField()


class PersonOutputSerializer(PersonRowOutputSerializer):
    address = serializers.CharField()
    building = serializers.CharField(source="building.code", allow_null=True, default=None)
    helpers = HelperOutputSerializer(source="helper_links", many=True)
    visits = VisitOutputSerializer(many=True)
    allowed_actions = serializers.ListField(child=serializers.CharField())


def _get(user, person_id):
    return found_or_not_found(person_get, NO_SUCH_PERSON, user=user, pk=person_id)


def _detail(person, user):
    person.allowed_actions = CARE.allowed_actions(person, user)
    return PersonOutputSerializer(person).data


class PersonDetailApi(APIView):
    """A person's file: groups, masked numbers, helpers, schedule, visits and the moves you may make.
    Every read is recorded in the audit trail."""

    @extend_schema(responses={200: PersonOutputSerializer, 404: None})
    def get(self, request, person_id):
        person = found_or_not_found(services.care_person_view, NO_SUCH_PERSON, user=request.user, pk=person_id)
        return Response(_detail(person, request.user))


class GridCountOutputSerializer(serializers.Serializer):
    grid = serializers.CharField(source="grid__code")
    name = serializers.CharField(source="grid__name")
    count = serializers.IntegerField()


class GridCountsApi(APIView):
    """How many persons each grid of your area looks after (the 一张图 map's layer): counts only.
    For community staff, street coordinators and leaders."""

    @extend_schema(parameters=[OpenApiParameter("area", str, description="an area code: only the grids under it")],
                   responses={200: GridCountOutputSerializer(many=True), 403: None, 404: None})
    def get(self, request):
        if not may_see_grid_counts(request.user):
            raise exceptions.PermissionDenied(COUNTS_REFUSED)
        code = request.query_params.get("area")
        within = None
        if code:
            within = Area.objects.filter(code=code).first()
            if within is None:
                raise exceptions.NotFound(NO_SUCH_AREA)
        rows = care_counts_by_grid(user=request.user, within=within)
        return Response(GridCountOutputSerializer(rows, many=True).data)


class VisitInput(serializers.Serializer):
    visited_on = serializers.DateField()
    place = serializers.CharField(max_length=200)
    way = serializers.ChoiceField(choices=CareVisit.Way.choices)
    condition = serializers.ChoiceField(choices=CareVisit.Condition.choices)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    follow_up_needed = serializers.BooleanField(required=False, default=False)


class CloseInput(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


ACTION_INPUTS = {"record_visit": VisitInput, "close": CloseInput}


def action_patterns():
    """POST persons/{id}/{action}/, one view per move (govportal.api.action_urls); the answer is the file."""
    return action_urls(
        route="persons/<int:person_id>/", name="carelist-person", services=services.ACTION_SERVICES,
        inputs=ACTION_INPUTS, id_kwarg="person_id", get_subject=_get, output=PersonOutputSerializer,
        present=lambda request, person: _detail(_get(request.user, person.pk), request.user),
        tag="carelist_persons",
    )
