from django.core.management.base import BaseCommand, CommandError

from audit.selectors import audit_chain_verify


class Command(BaseCommand):
    help = (
        "Walk the audit trail's hash chain in order and report the first row that does not follow from "
        "the one before (exit status 1), or how many rows were checked (exit status 0)."
    )

    def handle(self, *args, **options):
        checked, broken = audit_chain_verify()
        if broken is not None:
            raise CommandError(f"Audit chain broken at row {broken} ({checked} rows before it intact).")
        self.stdout.write(self.style.SUCCESS(f"{checked} rows, chain intact."))
