"""Photo intake: check that an upload is a real image within limits, strip its metadata, thumbnail it.

A photo's files are written before the transaction and its row inside it, never the other way round:

1. `photos_store` checks every upload from its header (size, format, pixel count — each within
   PHOTO_MAX_PIXELS, all together within PHOTO_MAX_PIXELS_PER_REQUEST) and structure before any
   is decoded, then decodes, re-encodes and writes them one at a time, so one decoded image at
   most is in memory however many are sent, and no lock is held meanwhile.
2. `photos_attach` creates their TicketPhoto rows in the caller's transaction.
3. `photos_kept_if_committed`, around that transaction, deletes the files again unless their rows
   exist after it: a refused action (400, 403, 409), a repeated idempotency key, any error.
4. `photo_orphans_delete` (an hourly beat task and a management command) deletes what a crash
   between 1 and 3 left: files that no row names, once older than ORPHAN_GRACE.

Why not write the files on commit (`transaction.on_commit`): a crash or a storage error after
COMMIT would leave a row whose file never comes, and the image would then exist nowhere, so
nothing could repair it; the client would have been told its photos were kept. Written first, a
row commits only when its file is in storage, so a row without its file cannot happen; a file
without its row can, after a crash, but only until the next sweep. A storage outage fails the
request before anything is committed.

New files lie under photos/<yyyy>/<mm>/<dd>/ by upload day, not under the ticket's number (a new
ticket has none before its transaction), so the beat task reads only the directories of the last
RECENT_DAYS days, where orphans are made. Files written before this order lie under tickets/
(LEGACY_ROOT); the management command sweeps those too.

Memory. A photo is stored at most PHOTO_STORED_MAX_SIDE pixels on its longer side, so what it
takes to store one is bounded by its pixel count, which the header gives before anything is
decoded:

- a JPEG is decoded already reduced (`Image.draft`: libjpeg scales by 1/2, 1/4 or 1/8 while
  decoding), to the smallest scale still at least the stored size — a 6000×4000 phone photo is
  decoded at 3000×2000;
- PNG and WebP decode whole (Pillow keeps 4 bytes a pixel for RGB), and the stored image is then
  computed a band of rows at a time (`_resized_rgb`), so beside the decoded image there is only
  the stored one and a band — never a converted copy of the whole image as before;
- the decoded image is freed before the JPEG is encoded.

A 6300×6300 PNG (151 MiB decoded) raises a process's peak by about 195 MiB instead of ~420 MiB,
a 6000×4000 JPEG by about 55 MiB instead of ~250 MiB (tests/incidents/test_photos.py measures both).

Location. The GPS position in a photo's EXIF is kept (in TicketPhoto.exif_location, for staff)
only where the report needs it: a staff report whose position was not taken from the device
(`keep_gps`). Otherwise it is dropped with the rest of the metadata (templates/govportal/privacy.html).
"""

import hashlib
import io
import logging
import math
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.files.base import ContentFile
from django.db import DatabaseError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import ExifTags, Image, UnidentifiedImageError

from govportal.errors import DomainInputError

from .models import TicketPhoto

logger = logging.getLogger(__name__)

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
THUMBNAIL_SIZE = (320, 320)
PHOTO_ROOT = "photos"
LEGACY_ROOT = "tickets"  # tickets/<yyyy>/<mm>/<number>/: files once written inside the ticket's transaction
# Far longer than any transaction that attaches photos: a younger file may still be about to get its row.
ORPHAN_GRACE = timedelta(hours=1)
RECENT_DAYS = 3  # the day directories the beat task sweeps: today's, and two to spare for a missed run
BAND_ROWS = 64  # rows of the stored image computed at a time (_resized_rgb): a few MB of source
LANCZOS_SUPPORT = 3  # source pixels the Lanczos filter reads on each side, per output pixel
# EXIF orientation → the transposition that makes the photo upright (as ImageOps.exif_transpose).
UPRIGHT = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
           5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
           8: Image.Transpose.ROTATE_90}
NOT_AN_IMAGE = _("%(name)s is not a JPEG, PNG or WebP image.")
TOO_LARGE = _("%(name)s is larger than %(limit)d MB.")
TOO_MANY_PIXELS = _("%(name)s has more than %(limit)d million pixels.")
TOO_MANY_PIXELS_TOGETHER = _("The photos have more than %(limit)d million pixels together; send fewer or smaller ones.")
TOO_MANY_PHOTOS = _("At most %(limit)d photos.")
_UNREADABLE = (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError)


class PhotoError(DomainInputError):
    def __init__(self, message):
        super().__init__(message, "photos")


@dataclass(frozen=True)
class StoredPhoto:
    """A re-encoded photo's files in storage, waiting for their TicketPhoto row."""

    image: str
    thumbnail: str
    width: int
    height: int
    exif_location: Point | None


