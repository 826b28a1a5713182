import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from accounts.models import User
from accounts.validators import COMMON, DATE, KEYBOARD_PATTERN, PERSONAL, REPEATED, SEQUENCE


@pytest.mark.parametrize("password", ["Wangge7Yuan", "Hb7#mqLe", "Tz9!kw_Rn", "Xiaoyu#Park8"])
def test_passwords_mixing_three_classes_are_accepted(password):
    validate_password(password)


@pytest.mark.parametrize("password", ["abcdefgh12", "ABCDEFGHIJ", "short1A"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def refusals(password, user=None):
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user)
    return refused.value.messages


@pytest.mark.parametrize("password, message, pattern", [
    ("Qwerty123!", KEYBOARD_PATTERN, "qwer"),
    ("1qaz@WSXe", KEYBOARD_PATTERN, "1qaz"),
    ("Gov!@#$ok9", KEYBOARD_PATTERN, "!@#$"),
    ("12345678Aa", SEQUENCE, "1234"),
    ("Ok#abcdXz8", SEQUENCE, "abcd"),
    ("Mp#9876zzK", SEQUENCE, "9876"),
    ("Zhangsan1990", DATE, "1990"),
    ("Demo-2026!", DATE, "2026"),  # the demo password is no longer a valid choice: a year
    ("Lw#900101x", DATE, "900101"),
    ("Bb7!aaaaQ", REPEATED, "aaaa"),
    ("Woaini#Bj7", COMMON, "woaini"),
    ("Kt5201314#", COMMON, "5201314"),
    ("P@ssw0rd-Kx", COMMON, "p@ssw0rd"),
])
def test_guessable_patterns_are_refused_with_what_gave_them_away(password, message, pattern):
    assert str(message % {"pattern": pattern}) in refusals(password)


def test_the_users_own_name_is_refused_in_any_case_and_without_separators(db):
    user = User(username="zhang_san", first_name="San", last_name="Zhang", role=User.Role.GRID_WORKER)
    assert str(PERSONAL % {"pattern": "zhangsan"}) in refusals("Zhang-San.k7", user)
    assert str(PERSONAL % {"pattern": "zhangsan"}) in refusals("zhang#san2026", user)
    liu_wei = User(username="liu.wei", role=User.Role.GRID_WORKER)
    assert str(PERSONAL % {"pattern": "liuwei"}) in refusals("Liu-Wei.k7x", liu_wei)
    validate_password("Liu-Wei.k7x", user)  # another's name is not refused
