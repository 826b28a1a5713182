"""Messages of Django and DRF whose Chinese shows a code word ("该字段不能为 null。"): marked here so that
makemessages keeps them in our catalogue, whose translation wins over the libraries' (LOCALE_PATHS first)."""

from django.utils.translation import gettext_noop

RETRANSLATED = (
    gettext_noop("This field may not be null."),  # DRF
    gettext_noop("This field cannot be null."),  # Django's model fields
)
