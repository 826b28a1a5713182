"""What the apps' FilterSets share: a yes/no filter that refuses what it cannot read."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from rest_framework.fields import BooleanField


class YesNoField(forms.Field):
    """A query parameter read like a DRF BooleanField (true/false, 1/0, yes/no…); blank or null: no filter.

    django-filter's own boolean widget reads anything else as "no filter", so a typo would
    silently answer the whole list; this answers 400 instead.
    """

    widget = forms.TextInput
    default_error_messages = {"invalid": BooleanField.default_error_messages["invalid"]}

    def to_python(self, value):
        if value in self.empty_values or value in BooleanField.NULL_VALUES:
            return None
        if value in BooleanField.TRUE_VALUES:
            return True
        if value in BooleanField.FALSE_VALUES:
            return False
        raise ValidationError(self.error_messages["invalid"], code="invalid")


class YesNoFilter(django_filters.BooleanFilter):
    field_class = YesNoField
