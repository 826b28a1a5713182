"""Photos of work done on a task: checked, re-encoded without metadata and thumbnailed exactly as a
work order's photos are (incidents.photos), stored under their own root so that the work orders'
orphan sweep, which deletes files no TicketPhoto names, never reads them.

Files are written before the transaction that creates their rows and deleted again if it does not
commit (`photos_kept_if_committed`), the order incidents.photos explains.
"""

from contextlib import contextmanager

from django.conf import settings
from django.utils import timezone

from incidents import photos as ticket_photos

from .models import TaskClaimPhoto

PHOTO_ROOT = "participation"


def photos_store(uploads, *, root=PHOTO_ROOT, max_count=None):
    """Check every upload, then store them re-encoded under `root`; return their StoredPhotos (PhotoError for a
    bad one, or for more than `max_count`, by default PHOTO_MAX_COUNT)."""
    uploads = list(uploads)
    max_count = max_count or settings.PHOTO_MAX_COUNT
    if len(uploads) > max_count:
        raise ticket_photos.PhotoError(ticket_photos.TOO_MANY_PHOTOS % {"limit": max_count})
    if sum(ticket_photos.photo_check(upload) for upload in uploads) > settings.PHOTO_MAX_PIXELS_PER_REQUEST:
        raise ticket_photos.PhotoError(ticket_photos.TOO_MANY_PIXELS_TOGETHER % {
            "limit": settings.PHOTO_MAX_PIXELS_PER_REQUEST // 10**6})
    directory = f"{root}/{timezone.localdate():%Y/%m/%d}"
    stored = []
    try:
        for upload in uploads:
            stored.append(ticket_photos._photo_store(upload, directory, keep_gps=False))  # noqa: SLF001
    except BaseException:
        ticket_photos.photos_delete(stored)
        raise
    return stored


def photos_attach(*, claim, photos):
    """Create the rows of `photos` (from photos_store) for `claim` in the caller's transaction."""
    return TaskClaimPhoto.objects.bulk_create(
        TaskClaimPhoto(claim=claim, image=photo.image, thumbnail=photo.thumbnail, width=photo.width,
                       height=photo.height) for photo in photos)


@contextmanager
def photos_kept_if_committed(photos, *, model=TaskClaimPhoto):
    """Around the transaction that attaches `photos` as rows of `model`: delete their files unless the rows exist
    after it."""
    try:
        yield photos
    finally:
        if photos and not model.objects.filter(image__in=[photo.image for photo in photos]).exists():
            ticket_photos.photos_delete(photos)
