"""The demo city's dispatching (demo only): a district government per district, a few catalogue lines, a
co-handled 12345 order and an objection the hotline centre re-dispatched."""

from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import HandlingUnit, User
from grids.models import Area, Building
from grids.selectors import grid_locate
from hotline.services import call_dispatch
from incidents.models import Category
from incidents.services import ticket_route

from .models import DispatchEntry
from .services import catalogue_entry_create, ticket_co_feedback, ticket_co_sign, ticket_object, ticket_redispatch


def demo_dispatch_create():
    """Create the dispatch demo data once; return whether anything was created (idempotent)."""
    operator = User.objects.filter(username="demo_operator").first()
    building = Building.objects.filter(location__isnull=False).order_by("pk").first()
    if operator is None or building is None or DispatchEntry.objects.exists():
        return False
    place = grid_locate(building.location)
    district = place.at(Area.Level.DISTRICT)
    with transaction.atomic():
        _district_governments()
        units = {unit.department: unit for unit in HandlingUnit.objects.filter(
            area=district, kind=HandlingUnit.Kind.DEPARTMENT, is_active=True)}
        water, urban, housing = (units[HandlingUnit.Department.WATER], units[HandlingUnit.Department.URBAN_MANAGEMENT],
                                 units[HandlingUnit.Department.HOUSING])
        categories = {category.code: category for category in Category.objects.filter(code__in=["0202", "0204", "03"])}
        catalogue_entry_create(category=categories["0202"], area=district, lead_unit=water, co_units=[urban],
                               valid_from=timezone.now() - timedelta(days=90), note="井盖：水务主办，城管协办")
        catalogue_entry_create(category=categories["0204"], area=district, lead_unit=water,
                               valid_from=timezone.now() - timedelta(days=90), note="排水归水务")
        catalogue_entry_create(category=categories["03"], area=district.parent, lead_unit=units[
            HandlingUnit.Department.ECOLOGY], valid_from=timezone.now() - timedelta(days=90), note="环境类默认生态环境")
    common = {"operator": operator, "caller_name": "", "urgency": "", "confidential": False,
              "address": building.address, "location": building.location, "place": place,
              "request_type": "complaint"}
    _co_handled_order(common, categories["0202"], urban)
    _redispatched_order(common, categories["0204"], water, housing)
    return True


def _district_governments():
    """Give every district its government (首接负责), the unit that takes what no other unit serves."""
    for district in Area.objects.filter(level=Area.Level.DISTRICT):
        HandlingUnit.objects.get_or_create(code=f"GV{district.code}", defaults={
            "name": f"{district.name}人民政府", "kind": HandlingUnit.Kind.DISTRICT_GOVERNMENT, "area": district})


def _staff_of(unit, username, name):
    """A handler of `unit` for the demo's moves (no usable password: nobody logs in as them)."""
    return User.objects.get_or_create(username=username, defaults={
        "role": User.Role.DEPARTMENT_HANDLER, "unit": unit, "last_name": name, "password": make_password(None)})[0]


def _co_handled_order(common, category, urban):
    """A missing manhole cover: water leads; urban management (demo_handler's unit) signed and reported its part."""
    call = call_dispatch(**common, caller_phone="13600004444", category=category, started_at=timezone.now(),
                         content="人行道井盖缺失，旁边围挡也倒了，晚上很危险", idempotency_key="demo-dispatch-manhole")
    ticket_route(ticket_id=call.ticket_id)
    helper = _staff_of(urban, "demo_urban_staff", "孙强")
    ticket_co_sign(ticket_id=call.ticket_id, actor=helper)
    ticket_co_feedback(ticket_id=call.ticket_id, actor=helper, feedback="已重新设置围挡并安排巡查，井盖更换由水务负责")


def _redispatched_order(common, category, water, housing):
    """A blocked drain inside an estate: water objected (it is the estate's pipe) and the hotline re-dispatched it."""
    call = call_dispatch(**common, caller_phone="13500005555", category=category, started_at=timezone.now(),
                         content="小区内部雨水管堵塞，一下雨就积水", idempotency_key="demo-dispatch-drain")
    ticket_route(ticket_id=call.ticket_id)
    ticket_object(ticket_id=call.ticket_id, actor=_staff_of(water, "demo_water_staff", "钱涛"),
                  reason="小区内部管网属物业管养，不属市政排水，建议改派住建部门督促物业")
    ticket_redispatch(ticket_id=call.ticket_id, actor=common["operator"], unit=housing,
                      reason="异议成立：小区内部管网，改派住建局督促物业处理")
