"""Demo registers (seed_demo): the demo grid worker's buildings divided into houses, households and
residents of each kind, rental houses of each risk grade with tenants, and one inspection overdue.
Written through the services, as the worker's own entries, so the demo keeps every rule."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from grids.models import Building

from . import services
from .defaults import risk_grades_load
from .models import House, Resident, RiskGrade
from .selectors import worker_grid_codes

UNITS, FLOORS, ROOMS_PER_FLOOR = 2, 3, 2
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平"


def _person(serial):
    """Return a made-up name, ID number (right format, not a real person's) and mobile number."""
    name = SURNAMES[serial % len(SURNAMES)] + GIVEN[(serial * 7) % len(GIVEN)]
    id_number = f"441900{1960 + serial % 40}{1 + serial % 12:02d}{1 + serial % 28:02d}{serial % 1000:03d}{serial % 10}"
    return name, id_number, f"139{serial:08d}"


def _houses(building):
    houses = [House(building=building, unit=str(unit), floor=floor, room=f"{unit}-{floor}0{room}",
                    floor_area_m2=60 + 15 * room)
              for unit in range(1, UNITS + 1) for floor in range(1, FLOORS + 1)
              for room in range(1, ROOMS_PER_FLOOR + 1)]
    for house in houses:
        house.save()
    return houses


@transaction.atomic
def demo_registers_create():
    """Create the demo grid worker's registers unless their grid has houses; return whether it was created."""
    worker = User.objects.filter(username="demo_gridworker").first()
    codes = worker_grid_codes(user=worker) if worker else []
    if not codes or House.objects.filter(area_code=codes[0]).exists():
        return False
    today = timezone.localdate()
    risk_grades_load(RiskGrade)  # a flushed test database has lost the migration's rows
    grades = {grade.code: grade for grade in RiskGrade.objects.all()}
    serial, overdue_made = 0, False
    for number, building in enumerate(Building.objects.filter(grid__code=codes[0]).order_by("code")):
        houses = _houses(building)
        for index, house in enumerate(houses):
            rental = index % 4 == 3  # every fourth house is let
            kind = Resident.Kind.TENANT if rental else (Resident.Kind.REGISTERED if index % 4 else
                                                        Resident.Kind.FLOATING)
            if rental:
                grade = grades["ABC"[(number + index) % 3]]
                overdue = grade.code == "C" and not overdue_made  # the one house whose inspection is overdue
                overdue_made = overdue_made or overdue
                registered = today - timedelta(days=grade.inspection_interval_days + 3 if overdue
                                               else grade.inspection_interval_days // 2 + 1)
                owner, _id, owner_phone = _person(500 + serial)
                services.rental_house_register(actor=worker, house=house, owner_name=owner, owner_phone=owner_phone,
                                               grade=grade, registered_on=registered)
            for _member in range(1 + index % 3):
                serial += 1
                name, id_number, phone = _person(serial)
                moved_in = today - timedelta(days=30 + serial * 11)
                services.resident_move_in(
                    actor=worker, house=house, kind=kind, name=name, id_number=id_number, phone=phone,
                    household=f"H{house.room}", moved_in_on=moved_in,
                    lease_start=moved_in if rental else None,
                    lease_end=moved_in + timedelta(days=365) if rental else None)
        # History: one resident of the building's first house moved out last month.
        residence = houses[0].residences.first()
        services.residence_move_out(residence_id=residence.pk, actor=worker, moved_out_on=today - timedelta(days=30),
                                    reason="迁往外地")
    return True
