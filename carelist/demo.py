"""Demo special groups (seed_demo): four persons in the demo grid worker's community, in several groups
and levels, paired with demo_gridworker and demo_community; one visit is overdue. Numbers are invented."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from grids.models import Area, Building

from .models import CareHelper, CareLevel, CareVisit
from .services import care_person_register, care_visit_record

CADRE, WORKER = CareHelper.Kind.COMMUNITY_CADRE, CareHelper.Kind.GRID_WORKER
# name, ID number, phone, (group, level)s, helpers (username, kind), days since registered, days since last visit
PERSONS = [
    ("李建国", "441900197803150031", "13800138031", [("community_correction", 1)],
     [("demo_gridworker", WORKER), ("demo_community", CADRE)], 60, 10),  # level 1: every 7 days, so overdue
    ("陈桂英", "441900194205060022", "13800138022", [("lonely_elderly", 2)], [("demo_gridworker", WORKER)], 90, 5),
    ("黄志强", "441900198511200013", "13800138013", [("severe_mental_illness", 1), ("lonely_elderly", 3)],
     [("demo_community", CADRE)], 30, 2),
    ("刘小雨", "441900201409090044", "13800138044", [("left_behind_children", 3)],
     [("demo_community", CADRE), ("demo_gridworker", WORKER)], 45, None),
]


@transaction.atomic
def demo_carelist_create():
    """Create the demo persons unless the demo grid worker's grid has some; return whether they were created."""
    users = {user.username: user for user in User.objects.filter(username__in=["demo_gridworker", "demo_community"])}
    worker = users.get("demo_gridworker")
    grid = Area.objects.filter(level=Area.Level.GRID, members__user=worker).order_by("code").first()
    if worker is None or "demo_community" not in users or grid is None or grid.care_persons.exists():
        return False
    today = timezone.localdate()
    buildings = list(Building.objects.filter(grid=grid).order_by("code")[:len(PERSONS)])
    for number, (name, id_number, phone, memberships, helpers, registered, visited) in enumerate(PERSONS):
        building = buildings[number] if number < len(buildings) else None
        levels = [CareLevel.objects.get(group__code=code, level=level) for code, level in memberships]
        person = care_person_register(
            actor=None, name=name, id_number=id_number, phone=phone, grid=grid, building=building,
            address=building.address if building else grid.name, levels=levels,
            helpers=[(users[username], kind) for username, kind in helpers],
            registered_on=today - timedelta(days=registered))
        if visited is not None:
            care_visit_record(person_id=person.pk, actor=users[helpers[0][0]],
                              visited_on=today - timedelta(days=visited), place="家中", way=CareVisit.Way.HOME,
                              condition=CareVisit.Condition.STABLE, note="情绪稳定，按时报到。")
    return True
