from django.core.management.base import BaseCommand

from incidents.worktime import calendar_sync_from_package


class Command(BaseCommand):
    help = (
        "Copy holidays and make-up working days (调休) from the chinese-calendar package into the "
        "working calendar. Dates an admin edited are kept. Run after upgrading the package."
    )

    def handle(self, *args, **options):
        written = calendar_sync_from_package()
        self.stdout.write(self.style.SUCCESS(f"Working calendar: {written} dates written from chinese-calendar."))
