"""The bad periods every page and API must refuse alike, and the two shapes of that refusal."""

from django.utils.html import escape

from govportal.dates import YEAR_OUT_OF_RANGE
from govportal.periods import BAD_MONTH, END_BEFORE_START, PERIOD_TOO_LONG

# (query, field at fault, message): the same on every page and API that takes a period.
BAD_PERIODS = [
    ({"start": "2026-11-10", "end": "2026-11-01"}, "end", END_BEFORE_START),
    ({"start": "2025-11-01", "end": "2026-11-02"}, "start", PERIOD_TOO_LONG),  # 367 days
    ({"start": "2026-11-01", "end": "9999-12-31"}, "end", YEAR_OUT_OF_RANGE),
    ({"start": "9999-12-01", "end": "9999-12-31"}, "start", YEAR_OUT_OF_RANGE),  # the day after the end: no date
    ({"start": "1899-12-31", "end": "1900-01-01"}, "start", YEAR_OUT_OF_RANGE),
]
LONGEST_PERIOD = {"start": "2025-11-02", "end": "2026-11-02"}  # 366 days, both ends included
# (month, message): the same on every page and API that takes a month.
BAD_MONTHS = [("2026-13", BAD_MONTH), ("2026-1", BAD_MONTH), ("November", BAD_MONTH), ("2026-11-01", BAD_MONTH),
              ("9999-12", YEAR_OUT_OF_RANGE), ("1899-12", YEAR_OUT_OF_RANGE)]


def assert_page_refuses(response, message):
    """A page or file download answers 400 with `message` in it."""
    assert response.status_code == 400, response.status_code
    assert escape(str(message)) in response.content.decode()


def assert_api_refuses(response, field, message):
    """The API answers 400 with `message` for `field` in extra.fields (govportal.api.exception_handler)."""
    assert response.status_code == 400, response.status_code
    assert response.json()["extra"]["fields"] == {field: [str(message)]}

