"""REST API of city components (/api/v1/components/…): the list and one component in your scope, the
catalogue's kinds, and the map layer."""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_gis.fields import GeometryField
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from accounts.access import ensure_in_scope
from dashboards.layers import LayerQuery, map_layer_check
from grids.models import Area

from . import selectors
from .layers import COMPONENTS_LAYER
from .models import Component

NO_SUCH_COMPONENT = _("No such component.")
NO_SUCH_AREA = _("No such area.")


class ComponentFilter(django_filters.FilterSet):
    kind = django_filters.CharFilter(field_name="kind__code", help_text="minor class code (4 digits)")
    major = django_filters.CharFilter(field_name="kind__parent__code", help_text="major class code (2 digits)")
    state = django_filters.ChoiceFilter(choices=Component.State.choices)
    owner_unit = django_filters.CharFilter(field_name="owner_unit__code", help_text="handling unit code")

    class Meta:
        model = Component
        fields = ["kind", "major", "state", "owner_unit"]


class ComponentOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField(source="kind.code")
    kind_name = serializers.CharField(source="kind.name")
    major = serializers.CharField(source="kind.parent.code")
    major_name = serializers.CharField(source="kind.parent.name")
    state = serializers.CharField()
    state_display = serializers.CharField(source="get_state_display")
    owner_unit = serializers.CharField(source="owner_unit.code")
    owner_unit_name = serializers.CharField(source="owner_unit.name")
    address = serializers.CharField()
    grid = serializers.CharField(source="area_code")
    lat = serializers.FloatField(source="location.y")
    lng = serializers.FloatField(source="location.x")


class ComponentPagination(PageNumberPagination):
    page_size = 100


class ComponentListApi(ListAPIView):
    """The components inside your scope, by code, a page at a time; filter by kind, major class, state, owner."""

    serializer_class = ComponentOutputSerializer
    filterset_class = ComponentFilter
    pagination_class = ComponentPagination

    def get_queryset(self):
        return selectors.component_list(user=self.request.user)


class ComponentDetailApi(APIView):
    """One component by its 16-digit code (404 outside your scope, as for an unknown code)."""

    @extend_schema(responses={200: ComponentOutputSerializer, 404: None})
    def get(self, request, code):
        try:
            component = selectors.component_get(user=request.user, code=code)
        except Component.DoesNotExist:
            raise NotFound(NO_SUCH_COMPONENT) from None
        return Response(ComponentOutputSerializer(component).data)


class ComponentKindListApi(APIView):
    """The minor classes of the component catalogue (GB/T 30428.2) with their major classes."""

    class KindOutputSerializer(serializers.Serializer):
        code = serializers.CharField()
        name = serializers.CharField()
        major = serializers.CharField(source="parent.code")
        major_name = serializers.CharField(source="parent.name")

    @extend_schema(responses={200: KindOutputSerializer(many=True)})
    def get(self, request):
        return Response(self.KindOutputSerializer(selectors.kind_list(), many=True).data)


class ComponentFeatureSerializer(GeoFeatureModelSerializer):
    """A component as a GeoJSON point feature for the map."""

    location = GeometryField(precision=6)
    kind = serializers.CharField(source="kind.name")
    major = serializers.CharField(source="kind.parent.code")
    state_display = serializers.CharField(source="get_state_display")
    owner = serializers.CharField(source="owner_unit.name")

    class Meta:
        model = Component
        geo_field = "location"
        id_field = False
        fields = ["code", "name", "kind", "major", "state", "state_display", "owner"]


class ComponentMapApi(APIView):
    """The components' map layer: the components inside an area of your scope as GeoJSON, for the roles
    that see the layer (dashboards.layers)."""

    class ComponentMapInput(LayerQuery):
        major = serializers.RegexField(r"^\d{2}$", required=False, help_text="major class code (2 digits)")
        state = serializers.ChoiceField(choices=Component.State.choices, required=False)

    @extend_schema(parameters=[ComponentMapInput],
                   responses={(200, "application/geo+json"): dict, 400: None, 403: None, 404: None})
    def get(self, request):
        map_layer_check(request.user, COMPONENTS_LAYER.name)
        data = self.ComponentMapInput(data=request.query_params)
        data.is_valid(raise_exception=True)
        try:
            area = Area.objects.get(code=data.validated_data["area"])
            ensure_in_scope(request.user, area.code)
        except Area.DoesNotExist:
            raise NotFound(NO_SUCH_AREA) from None
        components = selectors.components_on_map(area=area, major=data.validated_data.get("major"),
                                                 state=data.validated_data.get("state"))
        return Response(ComponentFeatureSerializer(components, many=True).data)
