"""Password rules of 等保 2.0 level 3 (domain.md §7)."""

import re
import string

from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_lazy as _, ngettext

CHARACTER_CLASSES = (string.ascii_lowercase, string.ascii_uppercase, string.digits)

# Straight lines on a QWERTY keyboard (rows, shifted digits, the columns 1qaz…), read either way.
KEYBOARD_LINES = (
    "`1234567890-=", "~!@#$%^&*()_+", "qwertyuiop[]\\", "asdfghjkl;'", "zxcvbnm,./",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik,9ol.0p;/-['=]", "!qaz@wsx#edc$rfv%tgb^yhn&ujm*ik<(ol>)p:?",
)
ALPHABET_LINES = (string.ascii_lowercase, string.digits)
# Words and numbers every password list starts with, Chinese favourites included (我爱你 520 1314).
COMMON_FRAGMENTS = (
    "password", "passw0rd", "p@ssw0rd", "p@ssword", "iloveyou", "woaini", "5201314", "1314520", "admin",
    "welcome", "letmein", "monkey", "dragon", "zhangsan", "lisi", "wangwu", "zhaoliu", "govportal",
)
YEAR = re.compile(r"(19|20)\d\d")
SHORT_DATE = re.compile(r"(?<!\d)\d\d(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?!\d)")  # yymmdd, a birthday

KEYBOARD_PATTERN = _("Your password must not contain a keyboard pattern such as “%(pattern)s”.")
SEQUENCE = _("Your password must not contain a sequence such as “%(pattern)s”.")
REPEATED = _("Your password must not repeat a character like “%(pattern)s”.")
DATE = _("Your password must not contain a year or a date such as “%(pattern)s”.")
COMMON = _("Your password must not contain a common word or number such as “%(pattern)s”.")
PERSONAL = _("Your password must not contain your user name or your name (“%(pattern)s”).")


def count_character_classes(password):
    """Return how many of lowercase, uppercase, digits and other characters the password uses."""
    classes = sum(any(char in chars for char in password) for chars in CHARACTER_CLASSES)
    return classes + any(not any(char in chars for chars in CHARACTER_CLASSES) for char in password)


class CharacterClassValidator:
    """Require characters from at least `min_classes` of the four classes."""

    def __init__(self, min_classes=3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if count_character_classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_few_classes")

    def get_help_text(self):
        return ngettext(
            "Your password must mix at least %(count)d kind of character (lowercase, uppercase, digits, symbols).",
            "Your password must mix at least %(count)d kinds of characters (lowercase, uppercase, digits, symbols).",
            self.min_classes,
        ) % {"count": self.min_classes}


def _runs_along(text, lines, length):
    """Return the first `length` characters of `text` that run along one of `lines` (either way), or None."""
    for start in range(len(text) - length + 1):
        piece = text[start:start + length]
        if any(piece in line or piece in line[::-1] for line in lines):
            return piece
    return None


def _personal_words(user):
    """Return the user's name and user name as letters and digits only, lowercase: zhang_san → zhangsan."""
    if user is None:
        return []
    first, last = (re.sub(r"[\W_]", "", (value or "").lower()) for value in (user.first_name, user.last_name))
    username = re.sub(r"[\W_]", "", user.get_username().lower())
    words = {username, re.sub(r"\d", "", username), first + last, last + first, first, last,
             re.sub(r"[\W_]", "", (user.email or "").split("@")[0].lower())}
    return sorted((word for word in words if len(word) >= 3), key=len, reverse=True)


class GuessablePatternValidator:
    """Refuse what a guesser tries first: keyboard walks (qwer, 1qaz), sequences (1234, abcd), a run of one
    character (aaaa), a year or a date (1990, 900101), common words (woaini, 5201314) and the user's
    own user name or name in any case, without separators (Zhangsan for zhang_san).

    `length` is the shortest walk, sequence or run refused.
    """

    def __init__(self, length=4):
        self.length = length

    def validate(self, password, user=None):
        text = password.lower()
        letters_and_digits = re.sub(r"[\W_]", "", text)
        checks = (
            (KEYBOARD_PATTERN, "password_keyboard_pattern", lambda: _runs_along(text, KEYBOARD_LINES, self.length)),
            (SEQUENCE, "password_sequence", lambda: _runs_along(text, ALPHABET_LINES, self.length)),
            (REPEATED, "password_repeated", lambda: next(
                (match.group() for match in re.finditer(rf"(.)\1{{{self.length - 1},}}", text)), None)),
            (DATE, "password_date", lambda: next(
                (match.group() for pattern in (YEAR, SHORT_DATE) for match in [pattern.search(text)] if match), None)),
            (COMMON, "password_common", lambda: next(
                (word for word in COMMON_FRAGMENTS if word in text or word in letters_and_digits), None)),
            (PERSONAL, "password_personal", lambda: next(
                (word for word in _personal_words(user) if word in letters_and_digits), None)),
        )
        errors = []
        for message, code, find in checks:
            found = find()
            if found:
                errors.append(ValidationError(message, code=code, params={"pattern": found}))
        if errors:
            raise ValidationError(errors)

    def get_help_text(self):
        return gettext(
            "Your password must not contain keyboard patterns (qwer, 1qaz), sequences (1234, abcd), repeated "
            "characters, a year or a date, common words, or your user name or name."
        )
