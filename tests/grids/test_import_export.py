import json
import subprocess

import pytest
from django.core.management import CommandError, call_command

from grids.models import CHILD_OUTSIDE_PARENT, INVALID_GEOMETRY, Area
from grids.services import DUPLICATE_CODE, EXISTING_CHILD_OUTSIDE, UNKNOWN_PARENT

from ..factories import box

CITY = ("441900", "导入市", "city", (113.60, 22.90, 113.70, 23.00))
DISTRICT = ("441901", "导入区", "district", (113.60, 22.90, 113.70, 23.00))
STREET = ("441901001", "导入街道", "street", (113.60, 22.90, 113.65, 22.95))
COMMUNITY = ("441901001001", "导入社区", "community", (113.60, 22.90, 113.65, 22.95))
GRID_1 = ("441901001001001", "导入第1网格", "grid", (113.60, 22.90, 113.625, 22.95))
GRID_2 = ("441901001001002", "导入第2网格", "grid", (113.625, 22.90, 113.65, 22.95))
GOOD = [CITY, DISTRICT, STREET, COMMUNITY, GRID_1, GRID_2]


def feature(code, name, level, bbox, **extra):
    return {
        "type": "Feature",
        "properties": {"code": code, "name": name, "level": level, **extra},
        "geometry": json.loads(box(*bbox).json),
    }


def write(tmp_path, features, name="areas.geojson"):
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False))
    return str(path)


def import_file(path):
    call_command("import_areas", path, "--no-progress")


def test_good_geojson_is_imported_with_the_tree_linked(db, tmp_path):
    import_file(write(tmp_path, [feature(*row) for row in GOOD]))
    grid = Area.objects.select_related("parent__parent").get(code=GRID_2[0])
    assert grid.parent.code == COMMUNITY[0]
    assert grid.parent.parent.code == STREET[0]
    assert Area.objects.get(code=CITY[0]).parent is None  # one city installed: the root
    assert Area.objects.count() == 6


def test_reimport_upserts_by_code(db, tmp_path, capsys):
    import_file(write(tmp_path, [feature(*row) for row in GOOD]))
    renamed = [feature(*row) for row in GOOD[:-1]] + [feature(GRID_2[0], "改名网格", "grid", GRID_2[3])]
    import_file(write(tmp_path, renamed, "renamed.geojson"))
    assert "0 created, 6 updated" in capsys.readouterr().out
    assert Area.objects.get(code=GRID_2[0]).name == "改名网格"
    assert Area.objects.count() == 6


def test_shapefile_is_imported(db, tmp_path):
    source = write(tmp_path, [feature(*row, parent_code=None) for row in GOOD])
    shapefile = tmp_path / "areas.shp"
    subprocess.run(["ogr2ogr", "-f", "ESRI Shapefile", "-lco", "ENCODING=UTF-8", str(shapefile), source], check=True)
    import_file(str(shapefile))
    assert Area.objects.get(code=GRID_1[0]).name == "导入第1网格"
    assert Area.objects.filter(level="grid").count() == 2


def test_cities_go_under_the_province_their_code_names_when_it_is_known(db, tmp_path):
    province = ("440000", "导入省", "province", (113.50, 22.80, 113.90, 23.10))
    other_city = ("440300", "另一导入市", "city", (113.75, 22.90, 113.85, 23.00))
    import_file(write(tmp_path, [feature(*row) for row in (province, CITY, DISTRICT)]))
    import_file(write(tmp_path, [feature(*other_city)], "city.geojson"))  # its province already stored
    assert Area.objects.get(code=CITY[0]).parent.code == province[0]
    assert Area.objects.get(code=other_city[0]).parent.code == province[0]
    assert Area.objects.get(code=DISTRICT[0]).parent.code == CITY[0]


def test_children_may_refer_to_parents_already_in_the_database(db, tmp_path):
    import_file(write(tmp_path, [feature(*row) for row in GOOD[:4]]))
    import_file(write(tmp_path, [feature(*GRID_1)], "grids.geojson"))
    assert Area.objects.get(code=GRID_1[0]).parent.code == COMMUNITY[0]


BOWTIE = {"type": "MultiPolygon", "coordinates": [[[[113.60, 22.90], [113.62, 22.95], [113.62, 22.90],
                                                     [113.60, 22.95], [113.60, 22.90]]]]}


