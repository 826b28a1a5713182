import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from grids.models import (
    BAD_CODE_ZEROS,
    CHILD_OUTSIDE_PARENT,
    CODE_OUTSIDE_PARENT,
    PROVINCE_WITH_PARENT,
    WRONG_PARENT_LEVEL,
    Area,
    geometry_within,
    validate_area,
)
from grids.services import level_from_code, parent_code_from_code

from ..factories import box


def bowtie():
    return MultiPolygon(Polygon(((113.70, 23.00), (113.71, 23.01), (113.71, 23.00), (113.70, 23.01), (113.70, 23.00))),
                        srid=4326)


def test_valid_grid_has_no_errors(tree):
    assert validate_area(code="441901001001003", level="grid", geom=box(113.70, 23.00, 113.705, 23.005),
                         parent=tree.west_community) == {}


def test_child_outside_parent_is_refused(tree):
    errors = validate_area(code="441901001001003", level="grid", geom=box(113.73, 23.00, 113.74, 23.01),
                           parent=tree.west_community)
    assert errors["geom"] == [CHILD_OUTSIDE_PARENT % {"code": "441901001001003", "parent": "441901001001"}]


def test_self_intersecting_polygon_is_refused(tree):
    errors = validate_area(code="441901001001003", level="grid", geom=bowtie(), parent=tree.west_community)
    assert "Self-intersection" in str(errors["geom"][0])


def test_parent_must_be_one_level_up(tree):
    errors = validate_area(code="441901001003", level="grid", geom=box(113.70, 23.00, 113.705, 23.005),
                           parent=tree.west_street)
    assert errors["parent"] == [
        WRONG_PARENT_LEVEL % {"level": Area.Level.GRID.label, "parent_level": Area.Level.COMMUNITY.label,
                              "actual": Area.Level.STREET.label}
    ]


def test_code_must_extend_the_parents_prefix(tree):
    errors = validate_area(code="441902001001003", level="grid", geom=box(113.70, 23.00, 113.705, 23.005),
                           parent=tree.west_community)
    assert errors["code"] == [CODE_OUTSIDE_PARENT % {"code": "441902001001003", "prefix": "441901001001"}]


def test_city_code_ends_in_00_and_has_no_parent(tree):
    errors = validate_area(code="441901", level="city", geom=tree.city.geom, parent=tree.city)
    assert set(errors) == {"code", "parent"}


def test_province_code_ends_in_0000_and_has_no_parent(tree):
    errors = validate_area(code="441900", level="province", geom=box(113.6, 22.9, 113.9, 23.1), parent=tree.city)
    assert errors == {
        "code": [BAD_CODE_ZEROS % {"code": "441900", "level": Area.Level.PROVINCE.label, "length": 6, "zeros": "0000"}],
        "parent": [PROVINCE_WITH_PARENT],
    }
    assert validate_area(code="440000", level="province", geom=box(113.6, 22.9, 113.9, 23.1), parent=None) == {}


def test_a_city_is_a_root_or_under_a_province(province, tree):
    geom = box(113.80, 23.00, 113.81, 23.01)
    assert validate_area(code="440500", level="city", geom=geom, parent=province.province) == {}
    assert validate_area(code="440500", level="city", geom=geom, parent=None) == {}
    assert validate_area(code="440500", level="city", geom=geom, parent=tree.district)["parent"] == [
        WRONG_PARENT_LEVEL % {"level": Area.Level.CITY.label, "parent_level": Area.Level.PROVINCE.label,
                              "actual": Area.Level.DISTRICT.label}]
    assert validate_area(code="450100", level="city", geom=geom, parent=province.province)["code"] == [
        CODE_OUTSIDE_PARENT % {"code": "450100", "prefix": "44"}]


def test_database_keeps_provinces_at_the_root_and_cities_at_most_under_one(province, tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        Area.objects.filter(pk=province.province.pk).update(parent=tree.city)
    with pytest.raises(IntegrityError), transaction.atomic():
        Area.objects.create(code="450000", name="坏省", level="province", geom=box(113.6, 22.9, 113.9, 23.1),
                            parent=province.province)
    with pytest.raises(IntegrityError), transaction.atomic():
        Area.objects.create(code="441901", name="坏省", level="province", geom=box(113.6, 22.9, 113.9, 23.1))


def test_level_and_parent_from_a_code():
    assert [level_from_code(code) for code in ("440000", "441900", "441901", "441901001")] == [
        Area.Level.PROVINCE, Area.Level.CITY, Area.Level.DISTRICT, Area.Level.STREET]
    assert parent_code_from_code("441900", Area.Level.CITY, provinces={"440000"}) == "440000"
    assert parent_code_from_code("441900", Area.Level.CITY, provinces={"450000"}) is None  # one city installed
    assert parent_code_from_code("440000", Area.Level.PROVINCE) is None
    assert parent_code_from_code("441901", Area.Level.DISTRICT) == "441900"


def test_model_clean_applies_the_same_rules(tree):
    area = Area(code="441901001001003", name="越界网格", level="grid", parent=tree.west_community,
                geom=box(113.73, 23.00, 113.74, 23.01))
    with pytest.raises(ValidationError) as error:
        area.full_clean()
    assert "geom" in error.value.message_dict


def test_tolerance_accepts_floating_point_noise_only():
    parent = box(113.70, 23.00, 113.71, 23.01)
    assert geometry_within(box(113.70, 23.00, 113.71 + 1e-10, 23.01), parent)
    assert not geometry_within(box(113.70, 23.00, 113.711, 23.01), parent)


def test_database_refuses_a_grid_code_of_the_wrong_length(tree):
    with pytest.raises(IntegrityError):
        Area.objects.create(code="4419010010010", name="坏编码", level="grid", parent=tree.west_community,
                            geom=box(113.70, 23.00, 113.705, 23.005))


def test_scope_prefix_of_a_province_covers_its_cities(province, tree):
    assert province.province.scope_prefix == "44"
    assert province.province.encloses_code(tree.grids[0].code)
    assert province.province.encloses_code(province.other_grid.code)
    assert not tree.city.encloses_code(province.other_grid.code)


def test_scope_prefix_of_a_city_covers_its_districts(tree):
    assert tree.city.scope_prefix == "4419"
    assert tree.city.encloses_code("441901001001001")
    assert not tree.west_street.encloses_code(tree.grids[2].code)
