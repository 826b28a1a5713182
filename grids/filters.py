"""The filters of the area list API, read from the query string."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .models import Area


class AreaFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(choices=Area.Level.choices)
    parent = django_filters.CharFilter(field_name="parent__code", help_text=_("code of the parent area"))

    class Meta:
        model = Area
        fields = ["level", "parent"]
