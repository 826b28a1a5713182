"""The filters of work-order lists, read from the query string by the API and the dispatch board."""

import django_filters
from django.utils.translation import gettext_lazy as _

from govportal.filters import YesNoFilter

from .models import Ticket


class TicketFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Ticket.Status.choices)
    overdue = YesNoFilter(method="filter_overdue",
                          help_text=_("true: overdue at least once; false: never overdue"))
    category = django_filters.CharFilter(field_name="category__code", lookup_expr="startswith",
                                         help_text=_("category code; a major category takes in its minor ones"))
    outside_own_grids = YesNoFilter(help_text=_("true: reported by a grid worker outside the grids they serve"))

    class Meta:
        model = Ticket
        fields = ["status", "overdue", "category", "outside_own_grids"]

    def filter_overdue(self, tickets, name, overdue):
        return tickets.filter(overdue_count__gt=0) if overdue else tickets.filter(overdue_count=0)
