"""Numbers in free text, masked before the text leaves the system to someone not entitled to them."""

import pytest

from govportal.masking import mask_numbers


@pytest.mark.parametrize("text, masked", [
    ("身份证441900199001011234", "身份证4419**********1234"),
    ("身份证号44190019851231567X。", "身份证号4419**********567X。"),
    ("证件 441900 19900101 1234", "证件 4419**********1234"),
    ("手机13812345678", "手机138****5678"),
    ("手机138 1234 5678或138-1234-5678", "手机138****5678或138****5678"),
    ("+86 13812345678", "138****5678"),
    ("电话１３８１２３４５６７８", "电话138****5678"),  # full-width digits
    ("座机0769-22123456", "座机076*****3456"),
    ("(020)8765 4321", "020****4321"),
    ("联系电话：22123456", "联系电话：****3456"),
    ("卡号6222 0212 3456 7890 123", "卡号6222***********0123"),
    ("6222021234567890", "6222********7890"),
])
def test_personal_numbers_are_masked(text, masked):
    assert mask_numbers(text) == masked


@pytest.mark.parametrize("text", [
    "楼道堆放杂物", "", "工单SJ202611230001已办结", "2026-11-23 下午3点", "罚款12345678元", "3号楼502室",
    "120急救", "12345热线", "400-123-4567",
])
def test_other_numbers_stay(text):
    assert mask_numbers(text) == text
