import json

import pytest
from django.core.management import CommandError, call_command

from components.models import Component
from components.services import DUPLICATE_CODE, OUTSIDE_GRIDS, UNKNOWN_OWNER, UNKNOWN_STATE

CSV_HEADER = "code,name,state,owner_unit,address,lng,lat\n"


def geojson(tmp_path, rows):
    features = [{"type": "Feature", "properties": properties,
                 "geometry": {"type": "Point", "coordinates": [lng, lat]}} for properties, lng, lat in rows]
    path = tmp_path / "components.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False))
    return str(path)


def csv_file(tmp_path, lines):
    path = tmp_path / "components.csv"
    path.write_text(CSV_HEADER + "".join(line + "\n" for line in lines), encoding="utf-8")
    return str(path)


def test_a_good_geojson_file_is_imported_and_located(tree, urban_management, water, tmp_path, capsys):
    path = geojson(tmp_path, [
        ({"code": "4419010105000001", "name": "电力井盖", "owner_unit": urban_management.code}, 113.705, 23.005),
        ({"code": "4419010102000001", "owner_unit": water.code, "state": "damaged"}, 113.735, 23.005),
    ])
    call_command("import_components", path)
    sewer, cover = Component.objects.order_by("code")
    assert (sewer.code, sewer.kind.name, sewer.state, sewer.owner_unit, sewer.grid) == (
        "4419010102000001", "污水井盖", "damaged", water, tree.grids[3])
    assert (cover.state, cover.area_code, cover.owner_unit) == ("good", tree.grids[0].code, urban_management)
    assert "2 created, 0 updated" in capsys.readouterr().out


def test_a_csv_file_updates_the_components_it_names(tree, urban_management, water, tmp_path, component, capsys):
    component(sequence=1)
    call_command("import_components", csv_file(tmp_path, [
        f"4419010105000001,电力井盖,occupied,{water.code},东街,113.735,23.005",
        f"4419010306000001,垃圾箱,,{urban_management.code},,113.705,23.005",
    ]))
    moved = Component.objects.get(code="4419010105000001")
    assert (moved.state, moved.owner_unit, moved.grid, moved.address) == ("occupied", water, tree.grids[3], "东街")
    assert Component.objects.get(code="4419010306000001").state == "good"
    assert "1 created, 1 updated" in capsys.readouterr().out


def test_bad_rows_are_each_reported_and_nothing_is_stored(tree, urban_management, tmp_path, capsys):
    unit = urban_management.code
    path = csv_file(tmp_path, [
        f"4419010105000001,ok,,{unit},,113.705,23.005",
        f"44190101050001,short,,{unit},,113.705,23.005",
        f"4419010105000001,twice,,{unit},,113.705,23.005",
        f"4419010105000002,broken,burnt,{unit},,113.705,23.005",
        "4419010105000003,nobody,,NO-SUCH-UNIT,,113.705,23.005",
        f"4419010105000004,at sea,,{unit},,113.60,22.80",
        f"4419010105000005,no place,,{unit},,,",
    ])
    with pytest.raises(CommandError, match="6 error"):
        call_command("import_components", path)
    errors = capsys.readouterr().err.splitlines()
    assert errors[1] == f"row 2 (4419010105000001): {DUPLICATE_CODE % {'code': '4419010105000001', 'first': 0}}"
    assert errors[2].endswith(str(UNKNOWN_STATE % {"state": "burnt", "states": "good, damaged, lost, occupied, scrapped"}))
    assert errors[3].endswith(str(UNKNOWN_OWNER % {"unit": "NO-SUCH-UNIT"}))
    assert errors[4] == f"row 5 (4419010105000004): {OUTSIDE_GRIDS}"
    assert errors[5].startswith("row 6 (4419010105000005)")
    assert [line.split(" ")[1] for line in errors] == ["1", "2", "3", "4", "5", "6"]
    assert not Component.objects.exists()
