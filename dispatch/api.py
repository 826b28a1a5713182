"""REST API of dispatching: the inputs of the co-handling and objection moves (POST
/api/v1/tickets/{id}/<action>/, beside the work order's other moves) and the catalogue's proposal."""

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import sees_areas
from accounts.models import HandlingUnit
from grids.coords import SUPPORTED_CRS, WGS84, wgs84_point
from grids.models import Area
from grids.selectors import POINT_OUTSIDE_GRIDS, PointOutsideGrids, grid_locate
from incidents.models import Category, Ticket
from incidents.routing import dispatch_proposal



class CoFeedbackInput(serializers.Serializer):
    feedback = serializers.CharField(max_length=2000)


class ObjectionInput(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


class RedispatchInput(ObjectionInput):
    unit = serializers.SlugRelatedField(slug_field="code", queryset=HandlingUnit.objects.filter(is_active=True))


# action → its input serializer (absent: no input), merged into incidents.api.ACTION_INPUTS
ACTION_INPUTS = {"co_feedback": CoFeedbackInput, "object": ObjectionInput, "redispatch": RedispatchInput,
                 "reject_objection": ObjectionInput}


class UnitOutput(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()


class DispatchProposalApi(APIView):
    """Where the dispatch catalogue sends a matter of `category` at a place: the lead unit the intake
    page pre-selects and the co-handling units. The operator may choose another lead, with a reason."""

    class ProposalInput(serializers.Serializer):
        category = serializers.SlugRelatedField(
            slug_field="code", queryset=Category.objects.filter(is_active=True, parent__isnull=False))
        lat = serializers.FloatField(min_value=-90, max_value=90)
        lng = serializers.FloatField(min_value=-180, max_value=180)
        crs = serializers.ChoiceField(choices=SUPPORTED_CRS, default=WGS84)

    class ProposalOutput(serializers.Serializer):
        lead_unit = UnitOutput(allow_null=True)
        co_units = UnitOutput(many=True)

    @extend_schema(parameters=[ProposalInput], responses={200: ProposalOutput, 400: None, 403: None})
    def get(self, request):
        if not sees_areas(request.user):
            raise PermissionDenied
        data = self.ProposalInput(data=request.query_params)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            place = grid_locate(wgs84_point(lng=values["lng"], lat=values["lat"], crs=values["crs"]))
        except PointOutsideGrids:
            raise serializers.ValidationError({"lat": [POINT_OUTSIDE_GRIDS]}) from None
        ticket = Ticket(category=values["category"], grid=place.grid, community=place.at(Area.Level.COMMUNITY),
                        street=place.at(Area.Level.STREET), district=place.at(Area.Level.DISTRICT))
        lead, co_units = dispatch_proposal(ticket)
        return Response(self.ProposalOutput({"lead_unit": lead, "co_units": co_units}).data)
