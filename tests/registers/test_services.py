"""The registers' rules: moves keep their history, inspections follow the grade's schedule, the sweep
warns once per overdue period."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from govportal import crypto
from govportal.errors import DomainConflict, DomainInputError
from grids.models import GridMember
from incidents.models import Notification
from registers import services
from registers.models import House, Inspection, Residence, ResidenceEvent, Resident

from tests.concurrency import run_at_once

from .conftest import ID_NUMBER, OTHER_ID_NUMBER


def test_personal_data_is_sealed_and_masked(residence):
    resident = residence.resident
    assert ID_NUMBER not in resident.id_number_encrypted and crypto.decrypt(resident.id_number_encrypted) == ID_NUMBER
    assert resident.id_number_masked == "4419**********1234"
    assert resident.name_masked == "张*丰" and resident.phone_masked == "139****5678"
    assert resident.id_number_hash == crypto.blind_index(ID_NUMBER)


def test_a_move_out_ends_the_residence_and_a_new_move_keeps_the_person_and_their_history(residence, building, actors):
    worker = actors.grid_worker
    services.residence_move_out(residence_id=residence.pk, actor=worker, moved_out_on=date(2026, 5, 31),
                                reason="搬到2号楼")
    second_house = House.objects.create(building=building, unit="1", floor=4, room="1-401")
    moved = services.resident_move_in(actor=worker, house=second_house, kind=Resident.Kind.REGISTERED,
                                      name="张三丰", id_number=ID_NUMBER.lower(), moved_in_on=date(2026, 6, 1))

    assert moved.resident_id == residence.resident_id  # one person, found by the ID number's keyed hash
    history = list(Residence.objects.filter(resident=residence.resident).order_by("moved_in_on"))
    assert [(r.house_id, r.status, r.moved_out_on) for r in history] == [
        (residence.house_id, Residence.Status.MOVED_OUT, date(2026, 5, 31)),
        (second_house.pk, Residence.Status.LIVING, None),
    ]
    events = ResidenceEvent.objects.filter(residence__resident=residence.resident).order_by("pk")
    assert [(e.action, e.from_status, e.to_status) for e in events] == [
        ("move_in", "", "living"), ("move_out", "living", "moved_out"), ("move_in", "", "living")]
    assert events[1].reason == "搬到2号楼" and events[1].actor == worker


def test_someone_living_elsewhere_is_refused_until_moved_out(residence, building, actors):
    other = House.objects.create(building=building, unit="1", floor=5, room="1-501")
    with pytest.raises(DomainConflict):
        services.resident_move_in(actor=actors.grid_worker, house=other, kind=Resident.Kind.FLOATING, name="张三丰",
                                  id_number=ID_NUMBER, moved_in_on=date(2026, 6, 1))
    assert Residence.objects.filter(house=other).count() == 0


def test_move_dates_are_checked(residence, actors):
    with pytest.raises(DomainInputError) as error:
        services.residence_move_out(residence_id=residence.pk, actor=actors.grid_worker,
                                    moved_out_on=date(2025, 2, 1))
    assert error.value.field == "moved_out_on"
    with pytest.raises(DomainInputError):
        services.residence_move_out(residence_id=residence.pk, actor=actors.grid_worker,
                                    moved_out_on=date(2026, 6, 3))  # tomorrow
    residence.refresh_from_db()
    assert residence.status == Residence.Status.LIVING


def test_tenants_live_in_rental_houses_with_a_lease(house, rental, actors):
    worker = actors.grid_worker
    with pytest.raises(DomainInputError) as error:
        services.resident_move_in(actor=worker, house=house, kind=Resident.Kind.TENANT, name="赵租客",
                                  id_number=OTHER_ID_NUMBER, moved_in_on=date(2026, 6, 1),
                                  lease_start=date(2026, 6, 1))
    assert str(error.value) == str(services.NOT_A_RENTAL_HOUSE)
    with pytest.raises(DomainInputError) as error:
        services.resident_move_in(actor=worker, house=rental.house, kind=Resident.Kind.TENANT, name="赵租客",
                                  id_number=OTHER_ID_NUMBER, moved_in_on=date(2026, 6, 1))
    assert error.value.field == "lease_start"
    tenancy = services.resident_move_in(actor=worker, house=rental.house, kind=Resident.Kind.TENANT, name="赵租客",
                                        id_number=OTHER_ID_NUMBER, moved_in_on=date(2026, 6, 1),
                                        lease_start=date(2026, 6, 1), lease_end=date(2027, 5, 31))
    assert tenancy.lease_end == date(2027, 5, 31)


def test_bad_id_numbers_are_refused(house, actors):
    for bad in ("44190019900101123", "4419001990010112345", "44190019900101123Y"):
        with pytest.raises(DomainInputError) as error:
            services.resident_move_in(actor=actors.grid_worker, house=house, kind=Resident.Kind.REGISTERED,
                                      name="某人", id_number=bad, moved_in_on=date(2026, 6, 1))
        assert error.value.field == "id_number"


def test_only_the_grids_workers_edit_its_registers(house, actors, neighbour_worker):
    for refused in (neighbour_worker, actors.community_staff):
        with pytest.raises(PermissionDenied):
            services.resident_move_in(actor=refused, house=house, kind=Resident.Kind.REGISTERED, name="某人",
                                      id_number=ID_NUMBER, moved_in_on=date(2026, 6, 1))


def test_inspections_follow_the_schedule_of_the_grade(rental, actors, grades):
    assert rental.next_inspection_due == date(2026, 5, 27)  # registered 20 May, grade C: every 7 days
    services.inspection_record(rental_house_id=rental.pk, actor=actors.grid_worker, inspected_on=date(2026, 6, 1),
                               findings="电动车楼道充电，已整改")
    rental.refresh_from_db()
    assert (rental.last_inspected_on, rental.next_inspection_due) == (date(2026, 6, 1), date(2026, 6, 8))

    services.inspection_record(rental_house_id=rental.pk, actor=actors.grid_worker, inspected_on=date(2026, 6, 2),
                               grade=grades["A"])  # regraded: every 90 days from now on
    rental.refresh_from_db()
    assert rental.grade == grades["A"] and rental.next_inspection_due == date(2026, 8, 31)
    assert list(Inspection.objects.filter(rental_house=rental).values_list("grade__code", flat=True)) == ["A", "C"]


def test_the_interval_is_data(rental, actors, grades):
    grades["C"].inspection_interval_days = 14
    grades["C"].save()
    services.inspection_record(rental_house_id=rental.pk, actor=actors.grid_worker, inspected_on=date(2026, 6, 1))
    rental.refresh_from_db()
    assert rental.next_inspection_due == date(2026, 6, 15)


def test_inspections_are_recorded_in_order(rental, actors):
    services.inspection_record(rental_house_id=rental.pk, actor=actors.grid_worker, inspected_on=date(2026, 6, 1))
    with pytest.raises(DomainInputError):
        services.inspection_record(rental_house_id=rental.pk, actor=actors.grid_worker,
                                   inspected_on=date(2026, 5, 30))


def overdue_notices(user):
    return list(Notification.objects.filter(user=user, kind=services.OVERDUE_NOTICE))


def test_the_sweep_warns_the_grids_workers_once_per_overdue_period(rental, actors, neighbour_worker, tree):
    part_timer = GridMember.objects.create(grid=tree.grids[0], kind=GridMember.Kind.BUILDING_LEADER, name="楼长")
    assert services.inspections_overdue_warn() == 1  # due 27 May, today 2 June
    [notice] = overdue_notices(actors.grid_worker)
    assert "2-502" in notice.text and notice.link.endswith("#overdue")
    assert overdue_notices(neighbour_worker) == [] and part_timer.user is None

    assert services.inspections_overdue_warn() == 0  # the same overdue period: told once
    assert len(overdue_notices(actors.grid_worker)) == 1

    services.inspection_record(rental_house_id=rental.pk, actor=actors.grid_worker, inspected_on=date(2026, 5, 28))
    assert services.inspections_overdue_warn() == 0  # due again on 4 June
    assert services.inspections_overdue_warn(today=date(2026, 6, 5)) == 1  # a new overdue period
    assert services.inspections_overdue_warn(today=date(2026, 6, 6)) == 0
    assert len(overdue_notices(actors.grid_worker)) == 2


def test_the_task_runs_the_sweep(rental, actors):
    from registers.tasks import warn_overdue_inspections

    assert warn_overdue_inspections() == 1
    assert warn_overdue_inspections() == 0


def test_the_overdue_notice_reads_as_a_line(rental, actors):
    from incidents.notifications import notification_text

    services.inspections_overdue_warn()
    [notice] = overdue_notices(actors.grid_worker)
    assert notification_text(notice) == notice.text


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_warn_each_house_once(building, actors, grades):
    for number in range(30):
        house = House.objects.create(building=building, unit="3", floor=1, room=f"3-1{number:02d}")
        services.rental_house_register(actor=actors.grid_worker, house=house, owner_name="房东", grade=grades["C"],
                                       registered_on=date(2026, 5, 1))
    claimed = run_at_once(lambda: services.inspections_overdue_warn(batch_size=4))
    assert sum(claimed) == 30
    notices = overdue_notices(actors.grid_worker)
    assert sum(int(notice.text.split(" ")[0]) for notice in notices) == 30  # each house named in one notice
