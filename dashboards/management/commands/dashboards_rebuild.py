"""manage.py dashboards_rebuild: recompute the dashboards' rollups from the tickets and their events."""

import time

from django.core.management.base import BaseCommand

from dashboards.services import rollups_rebuild


class Command(BaseCommand):
    help = ("Recompute every dashboard rollup from the tickets and their events, e.g. after a PostgreSQL "
            "crash emptied the unlogged delta tables. Ticket writes wait while it runs.")

    def handle(self, *args, **options):
        started = time.monotonic()
        rows = rollups_rebuild()
        self.stdout.write(f"Rollups rebuilt: {rows} rows in {time.monotonic() - started:.1f} s.")
