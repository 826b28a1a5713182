"""The time a mediation case gets: its deadlines are computed here and nowhere else.

An ordinary case is closed within one month (Ministry of Justice rules, 2002), counted in working
days (settings.MEDIATION_TIME_LIMIT_WORKING_DAYS), longer only with both parties' consent. A
court-entrusted case (委托调解) runs 30 days, extendable once by at most 30 days with consent.
"""

from datetime import timedelta

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from incidents.worktime import deadline, working_day_minutes

from .workflow import MediationInputError

ENTRUSTED_TIME_LIMIT_DAYS = 30
ENTRUSTED_EXTENSION_MAX_DAYS = 30
ENTRUSTED_EXTENSION_TOO_LONG = _("A court-entrusted case is extended by at most 30 days.")


def _working_days_after(start, working_days):
    return deadline(start, working_days * working_day_minutes(), clock_time=False)


def time_limit_due(start, *, entrusted=False):
    """Return when a case whose clock starts at `start` is due (court-entrusted or not)."""
    if entrusted:
        return start + timedelta(days=ENTRUSTED_TIME_LIMIT_DAYS)
    return _working_days_after(start, settings.MEDIATION_TIME_LIMIT_WORKING_DAYS)


def extended_due(case, days, now):
    """Return `case`'s deadline extended by `days`: calendar days for a court-entrusted case (at most
    30), working days otherwise. That a court-entrusted case is extended only once is the workflow's
    guard (workflow.EXTENDABLE)."""
    start = case.due_at or now
    if case.is_court_entrusted:
        if days > ENTRUSTED_EXTENSION_MAX_DAYS:
            raise MediationInputError(ENTRUSTED_EXTENSION_TOO_LONG, "days")
        return start + timedelta(days=days)
    return _working_days_after(start, days)
