"""REST API of the area tree: locate a point, list areas as GeoJSON, read one area, the base map's outline."""

from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from django.utils.cache import patch_cache_control
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_gis.filters import InBBoxFilter
from rest_framework_gis.pagination import GeoJsonPagination
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from .coords import SUPPORTED_CRS, WGS84, wgs84_point
from .filters import AreaFilter
from .models import Area, GridMember
from .selectors import PointOutsideGrids, area_get, area_list, grid_locate, grid_member_list, outline_get

AREA_NOT_FOUND = _("No area has this code.")


class AreaBriefSerializer(serializers.Serializer):
    # A plain Serializer: a ModelSerializer rebuilt its fields per area, 0.48 ms per locate answer.
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.ChoiceField(choices=Area.Level.choices)


class LocateApi(APIView):
    """Return the grid containing a point and its chain community → street → district → city."""

    class LocateInputSerializer(serializers.Serializer):
        lat = serializers.FloatField(min_value=-90, max_value=90)
        lng = serializers.FloatField(min_value=-180, max_value=180)
        crs = serializers.ChoiceField(choices=SUPPORTED_CRS, default=WGS84)

    class LocateOutputSerializer(serializers.Serializer):
        point = inline_serializer("LocatedPoint", {"lat": serializers.FloatField(), "lng": serializers.FloatField()})
        grid = AreaBriefSerializer()
        ancestors = AreaBriefSerializer(many=True)

    @extend_schema(
        parameters=[LocateInputSerializer],
        responses={200: LocateOutputSerializer, 400: None, 404: None},
        description="`crs=gcj02` converts GCJ-02 input (AMap, Tencent) to WGS-84 first; `point` is in WGS-84.",
    )
    def get(self, request):
        params = self.LocateInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        point = wgs84_point(**params.validated_data)
        try:
            location = grid_locate(point)
        except PointOutsideGrids as exc:
            raise NotFound(str(exc)) from None
        data = {"point": {"lat": point.y, "lng": point.x}, "grid": location.grid, "ancestors": location.chain[1:]}
        return Response(self.LocateOutputSerializer(data).data)


class AreaGeoJsonSerializer(GeoFeatureModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)  # a city has none

    class Meta:
        model = Area
        geo_field = "geom"
        id_field = "code"
        fields = ["code", "name", "level", "parent", "grid_kind"]


class AreaPagination(GeoJsonPagination):
    page_size = 1000
    page_size_query_param = "page_size"
    max_page_size = 5000

    def get_paginated_response_schema(self, schema):
        """Return the schema of a page as it is answered: the FeatureCollection (`schema`, the list's
        component, whose `features` are the areas) with the page's count and links beside them.

        rest_framework_gis's own puts the whole collection under `features`, and still requires `results`.
        """
        links = super().get_paginated_response_schema(schema)["properties"]
        page = {"count": links["count"], "next": links["next"], "previous": links["previous"]}
        return {"allOf": [schema, {"type": "object", "required": list(page), "properties": page}]}


class AreaListApi(ListAPIView):
    """Areas the caller may see, as a GeoJSON FeatureCollection."""

    serializer_class = AreaGeoJsonSerializer
    pagination_class = AreaPagination
    filter_backends = [DjangoFilterBackend, InBBoxFilter]
    filterset_class = AreaFilter
    bbox_filter_field = "geom"
    bbox_filter_include_overlapping = True

    def get_queryset(self):
        return area_list(user=self.request.user).select_related("parent")


class AreaDetailApi(APIView):
    """One area with its statistics and, for a grid, its staff."""

    class AreaDetailOutputSerializer(serializers.Serializer):
        code = serializers.CharField()
        name = serializers.CharField()
        level = serializers.CharField()
        level_display = serializers.CharField()
        parent = AreaBriefSerializer(allow_null=True)
        statistics = inline_serializer(
            "AreaStatisticsOut",
            {name: serializers.IntegerField() for name in (
                "grid_count", "worker_count", "member_count", "building_count", "household_count", "key_place_count"
            )},
            allow_null=True,
        )
        members = inline_serializer(
            "GridMemberOut",
            {"name": serializers.CharField(), "kind": serializers.ChoiceField(choices=GridMember.Kind.choices),
             "kind_display": serializers.CharField(source="get_kind_display")},
            many=True,
        )

    @extend_schema(responses={200: AreaDetailOutputSerializer, 404: None})
    def get(self, request, code):
        area = area_get(user=request.user, code=code)
        if area is None:  # unknown, or outside the caller's scope: the same answer
            raise NotFound(AREA_NOT_FOUND)
        data = {
            "code": area.code,
            "name": area.name,
            "level": area.level,
            "level_display": area.get_level_display(),
            "parent": area.parent,
            "statistics": getattr(area, "statistics", None),
            "members": grid_member_list(grid=area) if area.level == Area.Level.GRID else [],
        }
        return Response(self.AreaDetailOutputSerializer(data).data)


class AreaOutlineApi(APIView):
    """The base map of maps without a tile layer: the area tree's outlines, simplified for the zoom."""

    permission_classes = [AllowAny]  # anonymous callers (the citizens' page) get the public outline only
    # The answer differs by user, never by time within the minutes a map is open.
    BROWSER_CACHE_SECONDS = 300

    class OutlineInputSerializer(serializers.Serializer):
        zoom = serializers.IntegerField(min_value=0, max_value=22)

    @extend_schema(
        parameters=[OutlineInputSerializer],
        responses={200: OpenApiTypes.OBJECT, 400: None, 401: None},  # 401: a bad token, even here
        description=(
            "A GeoJSON FeatureCollection. Staff: the district around their own area, levels by zoom "
            "(streets from 12, communities from 14, the grids of their street from 15), a grid worker's "
            "grids flagged `own`, from zoom 16 the buildings and key places of their scope. Anyone else: "
            "the public outline of the city (city to community, names and boundaries only). Geometry is "
            "simplified to half a screen pixel at the zoom (ST_SimplifyPreserveTopology)."
        ),
    )
    def get(self, request):
        params = self.OutlineInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        response = Response(outline_get(user=request.user, **params.validated_data))
        patch_cache_control(response, private=True, max_age=self.BROWSER_CACHE_SECONDS)
        return response
