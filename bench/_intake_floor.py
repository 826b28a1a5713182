"""WSGI app of intake's framework floor: the ticket POST's authentication and input validation, no writes.

bench/intake.py serves it with gunicorn exactly like the real API, to measure what Django, DRF,
token authentication and the input serializer (its category query and grid_locate included)
cost per request on this machine before any ticket is written: a ceiling for any intake rate.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govportal.settings.bench")
_django = get_wsgi_application()  # sets Django up before the imports below

from django.urls import path  # noqa: E402
from rest_framework import status  # noqa: E402
from rest_framework.response import Response  # noqa: E402
from rest_framework.views import APIView  # noqa: E402

import govportal.urls  # noqa: E402
from incidents.api import TicketListCreateApi  # noqa: E402

FLOOR_PATH = "bench-floor/"


class FloorApi(APIView):
    """Authenticate and validate like POST /api/v1/tickets/, then answer without writing."""

    def post(self, request):
        TicketListCreateApi.TicketCreateInputSerializer(data=request.data).is_valid(raise_exception=True)
        return Response({"id": 1}, status=status.HTTP_201_CREATED)


govportal.urls.urlpatterns.insert(0, path(FLOOR_PATH, FloorApi.as_view()))
application = _django
