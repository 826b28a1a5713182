"""The --at option: the session runs on a moved clock (scripts/test.sh uses it for the `dated` tests)."""

from datetime import timedelta

import pytest
from django.utils import timezone

pytestmark = pytest.mark.dated


def test_the_clock_is_where_at_put_it(session_instant):
    if session_instant is None:
        pytest.skip("the session runs on the real clock (no --at)")
    assert session_instant <= timezone.now() < session_instant + timedelta(hours=2)
    assert timezone.localdate() == session_instant.astimezone(timezone.get_current_timezone()).date()
