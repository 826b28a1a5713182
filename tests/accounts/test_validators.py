import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError


@pytest.mark.parametrize("password", ["Demo-2026!", "Wangge7Yuan", "zhang#san2026"])
def test_passwords_mixing_three_classes_are_accepted(password):
    validate_password(password)


@pytest.mark.parametrize("password", ["abcdefgh12", "ABCDEFGHIJ", "short1A"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)
