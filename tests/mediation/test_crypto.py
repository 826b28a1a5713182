import pytest
from cryptography.fernet import InvalidToken
from django.core.exceptions import ImproperlyConfigured

from govportal.masking import mask_id_number, mask_phone
from mediation import crypto
from mediation.checks import field_encryption_key_set


def test_numbers_round_trip_and_each_ciphertext_differs():
    first, second = crypto.encrypt("441900199001011234"), crypto.encrypt("441900199001011234")
    assert first != second  # a random IV: equal numbers cannot be matched in the table
    assert crypto.decrypt(first) == crypto.decrypt(second) == "441900199001011234"
    assert crypto.encrypt("") == crypto.decrypt("") == ""


def test_a_token_made_with_another_key_is_refused(settings):
    token = crypto.encrypt("13812345678")
    settings.FIELD_ENCRYPTION_KEY = "YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXoxMjM0NTY="
    with pytest.raises(InvalidToken):
        crypto.decrypt(token)


def test_masks():
    assert mask_id_number("441900199001011234") == "4419**********1234"
    assert mask_id_number("91441900MA4UABCD1X") == "9144**********CD1X"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("1234") == "****"
    assert mask_phone("1234567") == "***4567"  # a short landline keeps its end, as the hotline showed it


def test_without_a_key_numbers_cannot_be_stored_and_the_check_warns(settings):
    settings.FIELD_ENCRYPTION_KEY = ""
    with pytest.raises(ImproperlyConfigured):
        crypto.encrypt("13812345678")
    assert [w.id for w in field_encryption_key_set(None)] == ["mediation.W001"]
