"""System check: every admin page that shows personal data records who viewed it (PIPL; audit.admin)."""

from django.contrib import admin
from django.core.checks import Error, Tags, register

from .admin import PersonalDataAdminMixin

# Fields that hold personal data by their name, besides the sealed columns (`*_encrypted`,
# govportal.crypto): a person's phone, e-mail or ID number.
PERSONAL_FIELD_NAMES = ("phone", "email", "id_number")


def holds_personal_data(model):
    """Return whether `model` has a field of personal data (by its name, or sealed)."""
    return any(field.name in PERSONAL_FIELD_NAMES or field.name.endswith("_encrypted")
               for field in model._meta.concrete_fields)


@register(Tags.admin)
def personal_data_views_audited(app_configs=None, site=admin.site, **kwargs):
    """audit.E001 for each ModelAdmin showing personal data (its model's, or an inline's) without
    PersonalDataAdminMixin."""
    return [
        Error(f"The admin of {model._meta.label} shows personal data but does not record who views it.",
              hint="Add audit.admin.PersonalDataAdminMixin to its bases.", obj=type(model_admin), id="audit.E001")
        for model, model_admin in site._registry.items()
        if not isinstance(model_admin, PersonalDataAdminMixin)
        and any(holds_personal_data(shown) for shown in (model, *(inline.model for inline in model_admin.inlines)))
    ]
