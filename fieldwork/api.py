"""REST API of field work: patrols (start, points in batches, findings, end), today's tracks, check-in."""

import json

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from govportal.api import NewestFirstPagination, found_or_not_found
from govportal.dates import DateTimeInputField, validate_year
from govportal.periods import PeriodInput
from grids.coords import wgs84_point
from grids.models import Area
from incidents.api import KEY_TOO_LONG, TicketFieldsSerializer
from incidents.models import Category
from incidents.services import MAX_IDEMPOTENCY_KEY, idempotency_key_of

from . import selectors, services
from .models import PatrolFinding

NO_SUCH_PATROL = _("No such patrol.")
NO_SUCH_AREA = _("No such area.")
MAX_POINTS_PER_BATCH = 500


class PatrolOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    worker = serializers.CharField(source="worker.__str__")
    grid = serializers.CharField(source="grid.code")
    grid_name = serializers.CharField(source="grid.name")
    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")
    started_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField(allow_null=True)
    distance_m = serializers.FloatField()
    point_count = serializers.IntegerField()
    last_seq = serializers.IntegerField(allow_null=True, help_text="the highest sequence number stored")
    track = serializers.SerializerMethodField(help_text="GeoJSON LineString in WGS-84, null below two points")

    def get_track(self, patrol) -> dict | None:
        return json.loads(patrol.track.geojson) if patrol.track else None


def _patrol_of(request, patrol_id):
    return found_or_not_found(selectors.patrol_get, NO_SUCH_PATROL, user=request.user, patrol_id=patrol_id)


def _visible_patrol_id(request, patrol_id):
    """Return `patrol_id` if the user may see it (the write services load the patrol themselves); NotFound if not."""
    return found_or_not_found(selectors.patrol_visible_id, NO_SUCH_PATROL, user=request.user, patrol_id=patrol_id)


class PatrolListStartApi(ListAPIView):
    """List the patrols you may see (your own; your area's for the community's leadership and up); start one."""

    serializer_class = PatrolOutputSerializer
    pagination_class = NewestFirstPagination

    class StartInput(serializers.Serializer):
        grid = serializers.SlugRelatedField(slug_field="code", queryset=Area.objects.filter(level=Area.Level.GRID),
                                            required=False, default=None,
                                            help_text="the grid's code; may be left out by a worker of one grid")

    def get_queryset(self):
        return selectors.patrol_list(user=self.request.user).select_related("grid", "worker")

    @extend_schema(request=StartInput, responses={201: PatrolOutputSerializer, 400: None, 403: None, 409: None})
    def post(self, request):
        data = self.StartInput(data=request.data)
        data.is_valid(raise_exception=True)
        patrol = services.patrol_start(worker=request.user, **data.validated_data)
        return Response(PatrolOutputSerializer(patrol).data, status=status.HTTP_201_CREATED)


class PatrolDetailApi(APIView):
    @extend_schema(responses={200: PatrolOutputSerializer, 404: None})
    def get(self, request, patrol_id):
        """One patrol with its track."""
        return Response(PatrolOutputSerializer(_patrol_of(request, patrol_id)).data)


class PointInput(serializers.Serializer):
    seq = serializers.IntegerField(min_value=0, help_text="the phone's sequence number of the fix, from 0 up")
    lat = serializers.FloatField(min_value=-90, max_value=90)
    lng = serializers.FloatField(min_value=-180, max_value=180)
    accuracy = serializers.FloatField(min_value=0, required=False, allow_null=True, default=None,
                                      help_text="metres, as the phone's positioning gives it")
    recorded_at = DateTimeInputField()


