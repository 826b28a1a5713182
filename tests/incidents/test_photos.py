import io
import os
import subprocess
import sys
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
from PIL import ExifTags, Image, ImageChops

from govportal.workflow import TransitionNotAllowed
from incidents import photos as photos_module
from incidents import services
from incidents.models import Ticket, TicketPhoto
from incidents.photos import ORPHAN_GRACE, RECENT_DAYS, PhotoError, photo_orphans_delete, photos_store

from .photo_memory import png_of_one_colour
from .photos import GPS_LAT, GPS_LNG, jpeg, not_an_image

pytestmark = pytest.mark.dated

NEW = {"category": "0102", "description": "楼道堆放杂物", "lat": 23.005, "lng": 113.705}


def test_photos_are_stored_without_metadata_with_a_thumbnail(catalogue, actors, api):
    # Placed by hand: the staff checking it keep where the photo was taken (photo_gps_needed).
    response = api(actors.grid_worker).post("/api/v1/tickets/", {**NEW, "photos": [jpeg(), jpeg("b.jpg")],
                                                                 "position_source": "map"}, format="multipart")
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
    again = client.post("/api/v1/tickets/", {**NEW, "photos": [jpeg()]}, format="multipart",
                        HTTP_IDEMPOTENCY_KEY="draft-1")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    other = client.post("/api/v1/tickets/", {**NEW, "photos": [jpeg(), jpeg("b.jpg")]}, format="multipart",
                        HTTP_IDEMPOTENCY_KEY="draft-1")
    assert other.status_code == 409
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


# --- The EXIF position: kept only where the report needs it (incidents.services.photo_gps_needed) ---


@pytest.mark.parametrize("position_source, kept", [("map", True), ("device", False), (None, False)])
def test_a_staff_report_keeps_the_photos_position_only_when_placed_by_hand(catalogue, actors, api,
                                                                          position_source, kept):
    data = {**NEW, "photos": [jpeg()], **({"position_source": position_source} if position_source else {})}
    assert api(actors.grid_worker).post("/api/v1/tickets/", data, format="multipart").status_code == 201
    assert (TicketPhoto.objects.get().exif_location is not None) is kept


def test_the_report_page_keeps_the_position_only_when_placed_by_hand(catalogue, actors, client):
    client.force_login(actors.grid_worker)
    form = {"category": "0102", "urgency": "ordinary", "description": "楼道堆放杂物", "lat": "23.005",
            "lng": "113.705"}
    for key, source in (("a", "device"), ("b", "map")):
        client.post("/tickets/new/", {**form, "idempotency_key": key, "position_source": source, "photos": [jpeg()]})
    assert [photo.exif_location is not None for photo in TicketPhoto.objects.order_by("id")] == [False, True]


def test_citizens_and_results_never_keep_the_photos_position(catalogue, actors, client, report, sms_code):
    client.post("/report/", {"category": "0102", "description": "路边垃圾堆积", "phone": "13812341234",
                             "code": sms_code("13812341234", "10.9.9.9"), "lat": "23.005", "lng": "113.705",
                             "photos": [jpeg()]}, REMOTE_ADDR="10.9.9.9")
    ticket = report()
    services.ticket_accept(ticket_id=ticket.pk, actor=actors.community_staff)
    services.ticket_handle(ticket_id=ticket.pk, actor=actors.community_staff, feedback="已清理", photos=[jpeg()])
    assert [(p.ticket.source, p.stage, p.exif_location) for p in TicketPhoto.objects.order_by("id")] == [
        ("citizen", "report", None), (ticket.source, "feedback", None)]


# --- Memory: decoded at no more than the stored size, within the pixel limits ---


def test_the_pixels_of_all_photos_together_are_limited_before_any_is_decoded(storage, settings, monkeypatch):
    settings.PHOTO_MAX_PIXELS_PER_REQUEST = 800 * 600 * 2 - 1
    monkeypatch.setattr("incidents.photos._photo_store", lambda *args, **kwargs: pytest.fail("decoded"))
    with pytest.raises(PhotoError):
        photos_store([jpeg(), jpeg("b.jpg")])
    assert stored_files(storage) == set()


