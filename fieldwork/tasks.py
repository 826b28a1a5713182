"""Field work's sweeps: patrols left open, and tracks past their retention."""

from celery import shared_task

from . import services


@shared_task
def end_patrols_left_open():
    return services.patrols_left_open_end()


@shared_task
def purge_old_tracks():
    return services.tracks_purge()
