"""REST API of the registers: houses with their residents, moves in and out, rental-house inspections,
reveals, the counts per grid and the rental houses by risk grade as GeoJSON."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from dashboards.layers import LayerQuery, map_layer_check
from govportal.api import found_or_not_found
from grids.models import Building

from . import selectors, services
from .layers import RENTAL_HOUSES_LAYER
from .models import House, Resident, ResidentReveal, RiskGrade

NO_SUCH_HOUSE = _("No such house.")
NO_SUCH_RESIDENCE = _("No such residence.")
NO_SUCH_RENTAL_HOUSE = _("No such rental house.")
NO_SUCH_RESIDENT = _("No such resident.")
NO_SUCH_AREA = _("No such area.")


class RentalOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    owner = serializers.CharField(source="owner_name_masked")
    owner_phone = serializers.CharField(source="owner_phone_masked")
    grade = serializers.CharField(source="grade.code")
    grade_name = serializers.CharField(source="grade.name")
    last_inspected_on = serializers.DateField(allow_null=True)
    next_inspection_due = serializers.DateField()


class HouseOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    building = serializers.CharField(source="building.name")
    address = serializers.CharField(source="building.address")
    grid = serializers.CharField(source="area_code")
    unit = serializers.CharField()
    floor = serializers.IntegerField()
    room = serializers.CharField()
    use = serializers.CharField()
    floor_area_m2 = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    rental = serializers.SerializerMethodField()

    def get_rental(self, house) -> RentalOutputSerializer(allow_null=True):
        rental = getattr(house, "rental", None)
        return RentalOutputSerializer(rental).data if rental is not None else None


class ResidenceOutputSerializer(serializers.Serializer):
    """A residence; the resident's name, ID and phone number always masked (the full ones through a reveal)."""

    id = serializers.IntegerField()
    resident = serializers.IntegerField(source="resident_id")
    name = serializers.CharField(source="resident.name_masked")
    id_number = serializers.CharField(source="resident.id_number_masked")
    phone = serializers.CharField(source="resident.phone_masked")
    kind = serializers.CharField(source="resident.kind")
    house = serializers.IntegerField(source="house_id")
    household = serializers.CharField(source="household.number", default=None)
    status = serializers.CharField()
    moved_in_on = serializers.DateField()
    moved_out_on = serializers.DateField(allow_null=True)
    lease_start = serializers.DateField(allow_null=True)
    lease_end = serializers.DateField(allow_null=True)


class HouseDetailOutputSerializer(HouseOutputSerializer):
    residences = serializers.SerializerMethodField(help_text="current residents first, then the history")

    def get_residences(self, house) -> ResidenceOutputSerializer(many=True):
        return ResidenceOutputSerializer(selectors.residence_list(house=house), many=True).data


def _house_of(request, house_id):
    return found_or_not_found(selectors.house_get, NO_SUCH_HOUSE, user=request.user, house_id=house_id)


class HousePagination(PageNumberPagination):
    page_size = 100


class HouseListApi(ListAPIView):
    """The houses you may see, a page at a time: your grids' as a grid worker, your area's for the community and up."""

    serializer_class = HouseOutputSerializer
    pagination_class = HousePagination

    class HouseInput(serializers.Serializer):
        building = serializers.SlugRelatedField(slug_field="code", queryset=Building.objects.all(),
                                                help_text="the building's code, in one of your grids")
        unit = serializers.CharField(max_length=10, required=False, allow_blank=True, default="")
        floor = serializers.IntegerField(min_value=-5, max_value=200)
        room = serializers.CharField(max_length=10)
        use = serializers.ChoiceField(choices=House.Use.choices, required=False, default=House.Use.RESIDENTIAL)
        floor_area_m2 = serializers.DecimalField(max_digits=7, decimal_places=2, min_value=0, required=False,
                                                 allow_null=True, default=None)

    def get_queryset(self):
        return selectors.house_list(user=self.request.user)

    @extend_schema(request=HouseInput, responses={201: HouseOutputSerializer, 400: None, 403: None, 409: None})
    def post(self, request):
        """Register a house (a room) of a building in one of your grids (grid workers)."""
        data = self.HouseInput(data=request.data)
        data.is_valid(raise_exception=True)
        house = services.house_add(actor=request.user, **data.validated_data)
        return Response(HouseOutputSerializer(house).data, status=status.HTTP_201_CREATED)


class HouseDetailApi(APIView):
    @extend_schema(responses={200: HouseDetailOutputSerializer, 404: None})
    def get(self, request, house_id):
        """One house with its residents, current and past (personal numbers masked)."""
        return Response(HouseDetailOutputSerializer(_house_of(request, house_id)).data)


class MoveInApi(APIView):
    """Record a person moving into the house (your grid's): a new residence, the person found by their ID number."""

    class MoveInInput(serializers.Serializer):
        kind = serializers.ChoiceField(choices=Resident.Kind.choices)
        name = serializers.CharField(max_length=50)
        id_number = serializers.CharField(max_length=18, min_length=18)
        phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
        household = serializers.CharField(max_length=20, required=False, allow_blank=True, default="",
                                          help_text="the household number at this house; created if new")
        moved_in_on = serializers.DateField()
        lease_start = serializers.DateField(required=False, allow_null=True, default=None)
        lease_end = serializers.DateField(required=False, allow_null=True, default=None)

    @extend_schema(request=MoveInInput, responses={201: ResidenceOutputSerializer, 400: None, 403: None, 404: None,
                                                   409: None})
    def post(self, request, house_id):
        house = _house_of(request, house_id)
        data = self.MoveInInput(data=request.data)
        data.is_valid(raise_exception=True)
        residence = services.resident_move_in(actor=request.user, house=house, **data.validated_data)
        return Response(ResidenceOutputSerializer(residence).data, status=status.HTTP_201_CREATED)


