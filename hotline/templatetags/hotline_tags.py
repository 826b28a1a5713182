from django import template

from govportal.masking import mask_phone

register = template.Library()


@register.filter
def masked(phone):
    """Return a caller's number masked (138****1234): pages never print it whole by default."""
    return mask_phone(phone or "")
