"""Forms of the supervision pages: the moves on a milestone and the programme import."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _

from govportal.pages import ActionForm

from .models import Task
from .selectors import Light

ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENT_EXTENSIONS = ("pdf", "doc", "docx", "xls", "xlsx", "jpg", "jpeg", "png")
ATTACHMENT_TOO_LARGE = _("An attachment may be at most 10 MB.")
SHEET_TOO_LARGE = _("A sheet may be at most 5 MB.")


def _figure_field():
    return forms.DecimalField(label=_("Figure reached"), required=False, min_value=0, max_digits=14,
                              decimal_places=2)


class ReportForm(ActionForm):
    text = forms.CharField(label=_("Progress"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    figure = _figure_field()
    attachment = forms.FileField(label=_("Attachment"), required=False,
                                 validators=[FileExtensionValidator(ATTACHMENT_EXTENSIONS)],
                                 help_text=_("PDF, Word, Excel or a photo; at most 10 MB."))

    def clean_attachment(self):
        attachment = self.cleaned_data.get("attachment")
        if attachment and attachment.size > ATTACHMENT_MAX_BYTES:
            raise ValidationError(ATTACHMENT_TOO_LARGE)
        return attachment


class SubmitForm(ActionForm):
    summary = forms.CharField(label=_("Consolidated report"), widget=forms.Textarea(attrs={"rows": 3}),
                              max_length=5000)
    figure = _figure_field()
    delivered = forms.BooleanField(label=_("The deliverable is done"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.subject is not None and self.subject.task.target_kind == Task.TargetKind.NUMBER:
            del self.fields["delivered"]
        elif self.subject is not None:
            del self.fields["figure"]


class ReturnForm(ActionForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)


ACTION_FORMS = {"report": ReportForm, "submit": SubmitForm, "accept": None, "return": ReturnForm}


class ImportForm(forms.Form):
    name = forms.CharField(label=_("Programme"), max_length=200)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2999)
    sheet = forms.FileField(label=_("Excel sheet (.xlsx)"), validators=[FileExtensionValidator(["xlsx"])],
                            help_text=_("One row per task, headed 序号, 任务, 牵头单位, 责任单位, 目标值, 计量单位, "
                                        "成果, 节点, 完成时限."))

    def clean_sheet(self):
        sheet = self.cleaned_data["sheet"]
        if sheet.size > 5 * 1024 * 1024:
            raise ValidationError(SHEET_TOO_LARGE)
        return sheet


class BoardFilterForm(forms.Form):
    """The board's filters: one unit (leading or responsible) and one light; both optional."""

    unit = forms.IntegerField(required=False, widget=forms.HiddenInput)
    light = forms.ChoiceField(required=False, choices=[("", ""), *Light.LABELS.items()])
