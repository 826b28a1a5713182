"""manage.py seed_demo [--grids N]: load the synthetic demo city once (idempotent)."""

from django.core.management.base import BaseCommand, CommandError

from carelist.demo import demo_carelist_create
from dispatch.demo import demo_dispatch_create
from fieldwork.demo import demo_fieldwork_create
from govportal.demo_history import HISTORY_DAYS, demo_history_create
from grids.demo import DEMO_PASSWORD, DEMO_USERNAMES, demo_city_create, demo_city_exists
from hotline.demo import demo_hotline_create
from mediation.demo import demo_mediation_create
from participation.demo import demo_participation_create
from registers.demo import demo_registers_create
from supervision.demo import demo_supervision_create


class Command(BaseCommand):
    help = (
        "Load a deterministic synthetic city at real coordinates in Dongguan: districts, streets, "
        "communities and grids, handling units, grid workers, base data and one demo account per role, "
        f"and about {HISTORY_DAYS} days of history (work orders, 12345 calls). "
        "Does nothing when the demo city is already loaded."
    )

    def add_arguments(self, parser):
        parser.add_argument("--grids", type=int, default=600, help="number of grids (default 600)")
        parser.add_argument("--history-days", type=int, default=HISTORY_DAYS,
                            help=f"days of work-order and call history to load once (default {HISTORY_DAYS}; 0: none)")

    def handle(self, *args, grids, history_days, **options):
        if grids < 1:
            raise CommandError("--grids must be at least 1.")
        if history_days < 0:
            raise CommandError("--history-days must not be negative.")
        existing = demo_city_exists()
        if existing is not None:
            note = "" if existing == grids else f" (asked for {grids}; use a fresh database to change the size)"
            self.stdout.write(f"Demo city already loaded with {existing} grids{note}.")
        else:
            city = demo_city_create(grid_count=grids)
            self.stdout.write(self.style.SUCCESS(f"Loaded demo city {city.name} with {grids} grids."))
        # Each app's demo data below is idempotent on its own, so a city loaded before an app
        # existed still gains that app's demo data.
        if demo_mediation_create():
            self.stdout.write(self.style.SUCCESS("Loaded the demo mediation organisations and cases."))
        if demo_hotline_create():
            self.stdout.write("Loaded the hotline's demo data (knowledge base, calls, Open311 key demo-open311-key).")
        if demo_supervision_create():
            self.stdout.write(self.style.SUCCESS("Loaded the demo programme of supervised reform tasks."))
        if demo_dispatch_create():
            self.stdout.write("Loaded the dispatch demo data (catalogue, a co-handled order, a re-dispatched objection).")
        if demo_fieldwork_create():
            self.stdout.write("Loaded the demo grid worker's week of patrols and check-ins.")
        if demo_carelist_create():
            self.stdout.write("Loaded the demo special-group persons, their helpers and visits (one overdue).")
        if demo_registers_create():
            self.stdout.write("Loaded the demo grid's registers (houses, residents, rental houses).")
        tickets = demo_history_create(days=history_days) if history_days else 0
        if tickets:
            self.stdout.write(self.style.SUCCESS(f"Loaded {history_days} days of history: {tickets} work orders."))
        if demo_participation_create():  # after the history: one of its work orders is given to volunteers
            self.stdout.write(self.style.SUCCESS("Loaded the demo participants, teams and tasks."))
        self.stdout.write(f"Demo accounts (password {DEMO_PASSWORD}, demo only): {', '.join(DEMO_USERNAMES)}")
