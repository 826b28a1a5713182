"""The set-based sweep run by Celery beat: cases unresolved within their time limit move up."""

from collections import defaultdict

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import CaseEvent, MediationCase
from .deadlines import time_limit_due
from .workflow import TRANSITIONS


def overdue_cases_escalate(*, now=None, batch_size=1000):
    """Handle every case whose deadline has passed; return how many were escalated and marked.

    1. Claim a batch of due cases with SELECT … FOR UPDATE SKIP LOCKED, so two sweepers never
       take the same case, and read each holder's superior organisation in the same query.
    2. Cases with a superior organisation move there with a new time limit (one UPDATE per
       receiving organisation and kind of clock); the others (the district centre, industry committees, studios)
       are only counted overdue and their clock stops, so each missed deadline counts once.
    3. One event row per case, in the same transaction.
    """
    now = now or timezone.now()
    sources = TRANSITIONS["overdue_escalate"].sources
    new_due = {entrusted: time_limit_due(now, entrusted=entrusted) for entrusted in (False, True)}
    escalated = marked = 0
    while True:
        with transaction.atomic():
            rows = list(
                MediationCase.objects.select_for_update(of=("self",), skip_locked=True)
                .filter(due_at__lte=now, status__in=sources)
                .order_by("due_at")
                .values_list("pk", "status", "organisation_id", "organisation__unit__superior__mediation_organisation",
                             "source")
                [:batch_size]
            )
            if not rows:
                break
            by_superior = defaultdict(list)
            for pk, _status, _holder, superior, source in rows:
                if superior is not None:
                    by_superior[superior, source == MediationCase.Source.COURT_ENTRUSTED].append(pk)
            for (superior, entrusted), ids in by_superior.items():
                MediationCase.objects.filter(pk__in=ids).update(
                    organisation_id=superior, due_at=new_due[entrusted], overdue_count=F("overdue_count") + 1,
                    updated_at=now)
            stay = [pk for pk, _status, _holder, superior, _source in rows if superior is None]
            MediationCase.objects.filter(pk__in=stay).update(
                due_at=None, overdue_count=F("overdue_count") + 1, updated_at=now)
            CaseEvent.objects.bulk_create([
                CaseEvent(case_id=pk, action="overdue_escalate" if superior else "overdue", from_status=status,
                          to_status=status, organisation_id=superior or holder)
                for pk, status, holder, superior, _source in rows
            ])
            escalated += len(rows) - len(stay)
            marked += len(stay)
        if len(rows) < batch_size:
            break
    return {"escalated": escalated, "marked_overdue": marked}
