"""REST API of the dashboards (/api/v1/dashboard/…): the same figures as the pages, same scope."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_gis.fields import GeometryField
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from govportal.periods import MonthInput, PeriodInput
from grids.models import Area

from . import selectors
from .models import AssessmentScheme

NO_SUCH_AREA = _("No such area.")


def period_from(params, input_class=PeriodInput):
    data = input_class(data=params)
    data.is_valid(raise_exception=True)
    return data.validated_data["period"]


def area_from(request, code):
    """Return the area of the URL within the caller's scope: 404 outside it as for an unknown code."""
    try:
        return selectors.dashboard_area(user=request.user, code=code)
    except Area.DoesNotExist:
        raise NotFound(NO_SUCH_AREA) from None


class DashboardAreaSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.ChoiceField(choices=Area.Level.choices)


class DashboardFlowSerializer(serializers.Serializer):
    reported = serializers.IntegerField()
    closed = serializers.IntegerField()
    closed_on_time = serializers.IntegerField()
    rejected = serializers.IntegerField()
    overdue = serializers.IntegerField(help_text="deadlines missed")
    dispatched = serializers.IntegerField()
    returned = serializers.IntegerField()
    rated = serializers.IntegerField()
    satisfied = serializers.IntegerField()
    basically_satisfied = serializers.IntegerField()
    on_time_rate = serializers.FloatField(allow_null=True)
    return_rate = serializers.FloatField(allow_null=True)
    satisfaction_rate = serializers.FloatField(allow_null=True)


class DashboardSummaryApi(APIView):
    """Headline figures of an area: today, this month, open and overdue now, hotline and mediation rates."""

    class SummaryOutputSerializer(serializers.Serializer):
        area = DashboardAreaSerializer()
        breadcrumbs = DashboardAreaSerializer(many=True)
        today = DashboardFlowSerializer()
        month = DashboardFlowSerializer()
        open_now = serializers.IntegerField()
        overdue_open_now = serializers.IntegerField()
        hotline = serializers.DictField()
        mediation = serializers.DictField()

    @extend_schema(responses={200: SummaryOutputSerializer, 403: None, 404: None})
    def get(self, request, code):
        area = area_from(request, code)
        summary = selectors.area_summary(area=area)
        data = {"area": area, "breadcrumbs": selectors.breadcrumbs(user=request.user, area=area), **summary}
        return Response(self.SummaryOutputSerializer(data).data)


class DashboardChildrenApi(APIView):
    """The drill-down: one row per child area (cities of a province, districts of a city, …, grids of a community)."""

    class ChildAreaOutputSerializer(DashboardFlowSerializer):
        code = serializers.CharField()
        name = serializers.CharField()
        level = serializers.ChoiceField(choices=Area.Level.choices)
        open_now = serializers.IntegerField()
        overdue_open_now = serializers.IntegerField()

    @extend_schema(parameters=[PeriodInput],
                   responses={200: ChildAreaOutputSerializer(many=True), 400: None, 403: None, 404: None})
    def get(self, request, code):
        area, period = area_from(request, code), period_from(request.query_params)
        rows = selectors.children_figures(area=area, period=period)
        return Response(self.ChildAreaOutputSerializer(rows, many=True).data)


class DashboardTrendApi(APIView):
    """One row per day of the period: reported, closed and deadlines missed."""

    class TrendDayOutputSerializer(serializers.Serializer):
        day = serializers.DateField()
        reported = serializers.IntegerField()
        closed = serializers.IntegerField()
        overdue = serializers.IntegerField()

    @extend_schema(parameters=[PeriodInput],
                   responses={200: TrendDayOutputSerializer(many=True), 400: None, 403: None, 404: None})
    def get(self, request, code):
        area, period = area_from(request, code), period_from(request.query_params)
        rows = selectors.daily_trend(area=area, period=period)
        return Response(self.TrendDayOutputSerializer(rows, many=True).data)


class DashboardCategoriesApi(APIView):
    """Tickets reported in the period per major category."""

    class CategoryMixOutputSerializer(serializers.Serializer):
        code = serializers.CharField()
        name = serializers.CharField()
        reported = serializers.IntegerField()

    @extend_schema(parameters=[PeriodInput],
                   responses={200: CategoryMixOutputSerializer(many=True), 400: None, 403: None, 404: None})
    def get(self, request, code):
        area, period = area_from(request, code), period_from(request.query_params)
        rows = selectors.category_mix(area=area, period=period)
        return Response(self.CategoryMixOutputSerializer(rows, many=True).data)


