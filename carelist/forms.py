"""Forms of the special-group pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.access import restrict_to_scope
from accounts.models import User
from grids.models import Area

from .models import CareHelper, CareLevel, CareVisit

# The helper a user becomes, by their role (the pairing page offers these roles).
HELPER_KINDS = {User.Role.GRID_WORKER: CareHelper.Kind.GRID_WORKER, User.Role.COMMUNITY_STAFF: CareHelper.Kind.COMMUNITY_CADRE}


class VisitForm(forms.Form):
    """A visit paid to a person, as a helper records it on a phone."""

    visited_on = forms.DateField(label=_("Date of the visit"), widget=forms.DateInput(attrs={"type": "date"}))
    way = forms.ChoiceField(label=_("Way of visiting"), choices=CareVisit.Way.choices, initial=CareVisit.Way.HOME,
                            widget=forms.RadioSelect)
    place = forms.CharField(label=_("Place of the visit"), max_length=200)
    condition = forms.ChoiceField(label=_("The person's condition"), choices=CareVisit.Condition.choices,
                                  initial=CareVisit.Condition.STABLE, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 4}))
    follow_up_needed = forms.BooleanField(label=_("Follow-up needed"), required=False)


class LevelChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, level):
        return f"{level.group.name} · {level.get_level_display()}"


class PersonRegisterForm(forms.Form):
    """A person the leadership of an area registers in their groups, with their helpers (结对帮扶)."""

    name = forms.CharField(label=_("Full name"), max_length=50)
    id_number = forms.CharField(label=_("ID number"), min_length=18, max_length=18,
                                widget=forms.TextInput(attrs={"autocomplete": "off"}))
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    address = forms.CharField(label=_("Address"), max_length=200)
    grid = forms.ModelChoiceField(Area.objects.none(), label=_("Grid"))
    levels = LevelChoiceField(CareLevel.objects.select_related("group").order_by("group__sort_order", "level"),
                              label=_("Groups and levels of attention"), widget=forms.CheckboxSelectMultiple)
    helpers = forms.ModelMultipleChoiceField(User.objects.none(), label=_("Helpers (结对帮扶)"),
                                             widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = restrict_to_scope(Area.objects.filter(level=Area.Level.GRID), user).order_by("code")
        self.fields["helpers"].queryset = restrict_to_scope(
            User.objects.filter(is_active=True, role__in=HELPER_KINDS), user, code_field="unit__area__code",
        ).order_by("role", "username")

    def cleaned_helpers(self):
        """The helpers chosen, each with the kind of helper their role makes them."""
        return [(user, HELPER_KINDS[user.role]) for user in self.cleaned_data["helpers"]]
