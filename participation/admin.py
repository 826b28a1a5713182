"""Admin: the points ledger, read-only (it changes only by new entries, through participation.points)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from audit.admin import PersonalDataAdminMixin
from govportal.crypto import blind_index
from incidents.admin import ReadOnlyAdmin

from .models import PointEntry


@admin.register(PointEntry)
class PointEntryAdmin(PersonalDataAdminMixin, ReadOnlyAdmin):  # the participant's masked phone
    list_display = ["participant", "phone_masked", "reason", "points", "ticket", "created_at"]
    list_filter = ["reason"]
    list_select_related = ["participant", "ticket"]
    search_fields = ["ticket__number"]
    search_help_text = _("A work order's number or a whole phone number.")

    @admin.display(description=_("phone"))
    def phone_masked(self, entry):
        return entry.participant.phone_masked

    def get_search_results(self, request, queryset, search_term):
        """A phone's entries by its keyed hash: the clear number is stored nowhere to search."""
        found, duplicates = super().get_search_results(request, queryset, search_term)
        phone = search_term.strip()
        if phone.isdigit():
            found |= queryset.filter(participant__phone_hash=blind_index(phone))
        return found, duplicates
