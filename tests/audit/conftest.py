import pytest

from audit.models import AuditEvent
from audit.selectors import AUDIT_ADMIN_ROLE
from tests.factories import UserFactory


@pytest.fixture
def auditor(actors):
    """The audit administrator (审计管理员), at the district's command centre."""
    return UserFactory(role=AUDIT_ADMIN_ROLE, unit=None, last_name="审计员")  # the administrators belong to no unit


@pytest.fixture
def recorded():
    """Return the events recorded since the fixture was set up, oldest first (optionally of one action)."""
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0

    def events(action=None):
        found = AuditEvent.objects.filter(id__gt=last).order_by("id")
        return list(found.filter(action=action) if action else found)

    return events

