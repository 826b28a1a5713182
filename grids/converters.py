"""The area code in URLs: <area:code>, registered by GridsConfig.ready() for every app's URLs."""

from .models import Area

# A code the converter takes, in the URLs handed to scripts, which put an area's own code there.
CODE_PLACEHOLDER = "000000"


class AreaCodeConverter:
    """An area code: 6 digits (city, district), 9 (street), 12 (community) or 15 (grid), as Area.CODE_LENGTH.

    Anything else matches no URL, so junk never reaches a view (a NUL byte, say, which PostgreSQL refuses
    in a query). ASCII digits only: the `\\d` of Python's patterns takes every script's digits too.
    """

    regex = "(?:{})".format("|".join(f"[0-9]{{{length}}}" for length in sorted(set(Area.CODE_LENGTH.values()))))

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value
