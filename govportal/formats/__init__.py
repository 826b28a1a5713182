"""Input formats for every language (settings.FORMAT_MODULE_PATH): a date or time in an input is ISO.

An <input type="date"> shows and sends only YYYY-MM-DD, and <input type="datetime-local">
YYYY-MM-DDTHH:MM, whatever the browser's language. Django writes an input's value in the first of
the language's input formats, which for zh-hans is "2026/12/01": the browser then shows an empty box.
Other formats a person may type are still read after the ISO ones.
"""

from django.conf.locale.en import formats as english
from django.conf.locale.zh_Hans import formats as chinese

ISO_DATE = "%Y-%m-%d"
ISO_DATETIME = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends and shows


def iso_first(iso, formats):
    """Return `formats` with `iso` in front: the one Django writes inputs in."""
    return [iso, *(fmt for fmt in formats if fmt != iso)]


def input_formats(language):
    """Return the date and datetime input formats for a language's formats.py (its Django module)."""
    return (iso_first(ISO_DATE, language.DATE_INPUT_FORMATS),
            iso_first(ISO_DATETIME, language.DATETIME_INPUT_FORMATS))


ENGLISH = input_formats(english)
CHINESE = input_formats(chinese)
