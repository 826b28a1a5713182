from django.core.management.base import BaseCommand, CommandError

from incidents.photos import ORPHAN_GRACE, photo_orphans_delete


class Command(BaseCommand):
    help = (
        "Delete the photo files that no work-order photo names (left by a crash before its transaction "
        f"committed), once older than {ORPHAN_GRACE}. Every photo directory by default, the old tickets/ "
        "tree included; the hourly beat task sweeps the last days only. Safe to run at any time."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, help="only the photo directories of the last DAYS days")

    def handle(self, *args, days=None, **options):
        if days is not None and days < 1:
            raise CommandError("--days must be at least 1.")
        deleted = photo_orphans_delete(days=days)
        self.stdout.write(self.style.SUCCESS(f"Photo files deleted: {deleted}."))
