import re

import pytest
from django.contrib.auth import authenticate
from django.contrib.gis.db.models import Union
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import HandlingUnit, User
from grids.demo import DEMO_PASSWORD, DEMO_USERNAMES, hilbert_cell, split_evenly
from grids.models import Area, AreaStatistics, GridMember, validate_area

CODE_PATTERN = {"city": r"^441900$", "district": r"^4419\d\d$", "street": r"^\d{9}$",
                "community": r"^\d{12}$", "grid": r"^\d{15}$"}


@pytest.fixture
def demo_city(db):
    call_command("seed_demo", grids=90, history_days=0)
    return Area.objects.get(level="city")


def test_tree_has_the_asked_number_of_grids_and_valid_codes(demo_city):
    assert Area.objects.filter(level="grid").count() == 90
    for area in Area.objects.select_related("parent"):
        assert re.match(CODE_PATTERN[area.level], area.code), area.code
        assert validate_area(code=area.code, level=area.level, geom=area.geom, parent=area.parent,
                             grid_kind=area.grid_kind) == {}


def test_grids_cover_the_city_without_overlaps(demo_city):
    grids = Area.objects.filter(level="grid")
    union = grids.aggregate(union=Union("geom"))["union"]
    total = sum(grid.geom.area for grid in grids)
    assert union.area == pytest.approx(total, rel=1e-9)  # no overlaps
    assert union.sym_difference(demo_city.geom).area == pytest.approx(0, abs=1e-12)  # full coverage


def test_every_grid_is_staffed_and_every_area_has_statistics(demo_city):
    unstaffed = Area.objects.filter(level="grid").exclude(members__kind=GridMember.Kind.FULL_TIME_WORKER)
    assert not unstaffed.exists()
    assert AreaStatistics.objects.count() == Area.objects.count()
    assert AreaStatistics.objects.get(area=demo_city).grid_count == 90


def test_units_exist_at_every_level(demo_city):
    kinds = set(HandlingUnit.objects.values_list("kind", flat=True))
    assert kinds == set(HandlingUnit.Kind.values)
    departments = HandlingUnit.objects.filter(kind=HandlingUnit.Kind.DEPARTMENT, area=demo_city)
    assert departments.count() == 8


def test_demo_accounts_log_in_and_sit_in_the_first_street(demo_city):
    first_street = Area.objects.filter(level="street").order_by("code").first()
    for username in DEMO_USERNAMES:
        user = authenticate(username=username, password=DEMO_PASSWORD)
        assert user is not None, username
    for username in ("demo_coordinator", "demo_community", "demo_gridworker", "demo_leader", "demo_mediator"):
        assert User.objects.get(username=username).unit.area.code.startswith(first_street.code)
    assert not User.objects.filter(is_superuser=True).exists()  # no everyday superuser
    for username, role in (("demo_sysadmin", User.Role.SYSTEM_ADMIN), ("demo_secadmin", User.Role.SECURITY_ADMIN),
                           ("demo_auditor", User.Role.AUDIT_ADMIN)):
        administrator = User.objects.get(username=username)
        assert (administrator.role, administrator.is_staff, administrator.unit) == (role, True, None)
        assert list(administrator.groups.values_list("name", flat=True)) == [role]
        assert not TOTPDevice.objects.filter(user=administrator).exists()  # enrolled at the first log-in


def test_seed_is_idempotent(demo_city, capsys):
    counts = (Area.objects.count(), User.objects.count(), GridMember.objects.count())
    call_command("seed_demo", grids=90, history_days=0)
    assert "already loaded" in capsys.readouterr().out
    assert (Area.objects.count(), User.objects.count(), GridMember.objects.count()) == counts


def test_seed_is_deterministic(db):
    from grids.demo import build_tree

    first, _ = build_tree(50)
    second, _ = build_tree(50)
    assert [c.code for c in first.children] == [c.code for c in second.children]
    assert first.geom.equals_exact(second.geom, tolerance=0)


def test_seed_refuses_a_nonsense_size(db):
    with pytest.raises(CommandError):
        call_command("seed_demo", grids=0)


def test_hilbert_curve_steps_are_adjacent():
    cells = [hilbert_cell(16, index) for index in range(256)]
    assert len(set(cells)) == 256
    assert all(abs(a[0] - b[0]) + abs(a[1] - b[1]) == 1 for a, b in zip(cells, cells[1:]))


def test_split_evenly_keeps_order_and_balance():
    runs = split_evenly(list(range(10)), 3)
    assert runs == [[0, 1, 2, 3], [4, 5, 6], [7, 8, 9]]


def test_the_demo_shows_a_merged_order_an_overdue_one_reminded_and_supervised_and_one_on_the_register(demo_city):
    from hotline.models import OverdueNotice
    from incidents.models import RegisterEntry, Ticket, TicketMerge

    merge = TicketMerge.objects.get()
    assert merge.merged.status == Ticket.Status.MERGED and merge.master.idempotency_key.endswith("demo-hotline-lamp")
    drain = Ticket.objects.get(idempotency_key__endswith="demo-hotline-drain")
    assert set(drain.overdue_notices.values_list("kind", flat=True)) == {"reminder", "notice"}
    assert OverdueNotice.objects.filter(kind="notice").exists()
    entry = RegisterEntry.objects.get(lifted_at__isnull=True)
    assert entry.ticket.status == Ticket.Status.PARKED and entry.reason_kind == "funds"


def test_the_demo_has_components_of_several_kinds_and_states_and_a_damaged_one_reported_to_its_owner(demo_city):
    from components.models import Component, TicketComponent

    assert Component.objects.values("kind__parent").distinct().count() >= 3
    assert set(Component.objects.values_list("state", flat=True)) >= {"good", "damaged", "lost", "occupied"}
    link = TicketComponent.objects.select_related("ticket", "component").get()
    assert link.reported_damaged and link.component.state == Component.State.DAMAGED
    assert link.ticket.handling_unit == link.component.owner_unit
    assert link.component.owner_unit.department == HandlingUnit.Department.URBAN_MANAGEMENT  # not the catalogue's water
