"""Forms of the registers' pages; the rules themselves live in registers.services."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grids.models import Building

from .models import House, Resident, ResidentReveal, RiskGrade

DATE_INPUT = forms.DateInput(attrs={"type": "date"})


def _date(label, required=True):
    return forms.DateField(label=label, required=required, widget=DATE_INPUT)


class MoveInForm(forms.Form):
    kind = forms.ChoiceField(choices=Resident.Kind.choices, label=_("Kind"))
    name = forms.CharField(max_length=50, label=_("Full name"))
    id_number = forms.CharField(min_length=18, max_length=18, label=_("ID number"))
    phone = forms.CharField(max_length=20, required=False, label=_("Phone"))
    household = forms.CharField(max_length=20, required=False, label=_("Household number"),
                                help_text=_("Leave empty if the person belongs to no household here."))
    moved_in_on = _date(_("Moved in on"))
    lease_start = _date(_("Lease starts (tenants)"), required=False)
    lease_end = _date(_("Lease ends (tenants)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["moved_in_on"].initial = timezone.localdate()
        for name in ("id_number", "phone"):
            self.fields[name].widget.attrs["autocomplete"] = "off"
        self.fields["id_number"].widget.attrs["inputmode"] = "text"
        self.fields["phone"].widget.attrs["inputmode"] = "tel"


class MoveOutForm(forms.Form):
    moved_out_on = _date(_("Moved out on"))
    reason = forms.CharField(max_length=200, required=False, label=_("Note"))


class InspectionForm(forms.Form):
    inspected_on = _date(_("Inspected on"))
    grade = forms.ModelChoiceField(RiskGrade.objects.all(), label=_("Risk grade"), to_field_name="code")
    findings = forms.CharField(max_length=2000, required=False, label=_("Findings"),
                               widget=forms.Textarea(attrs={"rows": 3}))


class HouseForm(forms.Form):
    building = forms.ModelChoiceField(Building.objects.none(), label=_("Building"))
    unit = forms.CharField(max_length=10, required=False, label=_("Unit"))
    floor = forms.IntegerField(min_value=-5, max_value=200, label=_("Floor"))
    room = forms.CharField(max_length=10, label=_("Room number"))
    use = forms.ChoiceField(choices=House.Use.choices, initial=House.Use.RESIDENTIAL, label=_("Use"))
    floor_area_m2 = forms.DecimalField(max_digits=7, decimal_places=2, min_value=0, required=False,
                                       label=_("Floor area (m²)"))

    def __init__(self, *args, grid_codes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = Building.objects.filter(grid__code__in=grid_codes).order_by("name")


class RentalRegisterForm(forms.Form):
    owner_name = forms.CharField(max_length=50, label=_("Owner's name"))
    owner_phone = forms.CharField(max_length=20, required=False, label=_("Owner's phone"),
                                  widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    grade = forms.ModelChoiceField(RiskGrade.objects.all(), label=_("Risk grade"), to_field_name="code")
    registered_on = _date(_("Let since"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["registered_on"].initial = timezone.localdate()


class RevealForm(forms.Form):
    field = forms.ChoiceField(choices=ResidentReveal.Field.choices, label=_("Show in full"))
    reason = forms.CharField(max_length=200, label=_("Reason"))
