"""派单目录 in the admin: the system administrator adds lines; a line that replaces another closes it."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from dispatch.models import DispatchEntry
from tests.factories import UserFactory, log_in_verified

pytestmark = pytest.mark.dated  # "today" read from the clock: also on the chosen days


def add_line(client, catalogue, unit, **extra):
    return client.post(reverse("admin:dispatch_dispatchentry_add"), {
        "category": catalogue["0202"].pk, "lead_unit": unit.pk, "valid_from_0": timezone.localdate().isoformat(),
        "valid_from_1": "00:00:00", "note": "目录调整", **extra})


def test_dispatch_catalogue_admin_adds_and_replaces_lines_keeping_the_history(client, catalogue, units):
    sysadmin = UserFactory(role=User.Role.SYSTEM_ADMIN, unit=None)
    log_in_verified(client, sysadmin)
    assert add_line(client, catalogue, units["water"]).status_code == 302
    first = DispatchEntry.objects.get()
    assert add_line(client, catalogue, units["housing"], replaces=first.pk,
                    co_units=[units["urban"].pk]).status_code == 302

    first.refresh_from_db()
    second = DispatchEntry.objects.exclude(pk=first.pk).get()
    assert first.valid_to == second.valid_from and first.closed_by == second.created_by == sysadmin
    assert second.supersedes == first and list(second.co_units.all()) == [units["urban"]]
    assert list(DispatchEntry.objects.in_force()) == [second]
    listing = client.get(reverse("admin:dispatch_dispatchentry_changelist"), {"in_force": "yes"})
    assert listing.status_code == 200 and list(listing.context["cl"].result_list) == [second]
    page = client.get(reverse("admin:dispatch_dispatchentry_change", args=[first.pk]))
    assert page.status_code == 200 and not page.context["has_change_permission"]  # history is read only
