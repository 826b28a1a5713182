"""Password rules of 等保 2.0 level 3 (domain.md §7)."""

import string

from django.core.exceptions import ValidationError
from django.utils.translation import ngettext

CHARACTER_CLASSES = (string.ascii_lowercase, string.ascii_uppercase, string.digits)


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
