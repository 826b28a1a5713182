import pytest
from cryptography.fernet import InvalidToken
from django.core.exceptions import ImproperlyConfigured

from govportal import crypto
from govportal.checks import field_encryption_key_set
from govportal.masking import mask_email, mask_id_number, mask_name, mask_phone

OTHER_KEY = "YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXoxMjM0NTY="


def test_numbers_round_trip_and_each_ciphertext_differs():
    first, second = crypto.encrypt("441900199001011234"), crypto.encrypt("441900199001011234")
    assert first != second  # a random IV: equal numbers cannot be matched in the table
    assert crypto.decrypt(first) == crypto.decrypt(second) == "441900199001011234"
    assert crypto.encrypt("") == crypto.decrypt("") == ""


def test_a_token_made_with_another_key_is_refused(settings):
    token = crypto.encrypt("13812345678")
    settings.FIELD_ENCRYPTION_KEY = OTHER_KEY
    with pytest.raises(InvalidToken):
        crypto.decrypt(token)


def test_the_blind_index_matches_equal_numbers_only_under_the_same_key(settings):
    index = crypto.blind_index("13812345678")
    assert index == crypto.blind_index("13812345678") != crypto.blind_index("13812345679")
    assert len(index) == crypto.HASH_LENGTH and "13812345678" not in index
    assert crypto.blind_index("") == ""
    settings.FIELD_ENCRYPTION_KEY = OTHER_KEY
    assert crypto.blind_index("13812345678") != index  # keyed: nobody without the key can test numbers


def test_sealed_gives_the_columns_of_a_field():
    columns = crypto.sealed("phone", "13812345678", mask=mask_phone, indexed=True)
    assert set(columns) == {"phone_encrypted", "phone_masked", "phone_hash"}
    assert crypto.decrypt(columns["phone_encrypted"]) == "13812345678"
    assert columns["phone_masked"] == "138****5678"
    assert columns["phone_hash"] == crypto.blind_index("13812345678")
    assert crypto.sealed("name", "", mask=mask_name) == {"name_encrypted": "", "name_masked": ""}


def test_masks():
    assert mask_id_number("441900199001011234") == "4419**********1234"
    assert mask_id_number("91441900MA4UABCD1X") == "9144**********CD1X"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("1234") == "****"
    assert mask_phone("1234567") == "***4567"  # a short landline keeps its end, as the hotline showed it


@pytest.mark.parametrize("name, masked", [
    ("张三", "张*"), ("张先生", "张*生"), ("欧阳娜娜", "欧**娜"), ("李", "*"), ("", ""), ("John Smith", "J********h"),
])
def test_mask_name(name, masked):
    assert mask_name(name) == masked


@pytest.mark.parametrize("email, masked", [
    ("zhang.san@example.com", "z***@example.com"), ("a@b.cn", "*@b.cn"), ("", ""), ("not-an-address", "n***"),
])
def test_mask_email(email, masked):
    assert mask_email(email) == masked


def test_without_a_key_numbers_cannot_be_stored_and_the_check_warns(settings):
    settings.FIELD_ENCRYPTION_KEY = ""
    with pytest.raises(ImproperlyConfigured):
        crypto.encrypt("13812345678")
    with pytest.raises(ImproperlyConfigured):
        crypto.blind_index("13812345678")
    assert [w.id for w in field_encryption_key_set(None)] == ["govportal.W001"]
