from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from audit.services import audit_prune


class Command(BaseCommand):
    help = (
        f"Delete the audit records older than AUDIT_RETENTION_DAYS (now {settings.AUDIT_RETENTION_DAYS}, "
        "never under 184), on behalf of the audit administrator named, and record the prune in the trail. "
        "Run it as that administrator: the name is written into the audit trail."
    )

    def add_arguments(self, parser):
        parser.add_argument("--auditor", required=True, help="username of the audit administrator pruning")

    def handle(self, *args, auditor, **options):
        user = get_user_model().objects.filter(username=auditor).first()
        try:
            event = audit_prune(actor=user)
        except PermissionDenied as error:
            raise CommandError(str(error)) from None
        removed, days = event.details["removed"], event.details["retention_days"]
        self.stdout.write(self.style.SUCCESS(f"Audit records removed: {removed} (kept: the last {days} days)."))
