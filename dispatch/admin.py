"""Admin of the dispatch catalogue (派单目录), for the system administrator (docs/dispatch-catalogue.md).

A line is never edited in place: the page adds lines, a line that `replaces` another closes it and
opens its successor (dispatch.services.catalogue_entry_revise), and the action closes lines. So the
list, filtered by "in force", is the catalogue today, and unfiltered its whole history.
"""

from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import DispatchEntry
from .services import EntryClosed, catalogue_entry_close, catalogue_entry_create, catalogue_entry_revise


class InForceFilter(admin.SimpleListFilter):
    title = _("in force")
    parameter_name = "in_force"

    def lookups(self, request, model_admin):
        return [("yes", _("In force")), ("no", _("Closed or not yet valid"))]

    def queryset(self, request, queryset):
        in_force = DispatchEntry.objects.in_force().values("pk")
        if self.value() == "yes":
            return queryset.filter(pk__in=in_force)
        if self.value() == "no":
            return queryset.exclude(pk__in=in_force)
        return queryset


class DispatchEntryForm(forms.ModelForm):
    replaces = forms.ModelChoiceField(
        DispatchEntry.objects.in_force().select_related("category", "area", "lead_unit"), required=False,
        label=_("Replaces"),
        help_text=_("The line in force this one replaces: it closes now, and this one starts now."))

    class Meta:
        model = DispatchEntry
        fields = ["replaces", "category", "area", "lead_unit", "co_units", "valid_from", "valid_to", "note"]


@admin.register(DispatchEntry)
class DispatchEntryAdmin(admin.ModelAdmin):
    form = DispatchEntryForm
    list_display = ["category", "area", "lead_unit", "co_unit_names", "valid_from", "valid_to", "created_by",
                    "closed_by", "note"]
    list_filter = [InForceFilter, "lead_unit", "category__parent"]
    search_fields = ["category__code", "category__name", "area__code", "area__name", "lead_unit__name"]
    autocomplete_fields = ["area"]
    filter_horizontal = ["co_units"]
    list_select_related = ["category", "area", "lead_unit", "created_by", "closed_by"]
    readonly_fields = ["supersedes", "created_by", "created_at", "closed_by"]
    actions = ["close_now"]

    @admin.display(description=_("co-handling units"))
    def co_unit_names(self, entry):
        return "、".join(unit.name for unit in entry.co_units.all()) or "—"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("co_units")

    def has_change_permission(self, request, obj=None):
        # The list's action closes lines (the change permission); a line's own page is read only.
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        fields = {name: data[name] for name in ("category", "area", "lead_unit", "co_units", "valid_to")}
        if data["replaces"] is not None:
            entry = catalogue_entry_revise(entry_id=data["replaces"].pk, actor=request.user, note=data["note"],
                                           **fields)
        else:
            entry = catalogue_entry_create(**fields, valid_from=data["valid_from"], note=data["note"],
                                           actor=request.user)
        obj.pk, obj._state.adding = entry.pk, False  # the admin's redirect and log name the line made

    def save_related(self, request, form, formsets, change):
        """Nothing more to save: the service set the co-handling units."""

    @admin.action(description=_("Close the selected lines now"), permissions=["change"])
    def close_now(self, request, queryset):
        closed = 0
        for entry in queryset:
            try:
                catalogue_entry_close(entry_id=entry.pk, actor=request.user, at=timezone.now())
                closed += 1
            except EntryClosed:
                continue
        self.message_user(request, ngettext("%(n)d line closed.", "%(n)d lines closed.", closed) % {"n": closed},
                          messages.SUCCESS)
