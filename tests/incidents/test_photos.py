import io
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from PIL import ExifTags, Image

from govportal.workflow import TransitionNotAllowed
from incidents import services
from incidents.models import Ticket, TicketPhoto
from incidents.photos import ORPHAN_GRACE, RECENT_DAYS, PhotoError, photo_orphans_delete, photos_store

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
    assert client.get(url).status_code == 404


# --- Files are stored before the transaction and kept only with their rows (incidents.photos) ---

LATER = ORPHAN_GRACE + timedelta(minutes=1)


@pytest.fixture
def storage():
    """The test's own empty in-memory storage (the default one lives as long as the process)."""
    with override_settings(STORAGES=settings.STORAGES):
        yield default_storage


def stored_files(storage, directory=""):
    """Return the names of every file in `storage`."""
    directories, files = storage.listdir(directory)
    names = {f"{directory}/{file}".lstrip("/") for file in files}
    for sub in directories:
        names |= stored_files(storage, f"{directory}/{sub}".lstrip("/"))
    return names


def referenced_files():
    return {name for pair in TicketPhoto.objects.values_list("image", "thumbnail") for name in pair}


def test_each_row_names_two_files_that_exist_and_nothing_more_is_stored(storage, catalogue, actors, api):
    response = api(actors.grid_worker).post("/api/v1/tickets/", {**NEW, "photos": [jpeg(), jpeg("b.jpg")]},
                                            format="multipart")
    assert response.status_code == 201
    assert len(referenced_files()) == 4
    assert stored_files(storage) == referenced_files()


def test_a_refused_upload_leaves_no_file(storage, catalogue, actors, api):
    response = api(actors.grid_worker).post("/api/v1/tickets/", {**NEW, "photos": [jpeg(), not_an_image()]},
                                            format="multipart")
    assert response.status_code == 400
    assert stored_files(storage) == set()


def test_a_photo_that_does_not_decode_leaves_no_file_of_those_before_it(storage):
    whole = jpeg()
    truncated = SimpleUploadedFile("cut.jpg", whole.read()[:2000], content_type="image/jpeg")
    with pytest.raises(PhotoError):
        photos_store([jpeg(), truncated])
    assert stored_files(storage) == set()


@pytest.mark.parametrize("refusal", ["409 not in this state", "403 not the holding unit"])
def test_a_refused_handle_with_photos_leaves_no_file(refusal, storage, report, actors):
    ticket = report()  # held by the community committee, reported
    actor = actors.community_staff
    if refusal.startswith("403"):
        services.ticket_accept(ticket_id=ticket.pk, actor=actors.community_staff)
        actor = actors.department_handler
    with pytest.raises(TransitionNotAllowed if refusal.startswith("409") else PermissionDenied):
        services.ticket_handle(ticket_id=ticket.pk, actor=actor, feedback="已清理", photos=[jpeg()])
    assert stored_files(storage) == set()
    assert not TicketPhoto.objects.exists()


def test_a_refused_handle_through_the_api_leaves_no_file(storage, report, actors, api):
    ticket = report()
    response = api(actors.community_staff).post(f"/api/v1/tickets/{ticket.pk}/handle/",
                                                {"feedback": "已清理", "photos": [jpeg()]}, format="multipart")
    assert response.status_code == 409
    assert stored_files(storage) == set()


def test_a_handle_keeps_its_photos(storage, report, actors):
    ticket = report()
    services.ticket_accept(ticket_id=ticket.pk, actor=actors.community_staff)
    services.ticket_handle(ticket_id=ticket.pk, actor=actors.community_staff, feedback="已清理", photos=[jpeg()])
    assert ticket.photos.get().stage == TicketPhoto.Stage.FEEDBACK
    assert stored_files(storage) == referenced_files() and len(referenced_files()) == 2


def test_a_repeated_idempotency_key_leaves_no_file(storage, catalogue, actors, api):
    client = api(actors.grid_worker)
    first = client.post("/api/v1/tickets/", {**NEW, "photos": [jpeg()]}, format="multipart",
                        HTTP_IDEMPOTENCY_KEY="draft-1")
    assert first.status_code == 201
    kept = stored_files(storage)
    again = client.post("/api/v1/tickets/", {**NEW, "photos": [jpeg(), jpeg("b.jpg")]}, format="multipart",
                        HTTP_IDEMPOTENCY_KEY="draft-1")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert stored_files(storage) == kept == referenced_files()


def test_the_sweep_deletes_an_orphan_once_old_enough_and_keeps_referenced_files(storage, catalogue, actors, api):
    api(actors.grid_worker).post("/api/v1/tickets/", {**NEW, "photos": [jpeg()]}, format="multipart")
    referenced = referenced_files()
    orphan = photos_store([jpeg()])[0]  # stored, then the process died before the transaction committed
    assert photo_orphans_delete(days=RECENT_DAYS) == 0  # it may still be about to get its row
    assert photo_orphans_delete(days=RECENT_DAYS, now=timezone.now() + LATER) == 2
    assert stored_files(storage) == referenced
    assert orphan.image not in stored_files(storage)
    assert photo_orphans_delete(days=RECENT_DAYS, now=timezone.now() + LATER) == 0  # idempotent


def test_the_command_sweeps_every_directory_the_old_layout_included(storage, catalogue, actors, api):
    api(actors.grid_worker).post("/api/v1/tickets/", {**NEW, "photos": [jpeg()]}, format="multipart")
    referenced = referenced_files()
    old = [storage.save("tickets/2026/01/SJ202601010001/0f.jpg", ContentFile(b"jpeg")),
           storage.save("photos/2020/01/01/1e.jpg", ContentFile(b"jpeg"))]
    assert photo_orphans_delete(days=RECENT_DAYS, now=timezone.now() + LATER) == 0  # not in the last days
    with time_machine.travel(timezone.now() + LATER):
        call_command("photo_orphans_delete", stdout=io.StringIO())
    assert stored_files(storage) == referenced
    assert not set(old) & stored_files(storage)


def test_a_photo_taken_sideways_is_stored_upright(storage):
    buffer, exif = io.BytesIO(), Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # the camera was turned: show rotated by 90°
    Image.new("RGB", (800, 600)).save(buffer, "JPEG", exif=exif)
    [photo] = photos_store([SimpleUploadedFile("side.jpg", buffer.getvalue(), content_type="image/jpeg")])
    assert (photo.width, photo.height) == (600, 800)
    assert Image.open(storage.open(photo.image)).size == (600, 800)
