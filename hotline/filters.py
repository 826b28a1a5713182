"""The filter of the address search, read from the query string."""

import django_filters
from django.utils.translation import gettext_lazy as _

from grids.models import Building


class AddressFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="address", lookup_expr="contains", required=True, min_length=2,
                                  help_text=_("at least two characters of the address"))

    class Meta:
        model = Building
        fields = ["q"]