@override_settings(PHOTO_MAX_PIXELS_PER_REQUEST=1_000_000)
def test_a_request_over_the_pixel_budget_is_a_400(catalogue, actors, api):
    response = api(actors.grid_worker).post("/api/v1/tickets/", {**NEW, "photos": [jpeg(), jpeg("b.jpg"),
                                                                                   jpeg("c.jpg")]}, format="multipart")
    assert response.status_code == 400 and "photos" in response.json()["extra"]["fields"]
    assert not Ticket.objects.exists()


def test_a_large_jpeg_is_decoded_reduced_and_stored_at_the_stored_size(storage, settings, monkeypatch):
    settings.PHOTO_STORED_MAX_SIDE = 1200
    decoded = []
    resize = photos_module._resized_rgb
    monkeypatch.setattr(photos_module, "_resized_rgb", lambda image, size: decoded.append(image.size) or
                        resize(image, size))
    [photo] = photos_store([jpeg(size=(4000, 3000))])
    assert decoded == [(2000, 1500)]  # libjpeg's 1/2 scale: the smallest still at least 1200 × 900
    assert (photo.width, photo.height) == (1200, 900)
    assert Image.open(storage.open(photo.image)).size == (1200, 900)


def test_a_small_photo_keeps_its_size(storage):
    [photo] = photos_store([jpeg(size=(800, 600))])
    assert (photo.width, photo.height) == (800, 600)


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "L", "P"])
def test_the_stored_image_is_computed_in_bands_without_a_seam(mode, monkeypatch):
    monkeypatch.setattr(photos_module, "BAND_ROWS", 7)
    gradient = Image.linear_gradient("L").resize((300, 451))
    source = Image.merge("RGB", [gradient, gradient.rotate(90), gradient.transpose(Image.Transpose.FLIP_TOP_BOTTOM)])
    source = source.convert(mode)
    banded = photos_module._resized_rgb(source, (120, 180))
    whole = source.convert("RGB").resize((120, 180), Image.Resampling.LANCZOS)
    assert max(high for _low, high in ImageChops.difference(banded, whole).getextrema()) <= 1


# Storing a 6300×6300 PNG raised a worker from 196 MB to 496 MB (~420 MiB measured here): its 40
# megapixels decoded (4 bytes each in Pillow), converted (a second copy) and encoded whole. Now
# the bound is the decoded image, the stored one (2560², 25 MiB) and 32 MiB for bands and encoding.
# A 6000×4000 JPEG is decoded at half size (23 MiB, not 92): its bound is far below one full decode.
MiB = 2**20
MEMORY_CASES = {
    "png-6300x6300": (6300, 6300, (6300 * 6300 * 4 + 2560 * 2560 * 4) / MiB + 32, (2560, 2560)),
    "jpeg-6000x4000": (6000, 4000, (3000 * 2000 * 4 + 2560 * 1707 * 4) / MiB + 32, (2560, 1707)),
}


@pytest.mark.parametrize("case", MEMORY_CASES)
def test_storing_a_huge_photo_stays_within_its_memory_bound(case, tmp_path):
    width, height, bound, stored = MEMORY_CASES[case]
    path = tmp_path / case
    if case.startswith("png"):
        path.write_bytes(png_of_one_colour(width, height))  # 130 KB, never decoded in this process
    else:
        Image.new("RGB", (width, height), (200, 120, 40)).save(path, "JPEG", quality=90)
    run = subprocess.run([sys.executable, "-m", "tests.incidents.photo_memory", str(path)], cwd=settings.BASE_DIR,
                         capture_output=True, text=True, timeout=120, check=True,
                         env={**os.environ, "DJANGO_SETTINGS_MODULE": "govportal.settings.test"})
    rise, *size = run.stdout.split()
    assert tuple(map(int, size)) == stored
    assert float(rise) < bound, f"{case}: the peak rose by {rise} MiB, bound {bound:.0f} MiB"
