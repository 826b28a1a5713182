"""Photo intake: check that an upload is a real image within limits, strip its metadata, thumbnail it."""

import io
import uuid

from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from govportal.errors import DomainInputError

from .models import TicketPhoto

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
THUMBNAIL_SIZE = (320, 320)
NOT_AN_IMAGE = _("%(name)s is not a JPEG, PNG or WebP image.")
TOO_LARGE = _("%(name)s is larger than %(limit)d MB.")
TOO_MANY_PIXELS = _("%(name)s has more than %(limit)d million pixels.")
TOO_MANY_PHOTOS = _("At most %(limit)d photos.")


class PhotoError(DomainInputError):
    def __init__(self, message):
        super().__init__(message, "photos")


def _gps_point(image):
    """Return the EXIF GPS position as a WGS-84 Point, or None."""
    gps = image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
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


def photo_checked(upload):
    """Return (Image, gps Point or None) for a valid upload; raise PhotoError otherwise."""
    name = getattr(upload, "name", "photo")
    if upload.size > settings.PHOTO_MAX_BYTES:
        raise PhotoError(TOO_LARGE % {"name": name, "limit": settings.PHOTO_MAX_BYTES // 2**20})
    try:
        upload.seek(0)
        probe = Image.open(upload)
        if probe.format not in ALLOWED_FORMATS:
            raise PhotoError(NOT_AN_IMAGE % {"name": name})
        if probe.width * probe.height > settings.PHOTO_MAX_PIXELS:
            raise PhotoError(TOO_MANY_PIXELS % {"name": name, "limit": settings.PHOTO_MAX_PIXELS // 10**6})
        probe.verify()  # structural check; the image must be reopened afterwards
        upload.seek(0)
        image = Image.open(upload)
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError):
        raise PhotoError(NOT_AN_IMAGE % {"name": name}) from None
    return image, _gps_point(image)


def photos_attach(*, ticket, uploads, stage, user):
    """Validate every upload first, then store them all; return the TicketPhoto rows."""
    if len(uploads) > settings.PHOTO_MAX_COUNT:
        raise PhotoError(TOO_MANY_PHOTOS % {"limit": settings.PHOTO_MAX_COUNT})
    checked = [photo_checked(upload) for upload in uploads]
    photos = []
    for image, gps in checked:
        upright = ImageOps.exif_transpose(image).convert("RGB")  # drops EXIF, GPS included
        name = uuid.uuid4().hex
        photo = TicketPhoto(ticket=ticket, stage=stage, exif_location=gps, uploaded_by=user,
                            width=upright.width, height=upright.height)
        photo.image.save(f"{name}.jpg", ContentFile(_jpeg(upright, quality=85)), save=False)
        upright.thumbnail(THUMBNAIL_SIZE)
        photo.thumbnail.save(f"{name}_thumb.jpg", ContentFile(_jpeg(upright, quality=75)), save=False)
        photo.save()
        photos.append(photo)
    return photos


def _jpeg(image, *, quality):
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, optimize=True)
    return buffer.getvalue()
