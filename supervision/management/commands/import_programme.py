"""manage.py import_programme FILE.xlsx --office CODE --name NAME --year YEAR: import a programme (任务书)."""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import HandlingUnit
from supervision.imports import ImportRefused, programme_import


class Command(BaseCommand):
    help = "Import a programme of tasks from an Excel sheet (one row per task); nothing is stored if a row is wrong."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--office", required=True, help="code of the supervision office's unit")
        parser.add_argument("--name", required=True)
        parser.add_argument("--year", required=True, type=int)

    def handle(self, *args, file, office, name, year, **options):
        try:
            unit = HandlingUnit.objects.get(code=office)
        except HandlingUnit.DoesNotExist:
            raise CommandError(f"No unit has the code {office!r}.") from None
        try:
            with open(file, "rb") as source:
                programme = programme_import(source=source, office=unit, name=name, year=year)
        except OSError as error:
            raise CommandError(str(error)) from None
        except ImportRefused as refused:
            raise CommandError("\n".join(["Nothing was imported:", *map(str, refused.errors)])) from None
        tasks = programme.tasks.count()
        self.stdout.write(self.style.SUCCESS(f"Imported {programme} with {tasks} tasks."))
