import io

import pytest
from django.test import override_settings
from PIL import Image

from incidents.models import Ticket, TicketPhoto

from .photos import GPS_LAT, GPS_LNG, jpeg, not_an_image

NEW = {"category": "0102", "description": "楼道堆放杂物", "lat": 23.005, "lng": 113.705}


def test_photos_are_stored_without_metadata_with_a_thumbnail(catalogue, actors, api):
    response = api(actors.grid_worker).post("/api/v1/tickets/", {**NEW, "photos": [jpeg(), jpeg("b.jpg")]},
                                                  format="multipart")
    assert response.status_code == 201
    assert len(response.json()["photos"]) == 2
    photo = TicketPhoto.objects.first()
    assert (photo.exif_location.y, photo.exif_location.x) == pytest.approx((GPS_LAT, GPS_LNG), abs=1e-4)
    stored = Image.open(io.BytesIO(photo.image.open("rb").read()))
    assert not stored.getexif()  # no EXIF at all, so no GPS
    thumbnail = Image.open(io.BytesIO(photo.thumbnail.open("rb").read()))
    assert max(thumbnail.size) == 320


def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_stored(catalogue, actors, api):
    response = api(actors.grid_worker).post("/api/v1/tickets/", {**NEW, "photos": [jpeg(), not_an_image()]},
                                                  format="multipart")
    assert response.status_code == 400
    assert "photos" in response.json()["extra"]["fields"]
    assert Ticket.objects.count() == 0 and TicketPhoto.objects.count() == 0


@override_settings(PHOTO_MAX_PIXELS=100_000)
def test_too_many_pixels_is_refused(catalogue, actors, api):
    response = api(actors.grid_worker).post("/api/v1/tickets/", {**NEW, "photos": [jpeg(size=(1000, 1000))]},
                                                  format="multipart")
    assert response.status_code == 400


@override_settings(PHOTO_MAX_BYTES=1000)
def test_too_large_a_file_is_refused(catalogue, actors, api):
    response = api(actors.grid_worker).post("/api/v1/tickets/", {**NEW, "photos": [jpeg()]},
                                                  format="multipart")
    assert response.status_code == 400


def test_photos_are_served_only_to_those_who_may_see_the_ticket(catalogue, actors, api, client):
    body = api(actors.grid_worker).post("/api/v1/tickets/", {**NEW, "photos": [jpeg()]},
                                              format="multipart").json()
    url = body["photos"][0]["url"]
    client.force_login(actors.grid_worker)
    mine = client.get(url)
    assert mine.status_code == 200 and mine["Content-Type"] == "image/jpeg"
    client.force_login(actors.outsider)
    assert client.get(url).status_code == 403
