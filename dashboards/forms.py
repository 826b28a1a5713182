from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govportal.errors import DomainInputError

from .selectors import Period


class PeriodForm(forms.Form):
    """A period of local days; by default this month up to today."""

    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        try:
            data["period"] = Period.checked(data.get("start") or today.replace(day=1), data.get("end") or today)
        except DomainInputError as error:
            self.add_error(error.field, str(error))
        return data


class MonthForm(forms.Form):
    """An assessment month; by default the current one."""

    month = forms.RegexField(label=_("Month"), regex=r"^\d{4}-(0[1-9]|1[0-2])$", required=False,
                             widget=forms.DateInput(attrs={"type": "month"}))

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        day = timezone.localdate()
        if data.get("month"):
            year, month = map(int, data["month"].split("-"))
            day = day.replace(year=year, month=month, day=1)
        data["period"] = Period.month_of(day)
        return data
