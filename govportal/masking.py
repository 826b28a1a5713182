"""Personal data shown masked (domain.md §7): one rule for callers, citizens, Open311 reporters and parties,
and one for the numbers found in free text that leaves the system (mask_numbers)."""

import re


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
# Numbers that identify a person, as people type them into free text (a report, a caller's
# words, a unit's feedback): one rule for every text that leaves the system to someone not
# entitled to them (Open311). Digits may be grouped by single spaces or hyphens; full-width ones
# (１３８…, typed on Chinese keyboards) are read as ASCII first. A number never touches another digit.
_ASCII = str.maketrans("０１２３４５６７８９Ｘｘ－＋", "0123456789Xx-+")
_LONG_NUMBER = re.compile(  # 18-digit ID numbers (X check digit included), 16–19-digit bank cards, longer runs
    r"(?<!\d)(?:\d(?:[ -]?\d){16}[ -]?[Xx]|\d(?:[ -]?\d){15,})(?![\dXx])")
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d){8}(?!\d)")  # 138 1234 5678, +86 13812345678
_LANDLINE = re.compile(r"(?<!\d)[(（]?0\d{2,3}[)）]?[ -]?\d{3,4}[ -]?\d{4}(?!\d)")  # 0769-22123456, (020)8765 4321
# A local landline number without its area code is only told from a date or an amount by its label.
_LABELLED_LOCAL = re.compile(r"(电话|手机|座机|号码|联系方式|[Tt]el|TEL)([:：]?\s*)(\d{3,4}[ -]?\d{4})(?!\d)")


def _compact(number):
    return re.sub(r"[^\dXx]", "", number)


def mask_numbers(text):
    """Return `text` with the ID, bank-card and phone numbers in it masked.

    "身份证441900199001011234，电话138 1234 5678" → "身份证4419**********1234，电话138****5678".
    ID numbers, bank cards and any run of 16 digits or more keep their first and last four digits;
    mobile and landline numbers their first three and last four; a local number after a label
    such as 电话 its last four.
    """
    if not text:
        return text
    text = text.translate(_ASCII)
    text = _LONG_NUMBER.sub(lambda m: mask(_compact(m.group()), keep_start=4), text)
    text = _MOBILE.sub(lambda m: mask_phone(_compact(m.group())[-11:]), text)
    text = _LANDLINE.sub(lambda m: mask_phone(_compact(m.group())), text)
    return _LABELLED_LOCAL.sub(lambda m: m.group(1) + m.group(2) + mask(_compact(m.group(3)), keep_start=0), text)