class DashboardTopGridsApi(APIView):
    """The recurring places: grids with the most tickets in the months of the period."""

    class TopGridOutputSerializer(serializers.Serializer):
        grid_code = serializers.CharField()
        name = serializers.CharField()
        reported = serializers.IntegerField()
        overdue = serializers.IntegerField()

    @extend_schema(parameters=[PeriodInput],
                   responses={200: TopGridOutputSerializer(many=True), 400: None, 403: None, 404: None})
    def get(self, request, code):
        area, period = area_from(request, code), period_from(request.query_params)
        rows = selectors.top_grids(area=area, period=period)
        return Response(self.TopGridOutputSerializer(rows, many=True).data)


class DashboardMapAreaSerializer(GeoFeatureModelSerializer, DashboardChildrenApi.ChildAreaOutputSerializer):
    """A child area as a GeoJSON feature: its boundary; its figures and a point inside it as properties."""

    geom = GeometryField(precision=5)
    open_now = serializers.IntegerField(allow_null=True, help_text="null for a grid shown itself")
    overdue_open_now = serializers.IntegerField(allow_null=True, help_text="null for a grid shown itself")
    overdue_rate = serializers.FloatField(allow_null=True, help_text="deadlines missed per ticket reported")
    lng = serializers.FloatField(source="point.x")
    lat = serializers.FloatField(source="point.y")

    class Meta:
        model = Area
        geo_field = "geom"
        id_field = False
        fields = ["geom", *DashboardChildrenApi.ChildAreaOutputSerializer._declared_fields, "overdue_rate", "lng",
                  "lat"]


class DashboardMapApi(APIView):
    """The layers of 综治一张图: child areas with figures (GeoJSON), open-ticket clusters, key places and
    risk sources."""

    class MapLayersOutputSerializer(serializers.Serializer):
        # A dict in the schema: drf-spectacular documents a nested GeoFeatureModelSerializer(many=True)
        # as an array, not as the FeatureCollection it returns.
        areas = serializers.DictField(help_text="GeoJSON FeatureCollection of the child areas with their figures "
                                                "(DashboardMapAreaSerializer)")
        clusters = serializers.ListField(child=serializers.DictField())
        key_places = serializers.ListField(child=serializers.DictField())
        risk_sources = serializers.ListField(child=serializers.DictField())

    @extend_schema(parameters=[PeriodInput],
                   responses={200: MapLayersOutputSerializer, 400: None, 403: None, 404: None})
    def get(self, request, code):
        area, period = area_from(request, code), period_from(request.query_params)
        areas = selectors.map_areas(area=area, period=period)
        return Response({
            "areas": DashboardMapAreaSerializer(areas, many=True).data,
            "clusters": selectors.open_ticket_clusters(user=request.user, area=area),
            "key_places": selectors.key_places(area=area),
            "risk_sources": selectors.key_places(area=area, risk_sources=True),
        })


class AssessmentRankingApi(APIView):
    """考核: streets and departments inside the area ranked by the weighted score of a month."""

    class RankingRowSerializer(serializers.Serializer):
        rank = serializers.IntegerField(allow_null=True, help_text="None: nothing to measure (ranked last).")
        code = serializers.CharField()
        name = serializers.CharField()
        score = serializers.FloatField(allow_null=True)
        on_time_rate = serializers.FloatField(allow_null=True)
        overdue = serializers.IntegerField()
        overdue_rate = serializers.FloatField(allow_null=True)
        return_rate = serializers.FloatField(allow_null=True)
        satisfaction_rate = serializers.FloatField(allow_null=True)
        supervision_rate = serializers.FloatField(
            allow_null=True, help_text="Mean score (0–1) of the supervised reform tasks the unit leads; "
                                       "None without tasks due or when its weight is 0.")

    class RankingOutputSerializer(serializers.Serializer):
        start = serializers.DateField()
        end = serializers.DateField()
        weights = serializers.DictField()
        streets = serializers.ListField(child=serializers.DictField())
        departments = serializers.ListField(child=serializers.DictField())

    @extend_schema(parameters=[MonthInput], responses={200: RankingOutputSerializer, 400: None, 403: None, 404: None})
    def get(self, request, code):
        area, period = area_from(request, code), period_from(request.query_params, MonthInput)
        scheme = AssessmentScheme.current()
        rows = self.RankingRowSerializer
        return Response({
            "start": period.start, "end": period.end,
            "weights": scheme.weights(),
            "streets": rows(selectors.street_ranking(area=area, period=period, scheme=scheme), many=True).data,
            "departments": rows(selectors.department_ranking(area=area, period=period, scheme=scheme),
                                many=True).data,
        })
