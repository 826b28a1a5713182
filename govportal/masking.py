"""Personal data shown masked (domain.md §7): one rule for callers, citizens, Open311 reporters and parties."""


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


def mask_name(name):
    """张三 → 张*, 张先生 → 张*生, 欧阳娜娜 → 欧**娜: the first character, and the last from three on."""
    if len(name) <= 1:
        return "*" * len(name)
    end = name[-1] if len(name) >= 3 else ""
    return name[0] + "*" * (len(name) - 1 - len(end)) + end


def mask_email(address):
    """zhang.san@example.com → z***@example.com: the mailbox hidden but its first character, the domain kept."""
    if not address:
        return ""
    local, at, domain = address.partition("@")
    shown = local[:1] if len(local) > 1 else ""
    return f"{shown}{'*' * (3 if shown else len(local))}{at}{domain}"