@pytest.mark.parametrize(
    ("bad_features", "index", "reason"),
    [
        ([{**feature(*GRID_1), "geometry": BOWTIE}], 4,
         lambda: INVALID_GEOMETRY % {"reason": "Self-intersection[113.61 22.925]"}),
        ([feature(GRID_1[0], GRID_1[1], "grid", (113.66, 22.90, 113.68, 22.95))], 4,
         lambda: CHILD_OUTSIDE_PARENT % {"code": GRID_1[0], "parent": COMMUNITY[0]}),
        ([feature(*GRID_1), feature(GRID_1[0], "重复", "grid", GRID_1[3])], 5,
         lambda: DUPLICATE_CODE % {"code": GRID_1[0], "first": 4}),
        ([feature("441901009001001", "孤儿网格", "grid", GRID_1[3])], 4,
         lambda: UNKNOWN_PARENT % {"parent": "441901009001"}),
    ],
    ids=["invalid-polygon", "child-outside-parent", "duplicate-code", "unknown-parent"],
)
def test_bad_file_reports_feature_and_reason_and_stores_nothing(db, tmp_path, capsys, bad_features, index, reason):
    path = write(tmp_path, [feature(*row) for row in GOOD[:4]] + bad_features)
    with pytest.raises(CommandError, match="nothing was imported"):
        import_file(path)
    assert f"feature {index} (" in capsys.readouterr().err
    assert Area.objects.count() == 0
    with pytest.raises(CommandError):
        import_file(path)
    assert f"{reason()}\n" in capsys.readouterr().err


def test_bad_file_leaves_the_previous_import_untouched(db, tmp_path):
    import_file(write(tmp_path, [feature(*row) for row in GOOD]))
    bad = [feature(CITY[0], "改了名的市", "city", CITY[3]), {**feature(*GRID_1), "geometry": BOWTIE}]
    with pytest.raises(CommandError):
        import_file(write(tmp_path, bad, "bad.geojson"))
    assert Area.objects.get(code=CITY[0]).name == "导入市"
    assert Area.objects.count() == 6


def test_shrinking_a_boundary_may_not_strand_stored_children(db, tmp_path, capsys):
    import_file(write(tmp_path, [feature(*row) for row in GOOD]))
    shrunk = feature(COMMUNITY[0], COMMUNITY[1], "community", (113.60, 22.90, 113.625, 22.95))
    with pytest.raises(CommandError):
        import_file(write(tmp_path, [shrunk], "shrunk.geojson"))
    assert str(EXISTING_CHILD_OUTSIDE % {"child": GRID_2[0]}) in capsys.readouterr().err


def test_unreadable_file_is_a_clear_error(db, tmp_path):
    path = tmp_path / "broken.geojson"
    path.write_text("{ not json")
    with pytest.raises(CommandError, match="Cannot read"):
        import_file(str(path))


def test_export_then_import_round_trips(tree, tmp_path):
    out = tmp_path / "export.geojson"
    call_command("export_areas", str(out))
    exported = json.loads(out.read_text())
    assert len(exported["features"]) == Area.objects.count()
    by_code = {f["properties"]["code"]: f["properties"] for f in exported["features"]}
    assert by_code[tree.grids[0].code]["parent_code"] == tree.west_community.code
    before = {a.code: a for a in Area.objects.all()}
    Area.objects.filter(level="grid").delete()
    import_file(str(out))
    after = {a.code: a for a in Area.objects.all()}
    assert after.keys() == before.keys()
    for code, area in after.items():
        assert (area.name, area.level, area.parent_id and area.parent.code) == (
            before[code].name, before[code].level, before[code].parent_id and before[code].parent.code)
        assert area.geom.equals_exact(before[code].geom, tolerance=1e-9)  # GeoJSON keeps 15 digits


def test_export_of_one_subtree(tree, tmp_path):
    out = tmp_path / "street.geojson"
    call_command("export_areas", str(out), "--within", tree.west_street.code)
    codes = {f["properties"]["code"] for f in json.loads(out.read_text())["features"]}
    assert codes == {tree.west_street.code, tree.west_community.code, tree.grids[0].code, tree.grids[1].code}
