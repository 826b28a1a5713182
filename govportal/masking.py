"""Personal numbers shown masked (domain.md §7): one rule for the hotline's callers and mediation's parties."""


def mask(text, *, keep_start, keep_end=4):
    """Return `text` with all but its first `keep_start` and last `keep_end` characters starred.

    ID number 441900199001011234 → 4419**********1234; phone 13812345678 → 138****5678. A text
    too short to hide anything between both ends shows only its end (1234567 → ***4567); one of
    `keep_end` characters or fewer is all stars.
    """
    if len(text) <= keep_end:
        return "*" * len(text)
    if len(text) <= keep_start + keep_end:
        keep_start = 0
    return text[:keep_start] + "*" * (len(text) - keep_start - keep_end) + text[-keep_end:]


def mask_phone(phone):
    """13812341234 → 138****1234."""
    return mask(phone, keep_start=3)


def mask_id_number(number):
    """441900199001011234 → 4419**********1234."""
    return mask(number, keep_start=4)
