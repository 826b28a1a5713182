import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from components.models import BAD_CODE, UNKNOWN_DISTRICT, UNKNOWN_KIND, Component, code_parts_check


@pytest.mark.parametrize("code", ["44190101050000", "44190101050000012", "4419010105a00001", ""])
def test_a_code_has_sixteen_digits(tree, code):
    with pytest.raises(ValidationError) as error:
        code_parts_check(code)
    assert error.value.messages == [str(BAD_CODE)]


def test_the_code_names_a_district_of_the_tree(tree):
    with pytest.raises(ValidationError) as error:
        code_parts_check("4419000105000001")  # the city, not a district
    assert error.value.messages == [str(UNKNOWN_DISTRICT % {"district": "441900"})]


@pytest.mark.parametrize("kind", ["0199", "0100", "9901"])
def test_the_code_names_a_minor_class_of_the_catalogue(tree, kind):
    with pytest.raises(ValidationError) as error:
        code_parts_check(f"441901{kind}000001")
    assert error.value.messages == [str(UNKNOWN_KIND % {"kind": kind})]


def test_a_valid_code_gives_its_district_and_kind(tree):
    district, kind = code_parts_check("4419010306000001")
    assert (district, kind.code, kind.name, kind.parent.code) == (tree.district, "0306", "垃圾箱", "03")


def test_the_model_checks_the_kind_and_the_grid_against_the_code(tree, component):
    cover = component()
    cover.full_clean()
    cover.kind = cover.kind.parent.children.exclude(pk=cover.kind_id).first()
    with pytest.raises(ValidationError) as error:
        cover.full_clean()
    assert set(error.value.message_dict) == {"kind"}


def test_a_code_is_unique(tree, component):
    component(sequence=7)
    with pytest.raises(IntegrityError):
        component(sequence=7)


def test_the_database_refuses_a_code_that_is_not_sixteen_digits(tree, component):
    cover = component()
    with pytest.raises(IntegrityError):
        Component.objects.filter(pk=cover.pk).update(code="441901010500001")
