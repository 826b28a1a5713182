"""The component code a report may carry: a form field and a serializer field, both giving the Component."""

from django import forms
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import BAD_CODE, Component
from .selectors import component_for_report

UNKNOWN_COMPONENT = _("No component has the code %(code)s.")


def component_from_code(code, error_class):
    """Return the component of `code` (None when empty); `error_class`(message) for a bad or unknown code."""
    code = (code or "").strip()
    if not code:
        return None
    if not (len(code) == 16 and code.isdigit()):
        raise error_class(BAD_CODE)
    try:
        return component_for_report(code)
    except Component.DoesNotExist:
        raise error_class(UNKNOWN_COMPONENT % {"code": code}) from None


class ComponentCodeField(forms.CharField):
    """An optional 16-digit component code, cleaned to its Component."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 16)
        kwargs.setdefault("label", _("Component code"))
        kwargs.setdefault("help_text", _("The 16-digit code on the facility, if the matter is about one."))
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "pattern": r"\d{16}"}))
        super().__init__(**kwargs)

    def clean(self, value):
        return component_from_code(super().clean(value), forms.ValidationError)


class ComponentCodeSerializerField(serializers.CharField):
    """An optional 16-digit component code, validated to its Component."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("default", None)
        kwargs.setdefault("max_length", 16)
        kwargs.setdefault("help_text", "16-digit code of the city component the matter is about: the work order "
                                       "goes to its owner unit")
        super().__init__(**kwargs)

    def run_validation(self, data=serializers.empty):
        return component_from_code(super().run_validation(data), serializers.ValidationError)