class RentalRegisterApi(APIView):
    """Register the house (your grid's) as a rental house of a risk grade; its first inspection falls due one
    interval of the grade after the day it was let."""

    class RentalRegisterInput(serializers.Serializer):
        owner_name = serializers.CharField(max_length=50)
        owner_phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
        grade = serializers.SlugRelatedField(slug_field="code", queryset=RiskGrade.objects.all())
        registered_on = serializers.DateField(help_text="the day it was let")

    @extend_schema(request=RentalRegisterInput, responses={201: RentalOutputSerializer, 400: None, 403: None,
                                                           404: None, 409: None})
    def post(self, request, house_id):
        house = _house_of(request, house_id)
        data = self.RentalRegisterInput(data=request.data)
        data.is_valid(raise_exception=True)
        rental = services.rental_house_register(actor=request.user, house=house, **data.validated_data)
        return Response(RentalOutputSerializer(rental).data, status=status.HTTP_201_CREATED)


class MoveOutApi(APIView):
    """Record that the resident moved out (the residence ends with the date; its history stays)."""

    class MoveOutInput(serializers.Serializer):
        moved_out_on = serializers.DateField()
        reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    @extend_schema(request=MoveOutInput, responses={200: ResidenceOutputSerializer, 400: None, 403: None, 404: None,
                                                    409: None})
    def post(self, request, residence_id):
        residence = found_or_not_found(selectors.residence_get, NO_SUCH_RESIDENCE, user=request.user,
                                       residence_id=residence_id)
        data = self.MoveOutInput(data=request.data)
        data.is_valid(raise_exception=True)
        residence = services.residence_move_out(residence_id=residence.pk, actor=request.user, **data.validated_data)
        return Response(ResidenceOutputSerializer(residence).data)


class InspectionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    inspected_on = serializers.DateField()
    grade = serializers.CharField(source="grade.code")
    findings = serializers.CharField()
    next_inspection_due = serializers.DateField(source="rental_house.next_inspection_due")


class InspectionApi(APIView):
    """Record an inspection of a rental house (your grid's); the next one falls due by its risk grade."""

    class InspectionInput(serializers.Serializer):
        inspected_on = serializers.DateField()
        grade = serializers.SlugRelatedField(slug_field="code", queryset=RiskGrade.objects.all(), required=False,
                                             default=None, help_text="the risk grade now; unchanged if left out")
        findings = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

    @extend_schema(request=InspectionInput, responses={201: InspectionOutputSerializer, 400: None, 403: None,
                                                       404: None})
    def post(self, request, rental_house_id):
        rental = found_or_not_found(selectors.rental_house_get, NO_SUCH_RENTAL_HOUSE, user=request.user,
                                    rental_house_id=rental_house_id)
        data = self.InspectionInput(data=request.data)
        data.is_valid(raise_exception=True)
        inspection = services.inspection_record(rental_house_id=rental.pk, actor=request.user, **data.validated_data)
        return Response(InspectionOutputSerializer(inspection).data, status=status.HTTP_201_CREATED)


class ResidentRevealApi(APIView):
    """A resident's full name, ID or phone number, for the grid workers of their grid, with a reason; logged."""

    class ResidentRevealInput(serializers.Serializer):
        field = serializers.ChoiceField(choices=ResidentReveal.Field.choices)
        reason = serializers.CharField(max_length=200)

    class ResidentRevealOutput(serializers.Serializer):
        value = serializers.CharField()

    @extend_schema(request=ResidentRevealInput, responses={200: ResidentRevealOutput, 400: None, 403: None, 404: None})
    def post(self, request, resident_id):
        data = self.ResidentRevealInput(data=request.data)
        data.is_valid(raise_exception=True)
        value = found_or_not_found(services.resident_reveal, NO_SUCH_RESIDENT, resident_id=resident_id,
                                   actor=request.user, **data.validated_data)
        return Response({"value": value})


class GridCountsSerializer(serializers.Serializer):
    grid = serializers.CharField()
    grid_name = serializers.CharField()
    residents = serializers.DictField(child=serializers.IntegerField(), help_text="living here, by kind")
    rental_houses = serializers.DictField(child=serializers.IntegerField(), help_text="by risk grade code")
    overdue_inspections = serializers.IntegerField()


class RegisterCountsApi(APIView):
    @extend_schema(responses={200: GridCountsSerializer(many=True), 404: None})
    def get(self, request, code):
        """The registers' counts per grid of an area in your scope: residents by kind, rental houses by
        grade, overdue inspections."""
        area = found_or_not_found(selectors.area_get, NO_SUCH_AREA, user=request.user, code=code)
        return Response(GridCountsSerializer(selectors.register_counts(area=area), many=True).data)


class RentalHouseMapApi(APIView):
    @extend_schema(parameters=[LayerQuery], responses={(200, "application/geo+json"): dict, 400: None, 403: None,
                                                       404: None})
    def get(self, request):
        """The map's layer of rental houses (dashboards.layers): those of an area in your scope as GeoJSON
        points at their buildings, by risk grade."""
        map_layer_check(request.user, RENTAL_HOUSES_LAYER.name)
        query = LayerQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        area = found_or_not_found(selectors.area_get, NO_SUCH_AREA, user=request.user, code=query.validated_data["area"])
        return Response(selectors.rental_houses_geojson(area=area, today=timezone.localdate()))