def _storage():
    return TicketPhoto._meta.get_field("image").storage


def _gps_point(exif):
    """Return the GPS position in `exif` as a WGS-84 Point, or None."""
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    try:
        lat = _degrees(gps[ExifTags.GPS.GPSLatitude], gps.get(ExifTags.GPS.GPSLatitudeRef, "N"))
        lng = _degrees(gps[ExifTags.GPS.GPSLongitude], gps.get(ExifTags.GPS.GPSLongitudeRef, "E"))
    except (KeyError, TypeError, ZeroDivisionError, ValueError):
        return None
    return Point(lng, lat, srid=4326)


def _degrees(value, ref):
    degrees, minutes, seconds = (float(part) for part in value)
    signed = degrees + minutes / 60 + seconds / 3600
    return -signed if ref in ("S", "W") else signed


def photo_check(upload):
    """Return the upload's pixel count; raise PhotoError unless it is a JPEG, PNG or WebP image within the limits.

    Reads the header and checks the structure; the pixels are decoded only when it is stored.
    """
    name = getattr(upload, "name", "photo")
    if upload.size > settings.PHOTO_MAX_BYTES:
        raise PhotoError(TOO_LARGE % {"name": name, "limit": settings.PHOTO_MAX_BYTES // 2**20})
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            if probe.format not in ALLOWED_FORMATS:
                raise PhotoError(NOT_AN_IMAGE % {"name": name})
            if probe.width * probe.height > settings.PHOTO_MAX_PIXELS:
                raise PhotoError(TOO_MANY_PIXELS % {"name": name, "limit": settings.PHOTO_MAX_PIXELS // 10**6})
            probe.verify()
            return probe.width * probe.height
    except _UNREADABLE:
        raise PhotoError(NOT_AN_IMAGE % {"name": name}) from None


def upload_digest(upload):
    """Return the SHA-256 (hex) of an upload's bytes: the same photo sent again has the same digest."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    return digest.hexdigest()


def stored_size(width, height):
    """Return the size a photo of `width` × `height` is stored at: its own, or PHOTO_STORED_MAX_SIDE on its longer side."""
    longest = max(width, height)
    if longest <= settings.PHOTO_STORED_MAX_SIDE:
        return width, height
    ratio = settings.PHOTO_STORED_MAX_SIDE / longest
    return max(1, round(width * ratio)), max(1, round(height * ratio))


def _resized_rgb(image, size):
    """Return the decoded `image` as a new RGB image of `size`, computed BAND_ROWS rows at a time.

    Each band of the source is cropped, converted to RGB and resized (Lanczos) on its own, so
    beside `image` memory holds the result and one band, never a whole converted copy. A band is
    cropped with a margin wider than the filter reads, so the bands join without a seam.
    """
    width, height = size
    scale = image.height / height
    margin = math.ceil(LANCZOS_SUPPORT * max(scale, 1)) + 1
    result = Image.new("RGB", size)
    for top in range(0, height, BAND_ROWS):
        bottom = min(top + BAND_ROWS, height)
        first, last = top * scale, bottom * scale  # the band's rows in the source
        crop_top, crop_bottom = max(0, math.floor(first) - margin), min(image.height, math.ceil(last) + margin)
        band = image.crop((0, crop_top, image.width, crop_bottom))
        if band.mode != "RGB":
            band = band.convert("RGB")
        result.paste(band.resize((width, bottom - top), Image.Resampling.LANCZOS,
                                 box=(0, first - crop_top, image.width, last - crop_top)), (0, top))
    return result


def _photo_store(upload, directory, *, keep_gps):
    """Decode a checked upload at no more than its stored size, write it upright without metadata and
    its thumbnail; return StoredPhoto (with the EXIF position if `keep_gps`)."""
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            size = stored_size(*image.size)
            if image.format == "JPEG":
                image.draft("RGB", size)  # decoded at 1/2, 1/4 or 1/8 while still at least `size`
            image.load()
            exif = image.getexif()
            gps = _gps_point(exif) if keep_gps else None
            stored = _resized_rgb(image, size)  # saved without its EXIF, GPS included
    except _UNREADABLE:  # passed the check, yet its pixels do not decode (a truncated file)
        raise PhotoError(NOT_AN_IMAGE % {"name": getattr(upload, "name", "photo")}) from None
    turn = UPRIGHT.get(exif.get(ExifTags.Base.Orientation))
    if turn is not None:
        with stored:
            stored = stored.transpose(turn)
    with stored as upright:
        width, height = upright.size
        full = _jpeg(upright, quality=85)
        upright.thumbnail(THUMBNAIL_SIZE)
        small = _jpeg(upright, quality=75)
    storage, name = _storage(), f"{directory}/{uuid.uuid4().hex}"
    image_name = storage.save(f"{name}.jpg", ContentFile(full))
    try:
        thumbnail_name = storage.save(f"{name}_thumb.jpg", ContentFile(small))
    except BaseException:
        _delete([image_name])
        raise
    return StoredPhoto(image_name, thumbnail_name, width, height, gps)


def photos_store(uploads, *, keep_gps=False):
    """Check every upload, then re-encode and store them one at a time; return their StoredPhotos.

    Raises PhotoError for a bad upload or too many pixels in all, with nothing decoded nor left
    in storage. `keep_gps`: keep each photo's EXIF position (photo_gps_needed). Call it before the
    transaction that attaches the photos, and wrap that in photos_kept_if_committed.
    """
    uploads = list(uploads)
    if len(uploads) > settings.PHOTO_MAX_COUNT:
        raise PhotoError(TOO_MANY_PHOTOS % {"limit": settings.PHOTO_MAX_COUNT})
    if sum(photo_check(upload) for upload in uploads) > settings.PHOTO_MAX_PIXELS_PER_REQUEST:
        raise PhotoError(TOO_MANY_PIXELS_TOGETHER % {"limit": settings.PHOTO_MAX_PIXELS_PER_REQUEST // 10**6})
    directory = f"{PHOTO_ROOT}/{timezone.localdate():%Y/%m/%d}"
    stored = []
    try:
        for upload in uploads:
            stored.append(_photo_store(upload, directory, keep_gps=keep_gps))
    except BaseException:
        photos_delete(stored)
        raise
    return stored


def photos_attach(*, ticket, photos, stage, user):
    """Create the TicketPhoto rows of `photos` (from photos_store) in the caller's transaction; return them."""
    return TicketPhoto.objects.bulk_create(
        TicketPhoto(ticket=ticket, stage=stage, image=photo.image, thumbnail=photo.thumbnail, width=photo.width,
                    height=photo.height, exif_location=photo.exif_location, uploaded_by=user)
        for photo in photos
    )


@contextmanager
def photos_kept_if_committed(photos):
    """Around the transaction that attaches `photos`: delete their files unless their rows exist after it.

    The rows exist after it when it committed, or when it is part of an outer transaction still
    open (should that roll back, the orphan sweep deletes the files). Whenever the database cannot
    tell, the files stay for the sweep to decide.
    """
    try:
        yield photos
    finally:
        if photos and not _rows_exist(photos):
            photos_delete(photos)


def _rows_exist(photos):
    try:
        return TicketPhoto.objects.filter(image__in=[photo.image for photo in photos]).exists()
    except DatabaseError:  # a broken outer transaction: it has not committed yet, and may
        return True


def photos_delete(photos):
    """Delete the files of StoredPhotos that got no row; a file that will not go is left to the sweep."""
    _delete([name for photo in photos for name in (photo.image, photo.thumbnail)])


def _delete(names):
    storage = _storage()
    for name in names:
        try:
            storage.delete(name)
        except Exception as exc:  # noqa: BLE001 - the request's own outcome matters more; the sweep retries
            logger.warning("Photo file %s not deleted (%s); the orphan sweep will", name, exc)


def photo_orphans_delete(*, days=None, now=None, batch_size=500):
    """Delete the photo files that no TicketPhoto row names, once older than ORPHAN_GRACE; return how many.

    `days`: only the photo directories of the last `days` days (the beat task); None: every photo
    file, those under tickets/ included (the management command). Safe to run twice or at once:
    a file is deleted only when no row names it, and deleting one already gone does nothing.
    """
    now = now or timezone.now()
    storage, cutoff, deleted = _storage(), now - ORPHAN_GRACE, 0
    if days is None:
        roots = [PHOTO_ROOT, LEGACY_ROOT]
    else:
        today = timezone.localdate(now)
        roots = [f"{PHOTO_ROOT}/{today - timedelta(days=n):%Y/%m/%d}" for n in range(days)]
    for names in _batches(_files_under(storage, roots), batch_size):
        named = set()
        for image, thumbnail in TicketPhoto.objects.filter(Q(image__in=names) | Q(thumbnail__in=names)).values_list(
            "image", "thumbnail"
        ):
            named.update((image, thumbnail))
        for name in names:
            if name not in named and _modified_before(storage, name, cutoff):
                storage.delete(name)
                deleted += 1
    return deleted


def _files_under(storage, directories):
    for directory in directories:
        try:
            subdirectories, files = storage.listdir(directory)
        except FileNotFoundError:
            continue
        yield from (f"{directory}/{file}" for file in files)
        yield from _files_under(storage, [f"{directory}/{sub}" for sub in subdirectories])


def _batches(items, size):
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _modified_before(storage, name, cutoff):
    try:
        return storage.get_modified_time(name) < cutoff
    except (FileNotFoundError, NotImplementedError):  # gone already, or a storage that cannot tell: keep
        return False


def _jpeg(image, *, quality):
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, optimize=True)
    return buffer.getvalue()