class PatrolPointsApi(APIView):
    """Add a batch of your patrol's GPS fixes, in any order, as often as needed."""

    class PatrolPointsInput(serializers.Serializer):
        points = PointInput(many=True, allow_empty=False, max_length=MAX_POINTS_PER_BATCH)

    class PatrolPointsOutput(serializers.Serializer):
        confirmed = serializers.ListField(child=serializers.IntegerField(),
                                          help_text="the batch's sequence numbers, all stored now: delete them on "
                                                    "the phone (sent before, they are not stored twice)")
        point_count = serializers.IntegerField()
        distance_m = serializers.FloatField()
        last_seq = serializers.IntegerField(allow_null=True)

    @extend_schema(request=PatrolPointsInput, responses={200: PatrolPointsOutput, 400: None, 403: None, 404: None})
    def post(self, request, patrol_id):
        patrol_id = _visible_patrol_id(request, patrol_id)
        data = self.PatrolPointsInput(data=request.data)
        data.is_valid(raise_exception=True)
        points = [services.TrackPoint(seq=item["seq"], longitude=item["lng"], latitude=item["lat"],
                                      recorded_at=item["recorded_at"], accuracy_m=item["accuracy"])
                  for item in data.validated_data["points"]]
        patrol = services.patrol_points_add(patrol_id=patrol_id, worker=request.user, points=points)
        return Response({"confirmed": [point.seq for point in points], "point_count": patrol.point_count,
                         "distance_m": patrol.distance_m, "last_seq": patrol.last_seq})


class PatrolEndApi(APIView):
    @extend_schema(request=None, responses={200: PatrolOutputSerializer, 403: None, 404: None, 409: None})
    def post(self, request, patrol_id):
        """End your patrol (send its last points first: points sent later are still taken)."""
        patrol_id = _visible_patrol_id(request, patrol_id)
        return Response(PatrolOutputSerializer(services.patrol_end(patrol_id=patrol_id, actor=request.user)).data)


class FindingOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    note = serializers.CharField()
    lat = serializers.FloatField(source="location.y")
    lng = serializers.FloatField(source="location.x")
    ticket = serializers.IntegerField(source="ticket_id", allow_null=True)
    ticket_number = serializers.CharField(source="ticket.number", default=None)
    created_at = serializers.DateTimeField()


