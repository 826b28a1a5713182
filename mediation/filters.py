"""The filters of case lists, read from the query string by the API and the case list page."""

import django_filters

from .models import MediationCase


class CaseFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=MediationCase.Status.choices)

    class Meta:
        model = MediationCase
        fields = ["status"]
