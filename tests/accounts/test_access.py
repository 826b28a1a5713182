import pytest

from accounts.access import ensure_in_scope, is_in_scope, restrict_to_scope
from grids.models import Area


def visible_codes(user):
    return set(restrict_to_scope(Area.objects.filter(level=Area.Level.GRID), user).values_list("code", flat=True))


def test_street_coordinator_sees_only_their_streets_grids(tree, actors):
    assert visible_codes(actors.street_coordinator) == {tree.grids[0].code, tree.grids[1].code}


def test_outsider_from_another_street_is_refused(tree, actors):
    assert tree.grids[0].code not in visible_codes(actors.outsider)
    with pytest.raises(Area.DoesNotExist):  # not there for them: a 404, never a 403
        ensure_in_scope(actors.outsider, tree.grids[0].code)
    with pytest.raises(Area.DoesNotExist):
        ensure_in_scope(actors.outsider, tree.west_street.code)


def test_community_staff_see_their_community_not_the_street(tree, actors):
    assert is_in_scope(actors.community_staff, tree.grids[1].code)
    assert not is_in_scope(actors.community_staff, tree.west_street.code)


def test_district_department_sees_the_whole_district(tree, actors):
    assert visible_codes(actors.department_handler) == {grid.code for grid in tree.grids}


def test_superuser_sees_everything(tree, actors):
    assert visible_codes(actors.admin) == {grid.code for grid in tree.grids}
    ensure_in_scope(actors.admin, tree.grids[3].code)


def test_deactivated_account_sees_nothing(tree, actors):
    actors.street_coordinator.is_active = False
    assert visible_codes(actors.street_coordinator) == set()
    assert not is_in_scope(actors.street_coordinator, tree.grids[0].code)


def test_anonymous_sees_nothing(tree):
    from django.contrib.auth.models import AnonymousUser

    assert restrict_to_scope(Area.objects.all(), AnonymousUser()).count() == 0


def test_a_province_leader_sees_every_city_and_a_city_leader_only_their_own(tree, province):
    every_grid = {grid.code for grid in tree.grids} | {province.other_grid.code}
    assert visible_codes(province.province_leader) == every_grid
    assert visible_codes(province.city_leader) == {grid.code for grid in tree.grids}
    assert visible_codes(province.other_city_leader) == {province.other_grid.code}
    for leader, elsewhere in ((province.city_leader, province.other_city.code),
                              (province.city_leader, province.province.code),
                              (province.other_city_leader, tree.city.code)):
        with pytest.raises(Area.DoesNotExist):
            ensure_in_scope(leader, elsewhere)