class PatrolProblemApi(APIView):
    """Report a problem found on your open patrol: a grid worker's work order, linked to the patrol."""

    class PatrolProblemInput(TicketFieldsSerializer):
        category = serializers.SlugRelatedField(
            slug_field="code", queryset=Category.objects.filter(is_active=True, parent__isnull=False))

    @extend_schema(
        request=PatrolProblemInput, responses={201: FindingOutputSerializer, 200: FindingOutputSerializer, 400: None, 403: None,
                                  404: None, 409: None},
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER,
                                     description="client-made key: a retry with the same key returns the same finding")],
    )
    def post(self, request, patrol_id):
        patrol_id = _visible_patrol_id(request, patrol_id)
        data = self.PatrolProblemInput(data=request.data)
        data.is_valid(raise_exception=True)
        key = request.headers.get("Idempotency-Key", "").strip() or None
        if key and len(key) > MAX_IDEMPOTENCY_KEY:
            raise serializers.ValidationError({"Idempotency-Key": [KEY_TOO_LONG % {"limit": MAX_IDEMPOTENCY_KEY}]})
        values = data.validated_data
        finding, created = services.patrol_problem_report(
            patrol_id=patrol_id, worker=request.user, category=values["category"],
            description=values["description"], location=values["location"], urgency=values.get("urgency"),
            idempotency_key=idempotency_key_of(request.user, key))
        return Response(FindingOutputSerializer(finding).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class PlaceInput(serializers.Serializer):
    lat = serializers.FloatField(min_value=-90, max_value=90)
    lng = serializers.FloatField(min_value=-180, max_value=180)

    def validate(self, data):
        data["location"] = wgs84_point(lng=data.pop("lng"), lat=data.pop("lat"))
        return data


class PatrolNothingFoundApi(APIView):
    """Note that you found nothing wrong at a place on your open patrol."""

    class NothingFoundInput(PlaceInput):
        note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    @extend_schema(request=NothingFoundInput, responses={201: FindingOutputSerializer, 400: None, 403: None, 404: None,
                                             409: None})
    def post(self, request, patrol_id):
        patrol_id = _visible_patrol_id(request, patrol_id)
        data = self.NothingFoundInput(data=request.data)
        data.is_valid(raise_exception=True)
        finding = services.patrol_nothing_found(patrol_id=patrol_id, worker=request.user, **data.validated_data)
        return Response(FindingOutputSerializer(finding).data, status=status.HTTP_201_CREATED)


class CheckInOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    grid = serializers.CharField(source="grid.code")
    grid_name = serializers.CharField(source="grid.name")
    day = serializers.DateField()
    checked_in_at = serializers.DateTimeField()


class CheckInApi(APIView):
    """Check in for today (签到) where you stand: inside your grid, or within the tolerance of its edge."""

    class CheckInInput(PlaceInput):
        accuracy = serializers.FloatField(min_value=0, required=False, allow_null=True, default=None)

    @extend_schema(request=CheckInInput, responses={201: CheckInOutputSerializer, 200: CheckInOutputSerializer, 400: None,
                                             403: None})
    def post(self, request):
        data = self.CheckInInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        check_in, created = services.check_in(worker=request.user, location=values["location"],
                                              accuracy_m=values["accuracy"])
        return Response(CheckInOutputSerializer(check_in).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)



class AreaInput(serializers.Serializer):
    area = serializers.CharField(max_length=15, required=False, help_text="an area code in your scope; yours by default")


def _figures_area(request, data):
    return found_or_not_found(selectors.figures_area, NO_SUCH_AREA, user=request.user, code=data.get("area"))


class WorkerFiguresSerializer(serializers.Serializer):
    worker = serializers.CharField()
    grid = serializers.CharField()
    grid_name = serializers.CharField()
    patrols = serializers.IntegerField()
    km = serializers.FloatField()
    hours = serializers.FloatField(help_text="time on ended patrols")
    problems = serializers.IntegerField(help_text="problems reported from these patrols")


class CoverageSerializer(serializers.Serializer):
    grid = serializers.CharField()
    grid_name = serializers.CharField()
    share = serializers.FloatField(help_text=f"0–1: the grid's area within {selectors.SWEEP_METRES} m of a track")


class PatrolFiguresApi(APIView):
    """Patrol figures of an area (the community's leadership and up): per worker and grid, each grid's
    share covered by tracks, and the work orders found on patrol against the other sources."""

    class PatrolFiguresInput(PeriodInput, AreaInput):
        pass

    class PatrolFiguresOutput(serializers.Serializer):
        area = serializers.CharField()
        start = serializers.DateField()
        end = serializers.DateField()
        workers = WorkerFiguresSerializer(many=True)
        coverage = CoverageSerializer(many=True)
        sources = serializers.DictField(help_text="{source: {total, on_patrol}} of the work orders reported")

    @extend_schema(parameters=[PatrolFiguresInput], responses={200: PatrolFiguresOutput, 400: None, 403: None, 404: None})
    def get(self, request):
        data = self.PatrolFiguresInput(data=request.query_params)
        data.is_valid(raise_exception=True)
        area, period = _figures_area(request, data.validated_data), data.validated_data["period"]
        return Response({
            "area": area.code, "start": period.start, "end": period.end,
            "workers": selectors.patrol_figures(area=area, period=period),
            "coverage": [{"grid": code, "grid_name": name, "share": round(share, 4)}
                         for code, name, share in selectors.grid_coverage(area=area, period=period)],
            "sources": selectors.report_sources(area=area, period=period),
        })


class TracksApi(APIView):
    """A day's patrol tracks in an area (today by default) as GeoJSON, for the community's leadership and up."""

    class TracksInput(AreaInput):
        day = serializers.DateField(required=False, validators=[validate_year],
                                    help_text="local date (YYYY-MM-DD); today by default")

    @extend_schema(parameters=[TracksInput], responses={(200, "application/geo+json"): dict, 400: None, 403: None,
                                                  404: None})
    def get(self, request):
        data = self.TracksInput(data=request.query_params)
        data.is_valid(raise_exception=True)
        area = _figures_area(request, data.validated_data)
        day = data.validated_data.get("day") or timezone.localdate()
        return Response({"type": "FeatureCollection", "features": [{
            "type": "Feature", "geometry": json.loads(patrol.track.geojson),
            "properties": {"patrol": patrol.pk, "worker": str(patrol.worker), "grid": patrol.grid.name,
                           "status": patrol.get_status_display(), "km": round(patrol.distance_m / 1000, 2),
                           "url": reverse("patrol-detail", args=[patrol.pk])},
        } for patrol in selectors.tracks_of_day(area=area, day=day)]})
