"""The demo city's past: about 90 days of work orders, 12345 calls and mediation cases, so every page has
something true to show.

Deterministic: the generator draws from a Random seeded with a constant and lays every day out
from the Beijing date of `now`, so the same city and the same moment give the same history (the
phone numbers' ciphertexts excepted: Fernet encrypts with a random IV). Each work order is walked
through the transition table (incidents.workflow.TRANSITIONS) from its report to where it stands
at `now`: routed, accepted or dispatched, signed for, handled, verified, closed and rated, with
returns, suspensions, voids and rejections on the way, and every missed deadline handled as the
escalation sweep does (moved to the superior unit, or recorded overdue). Nothing is written
until the whole plan exists; then one INSERT per table (govportal.bulk, timestamps as planned),
and the dashboards' rollups are rebuilt from the tickets and their events. The mediation cases
of the same days come from mediation.demo.

The history covers the demo street (where the demo accounts work) and a bounded number of other
streets, so its size does not grow with the city's (the 20,000-grid benchmark city included).
"""

import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import HandlingUnit, User
from dashboards.services import rollups_rebuild
from govportal import crypto
from govportal.bulk import rows_insert
from govportal.masking import mask_name, mask_phone
from govportal.workflow import numbers_reserve
from grids.demo import CITY_CODE
from grids.models import Area, Building
from hotline.models import Call, Callback, Reply, RequestType
from hotline.services import hotline_time_limit
from incidents.models import (Category, ChainLevel, RoutingRequest, Ticket, TicketEvent, TicketNumberCounter,
                              Urgency)
from incidents.worktime import WorkingCalendar, add_working_minutes, working_minutes_between
from incidents.sweeps import ESCALATING_DUE_KINDS, ESCALATION
from mediation.demo import demo_mediation_history_create

S = Ticket.Status
HISTORY_DAYS = 90
TICKETS_PER_DAY = 30
ENQUIRIES_PER_DAY = 10
SHOWCASE_TRIES = 400  # recent orders drawn until every state has one (see _showcase)
# The states the history's orders reach; a merged (并单) or registered (挂账) order is the hotline
# demo's (hotline.demo), made by its own services.
WALKED_STATES = set(S.values) - {S.MERGED, S.PARKED}
OTHER_STREETS = 7  # besides the demo street: the bound on the places the history covers
SEED = "govportal demo city history v1"
KEY_PREFIX = "demo-history-"  # the idempotency keys of the history's tickets: also its marker

SOURCES = [(Ticket.Source.GRID_WORKER, 40), (Ticket.Source.CITIZEN, 18), (Ticket.Source.HOTLINE, 27),
           (Ticket.Source.SENSOR, 10), (Ticket.Source.LEADER, 5)]
URGENCY_WEIGHTS = {Urgency.URGENT: 1, Urgency.SIMPLE: 3, Urgency.ORDINARY: 6, Urgency.COMPLEX: 2}
SATISFACTION = [(Ticket.Satisfaction.SATISFIED, 72), (Ticket.Satisfaction.BASICALLY, 20),
                (Ticket.Satisfaction.UNSATISFIED, 8)]
DESCRIPTIONS = {
    "01": ["商铺门前占道摆卖，影响行人通行", "路边堆放建筑垃圾和废旧家具", "人行道上乱搭棚架"],
    "02": ["路灯晚上不亮，路段很黑", "井盖松动，车辆经过声响很大", "路面坑洼积水，电动车易摔倒"],
    "03": ["垃圾桶满溢无人清运，气味较大", "夜间施工噪音扰民", "餐馆油烟直排居民楼"],
    "04": ["小区围墙破损，有陌生人出入", "出租屋内人员频繁变动，疑似群租"],
    "05": ["楼道消防通道被电动车和杂物堵塞", "消防栓缺少水带"],
}
DEFAULT_DESCRIPTIONS = ["现场发现问题，请尽快处理", "群众反映的问题，需要核实处理"]
ENQUIRIES = ["咨询居住证办理需要的材料", "咨询新生儿医保参保办理", "咨询公积金提取条件", "咨询垃圾分类投放时间"]


@dataclass
class Planned:
    """One work order of the plan: its row, its timeline and the hotline rows around it."""

    row: dict
    events: list = field(default_factory=list)
    calls: list = field(default_factory=list)
    replies: list = field(default_factory=list)
    callbacks: list = field(default_factory=list)


class City:
    """What the history is drawn on, read once: places, units, staff, categories and time limits."""

    def __init__(self):
        leader = User.objects.select_related("unit__area").get(username="demo_leader")
        self.operator = User.objects.get(username="demo_operator")
        self.leader = leader
        demo_street = leader.unit.area
        streets = [demo_street, *Area.objects.filter(level=Area.Level.STREET).exclude(pk=demo_street.pk)
                   .order_by("code")[:OTHER_STREETS]]
        prefixes = [street.code for street in streets]
        grids = Area.objects.filter(level=Area.Level.GRID).filter(
            code__regex=r"^(" + "|".join(prefixes) + ")").order_by("code")
        self.grids = list(grids.select_related("parent__parent__parent"))
        self.demo_grids = [grid for grid in self.grids if grid.code.startswith(demo_street.code)]
        self.buildings = {}
        for building in Building.objects.filter(grid__in=self.grids).order_by("code"):
            self.buildings.setdefault(building.grid_id, []).append(building)
        area_codes = {*(grid.code[:12] for grid in self.grids), *prefixes, *(code[:6] for code in prefixes),
                      CITY_CODE}
        units = HandlingUnit.objects.filter(area__code__in=area_codes, is_active=True).order_by("code")
        self.units = {unit.code: unit for unit in units}
        self.units_by_id = {unit.pk: unit for unit in self.units.values()}
        usernames = {f"gw{g.code}" for g in self.grids} | {f"cs{g.code[:12]}" for g in self.grids} | {
            f"sc{code}" for code in prefixes}
        self.users = {user.username: user for user in User.objects.filter(username__in=usernames)}
        self.handlers = _department_handlers(
            [unit for unit in self.units.values() if unit.kind == HandlingUnit.Kind.DEPARTMENT])
        self.categories = list(Category.objects.filter(parent__isnull=False, is_active=True, is_dispute=False)
                               .order_by("code"))
        self._limits = {}

    def limit(self, category, urgency, hotline):
        key = (category.pk, urgency, hotline)
        if key not in self._limits:
            self._limits[key] = (hotline_time_limit(category=category, urgency=urgency) if hotline
                                 else category.time_limit(urgency))
        return self._limits[key]

    def department(self, grid, department):
        """Return the district's department `department` serving `grid`, else the city's."""
        return self.units.get(f"DP{grid.code[:6]}{department[:3].upper()}") or self.units.get(
            f"DP{CITY_CODE}{department[:3].upper()}")

    def first_unit(self, grid, category):
        """Return the unit routing gives a report first (incidents.routing: the category's level at the place)."""
        if category.first_level == ChainLevel.COMMUNITY:
            return self.units[f"CC{grid.code[:12]}"]
        if category.first_level == ChainLevel.DEPARTMENT:
            unit = self.department(grid, category.default_department)
            if unit is not None:
                return unit
        return self.units[f"SO{grid.code[:9]}"]

    def staff_of(self, unit):
        """Return the account acting for `unit`: its community staff, street coordinator or department handler."""
        if unit.kind == HandlingUnit.Kind.COMMUNITY_COMMITTEE:
            return self.users[f"cs{unit.code[2:]}"]
        if unit.kind == HandlingUnit.Kind.STREET_OFFICE:
            return self.users[f"sc{unit.code[2:]}"]
        return self.handlers[unit.pk]


def _department_handlers(departments):
    """Return {department id: a handler account}, creating one per department that has none (demo only)."""
    existing = {}
    for user in User.objects.filter(role=User.Role.DEPARTMENT_HANDLER, unit__in=departments).order_by("pk"):
        existing.setdefault(user.unit_id, user)
    missing = [unit for unit in departments if unit.pk not in existing]
    unusable = make_password(None)
    User.objects.bulk_create([
        User(username=f"dh{unit.code}", role=User.Role.DEPARTMENT_HANDLER, unit=unit, password=unusable,
             last_name=f"{unit.name[:20]}办理人") for unit in missing
    ])
    for user in User.objects.filter(username__in=[f"dh{unit.code}" for unit in missing]):
        existing[user.unit_id] = user
    return existing


def demo_history_exists():
    """Return whether the history is loaded (its tickets carry KEY_PREFIX idempotency keys)."""
    return Ticket.objects.filter(idempotency_key__startswith=KEY_PREFIX).exists()


def demo_history_create(*, days=HISTORY_DAYS, now=None):
    """Load `days` days of the demo city's history once; return the number of work orders written
    (0 when it is loaded already or there is no demo city)."""
    if demo_history_exists() or not User.objects.filter(username="demo_leader").exists():
        return 0
    now = now or timezone.now()
    with transaction.atomic():
        city = City()
        plan = history_plan(city, now=now, days=days)
        _write(plan, now)
        rollups_rebuild()
        demo_mediation_history_create(days=days, now=now)
    return sum(planned.row is not None for planned in plan)


# --- the plan ----------------------------------------------------------------------------------


def history_plan(city, *, now, days=HISTORY_DAYS):
    """Return the Planned work orders and calls of the `days` days up to `now` (deterministic)."""
    rng = random.Random(SEED)
    today = timezone.localtime(now).date()
    first = today - timedelta(days=days)
    calendar = WorkingCalendar(first, today + timedelta(days=60))  # beyond the longest clock from today
    plan = []
    for offset in range(days + 1):
        day = first + timedelta(days=offset)
        for index in range(TICKETS_PER_DAY):
            created = _moment(day, rng)
            walker = _Walker(city, rng, calendar, now)
            planned = walker.walk(created, key=f"{KEY_PREFIX}{day:%Y%m%d}-{index:03d}")
            if planned is not None:
                plan.append(planned)
        for index in range(ENQUIRIES_PER_DAY):
            started = _moment(day, rng)
            if started + timedelta(minutes=5) <= now:
                plan.append(Planned(row=None, calls=[_enquiry(city, rng, started)]))
    covered = {planned.row["status"] for planned in plan if planned.row}
    return plan + _showcase(city, rng, calendar, now, covered)


def _showcase(city, rng, calendar, now, covered):
    """Return orders reported in the last two hours, walked briskly (minutes per step) and left
    after a few steps, one for each state the history does not show at `now` yet.

    At a quiet hour the days before may leave no order resting in, say, "returned"; these
    make every state appear on the pages, by the same legal moves as the rest.
    """
    extra, day = [], timezone.localtime(now).date()
    for attempt in range(SHOWCASE_TRIES):
        if covered >= WALKED_STATES:
            break
        walker = _Walker(city, rng, calendar, now, brisk_steps=rng.randrange(0, 10))
        planned = walker.walk(now - timedelta(minutes=rng.randrange(60, 120)),
                              key=f"{KEY_PREFIX}{day:%Y%m%d}-s{attempt:03d}")
        if planned.row["status"] not in covered:
            covered.add(planned.row["status"])
            extra.append(planned)
    return extra


def _moment(day, rng):
    """Return a moment of `day` (local) in the city's waking hours, 07:30–21:30."""
    minute = rng.randrange(7 * 60 + 30, 21 * 60 + 30)
    return timezone.make_aware(datetime.combine(day, time(minute // 60, minute % 60, rng.randrange(60))))


def _phone(rng):
    return f"13{rng.randrange(10)}{rng.randrange(10 ** 8):08d}"


def _enquiry(city, rng, started):
    phone = _phone(rng)
    return {
        "operator_id": city.operator.pk, **crypto.sealed("caller_phone", phone, mask=mask_phone, indexed=True),
        "caller_name_encrypted": "", "caller_name_masked": "", "request_type": RequestType.ENQUIRY,
        "content": rng.choice(ENQUIRIES), "address": "", "location": None, "area_code": "", "category_id": None,
        "urgency": "", "confidential": False, "started_at": started,
        "ended_at": started + timedelta(minutes=rng.randrange(2, 6)), "outcome": Call.Outcome.ANSWERED,
        "ticket_id": None, "article_id": None, "answer": "已根据知识库解答。", "reply_due_at": None,
    }


def _weighted(rng, pairs):
    values, weights = zip(*pairs)
    return rng.choices(values, weights)[0]


class _DeadlineMissed(Exception):
    """The step drawn came after the running deadline: the sweep's move was made instead."""


class _Walker:
    """Walks one work order through the transition table until `now`, recording its events."""

    def __init__(self, city, rng, calendar, now, brisk_steps=None):
        self.city, self.rng, self.calendar, self.now = city, rng, calendar, now
        self.brisk_steps = brisk_steps  # if given: this many steps of a few minutes each, then rest

    # -- the clock --

    def due(self, start, minutes):
        if self.t["clock_time"]:
            return start + timedelta(minutes=minutes)
        return add_working_minutes(start, minutes, calendar=self.calendar)

    def set_due(self, start, minutes, kind):
        self.t["due_at"], self.t["due_kind"] = self.due(start, minutes), kind

    def clear_due(self):
        self.t["due_at"], self.t["due_kind"] = None, ""

    def later(self, at, share_of_limit):
        """Return a moment after `at`: `share_of_limit` of the current stage's time limit (at least a few minutes)."""
        limit = self.t["due_at"] - at if self.t["due_at"] else timedelta(hours=8)
        return at + max(timedelta(minutes=3), limit * share_of_limit)

    def on_time(self, late_share=0.1):
        """Return the share of the time limit the next step takes: usually well within, sometimes late."""
        if self.rng.random() < late_share:
            return self.rng.uniform(1.1, 2.0)
        return self.rng.uniform(0.05, 0.8)

    # -- recording --

    def move(self, at, action, to_status=None, *, actor=None, reason_code="", reason=""):
        from_status = self.t["status"]
        self.t["status"] = to_status or from_status
        self.t["updated_at"] = at
        self.p.events.append({
            "action": action, "from_status": from_status, "to_status": self.t["status"],
            "actor_id": actor.pk if actor else None, "unit_id": self.t["handling_unit_id"],
            "reason_code": reason_code, "reason": reason, "created_at": at,
        })

    def deadline_missed(self):
        """Apply the escalation sweep at the missed deadline (incidents.sweeps.overdue_escalate)."""
        at, kind, unit = self.t["due_at"], self.t["due_kind"], self.unit
        self.t["overdue_count"] += 1
        if unit.superior_id and kind in ESCALATING_DUE_KINDS and self.t["status"] in ESCALATION.sources:
            self.hold(self.city.units_by_id[unit.superior_id])
            self.set_due(at, self.t["handle_minutes"], Ticket.DueKind.HANDLE)
            self.move(at, "overdue_escalate", ESCALATION.target, reason_code=kind)
        else:
            self.clear_due()
            self.move(at, "overdue", reason_code=kind)

    def hold(self, unit):
        """Give the order to `unit`, nobody in it signed yet."""
        self.unit = unit
        self.t["handling_unit_id"], self.t["handler_id"] = unit.pk, None

    def step(self, share):
        """Return when the next step happens, `share` of the time left into the stage, or None when
        it lies after `now`. Raise _DeadlineMissed when the deadline passes first (its move made)."""
        if self.brisk_steps is not None:
            if not self.brisk_steps:
                return None
            self.brisk_steps -= 1
            at = self.at + timedelta(minutes=self.rng.uniform(2, 8))
        else:
            at = self.later(self.at, share)
        if self.t["due_at"] is not None and at > self.t["due_at"]:
            if self.t["due_at"] > self.now:
                return None
            self.deadline_missed()
            self.at, self.late = self.t["updated_at"], True
            raise _DeadlineMissed
        if at > self.now:
            return None
        self.at = at
        return at

    # -- the walk --

    def walk(self, created, *, key):
        city, rng = self.city, self.rng
        if created >= self.now:
            return None
        source = _weighted(rng, SOURCES)
        category = rng.choice(city.categories)
        urgencies = [u for u in URGENCY_WEIGHTS if u in (category.urgencies or URGENCY_WEIGHTS)]
        urgency = _weighted(rng, [(u, URGENCY_WEIGHTS[u]) for u in urgencies])
        hotline = source == Ticket.Source.HOTLINE
        limit = city.limit(category, urgency, hotline)
        grid = rng.choice(city.demo_grids if rng.random() < 0.5 else city.grids)
        building = rng.choice(city.buildings[grid.pk])
        community, street = grid.parent, grid.parent.parent
        reporter = {Ticket.Source.GRID_WORKER: city.users.get(f"gw{grid.code}"), Ticket.Source.HOTLINE: city.operator,
                    Ticket.Source.LEADER: city.leader}.get(source)
        phone = _phone(rng) if source == Ticket.Source.CITIZEN else ""
        self_handled = source == Ticket.Source.GRID_WORKER and rng.random() < 0.12
        description = rng.choice(DESCRIPTIONS.get(category.code[:2], DEFAULT_DESCRIPTIONS))
        self.t = {
            "number": None, "source": source, "category_id": category.pk, "urgency": urgency,
            "description": f"{building.address[-12:]}：{description}", "address": building.address,
            "location": building.location.ewkt, "grid_id": grid.pk, "community_id": community.pk,
            "street_id": street.pk, "district_id": street.parent_id, "area_code": grid.code,
            "reporter_id": reporter.pk if reporter else None,
            **crypto.sealed("reporter_phone", phone, mask=mask_phone), "idempotency_key": key,
            "status": "", "status_before_suspension": "", "handling_unit_id": None,
            "dispatcher_unit_id": None, "handler_id": None, "self_handled": self_handled, "outside_own_grids": False,
            "request_fingerprint": "",
            "sign_minutes": limit.sign_minutes, "handle_minutes": limit.handle_minutes,
            "verify_minutes": limit.verify_minutes, "clock_time": limit.clock_time, "due_at": None, "due_kind": "",
            "paused_minutes_left": None, "extension_requested_minutes": None,
            "extension_max_minutes": limit.extension_max_minutes, "overdue_count": 0,
            "feedback": "已现场处置完毕。" if self_handled else "", "satisfaction": "", "supervised_at": None,
            "supervised_by_id": None, "created_at": created, "updated_at": created, "closed_at": None,
        }
        self.p = Planned(row=self.t)
        self.at, self.late, self.unit = created, False, None
        self.category, self.grid, self.hotline = category, grid, hotline
        self.verifier = reporter if source == Ticket.Source.GRID_WORKER else city.users[f"cs{community.code}"]
        self.dispatcher = city.users[f"sc{street.code}"]
        self.move(created, "report", S.REPORTED, actor=reporter)
        if hotline:
            self.p.calls.append(self.call(created, phone=_phone(rng), limit=limit))
        self.route(city.first_unit(grid, category), city.units[f"SO{street.code}"])
        while self.next_step():
            pass
        return self.p

    def call(self, created, *, phone, limit):
        """Return the call that made this hotline order (hotline.services.call_dispatch)."""
        started = created - timedelta(minutes=self.rng.randrange(3, 9))
        return {
            "operator_id": self.city.operator.pk, **crypto.sealed("caller_phone", phone, mask=mask_phone, indexed=True),
            **crypto.sealed("caller_name", "", mask=mask_name), "request_type": RequestType.COMPLAINT,
            "content": self.t["description"], "address": self.t["address"], "location": self.t["location"],
            "area_code": self.t["area_code"], "category_id": self.t["category_id"], "urgency": self.t["urgency"],
            "confidential": False, "started_at": started, "ended_at": created, "outcome": Call.Outcome.NEW_TICKET,
            "article_id": None, "answer": "", "reply_due_at": self.due(created, limit.handle_minutes),
        }

    def route(self, unit, street_office):
        """The router's move a minute after the report (incidents.routing._give_to_first_unit)."""
        at = self.at + timedelta(minutes=1)
        self.at = at
        self.hold(unit)
        self.t["dispatcher_unit_id"] = street_office.pk
        if self.t["self_handled"]:
            self.set_due(at, self.t["verify_minutes"], Ticket.DueKind.VERIFY)
            self.move(at, "route", S.HANDLED)
        elif unit.kind == HandlingUnit.Kind.DEPARTMENT:
            self.set_due(at, self.t["sign_minutes"], Ticket.DueKind.SIGN)
            self.move(at, "route", S.DISPATCHED)
        else:
            self.set_due(at, self.t["sign_minutes"], Ticket.DueKind.ACCEPT)
            self.move(at, "route", S.REPORTED)

    def next_step(self):
        """Take the ticket one step on; return False once it rests (finished, or its next step lies after `now`)."""
        status, rng = self.t["status"], self.rng
        if status in (S.REJECTED, S.VOIDED, S.RATED):
            return False
        if status in Ticket.OPEN_STATUSES and status != S.SUSPENDED and rng.random() < 0.006:
            return self.void()
        handler = {
            S.REPORTED: self.from_reported, S.ACCEPTED: self.from_accepted, S.DISPATCHED: self.from_dispatched,
            S.RETURNED: self.from_returned, S.SIGNED: self.from_signed, S.IN_PROGRESS: self.from_in_progress,
            S.SUSPENDED: self.from_suspended, S.HANDLED: self.from_handled, S.VERIFIED: self.from_verified,
            S.CLOSED: self.from_closed,
        }[status]
        try:
            return handler()
        except _DeadlineMissed:
            return True

    def from_reported(self):
        at = self.step(self.on_time(0.06))
        if at is None:
            return False
        actor = self.city.staff_of(self.unit)
        if self.rng.random() < 0.04:
            self.clear_due()
            self.t["closed_at"] = at
            self.move(at, "reject", S.REJECTED, actor=actor, reason_code="duplicate")
            return False
        self.set_due(at, self.t["handle_minutes"], Ticket.DueKind.HANDLE)
        self.move(at, "accept", S.ACCEPTED, actor=actor)
        return True

    def from_accepted(self):
        needs_department = self.unit.kind == HandlingUnit.Kind.COMMAND_CENTRE or (
            self.category.first_level != ChainLevel.COMMUNITY and self.rng.random() < 0.5)
        at = self.step(self.rng.uniform(0.05, 0.3) if needs_department else self.on_time(0 if self.late else 0.1))
        if at is None:
            return False
        if needs_department:
            return self.dispatch(at)
        if self.rng.random() < 0.02 and not self.late:
            return self.suspend(at)
        return self.handle(at)

    def dispatch(self, at, exclude=None):
        department = self.city.department(self.grid, self.category.default_department)
        if department is None or department.pk == exclude:
            department = next(u for u in self.city.units.values()
                              if u.kind == HandlingUnit.Kind.DEPARTMENT and u.pk != exclude)
        self.hold(department)
        self.set_due(at, self.t["sign_minutes"], Ticket.DueKind.SIGN)
        self.move(at, "dispatch", S.DISPATCHED, actor=self.dispatcher)
        return True

    def from_dispatched(self):
        at = self.step(self.on_time(0 if self.late else 0.08))
        if at is None:
            return False
        actor = self.city.staff_of(self.unit)
        if self.rng.random() < (0.3 if self.brisk_steps is not None else 0.06) and not self.late:
            self.returned_from = self.unit.pk
            self.hold(self.city.units_by_id[self.t["dispatcher_unit_id"]])
            self.set_due(at, self.t["sign_minutes"], Ticket.DueKind.REVIEW)
            self.move(at, "return", S.RETURNED, actor=actor, reason_code="not_our_duty", reason="不属于本部门职责范围。")
            return True
        self.t["handler_id"] = actor.pk
        self.set_due(at, self.t["handle_minutes"], Ticket.DueKind.HANDLE)
        self.move(at, "sign", S.SIGNED, actor=actor)
        return True

    def from_returned(self):
        at = self.step(self.rng.uniform(0.1, 0.6))
        if at is None:
            return False
        self.late = True  # one return is enough: the second department keeps its deadlines
        return self.dispatch(at, exclude=self.returned_from)

    def from_signed(self):
        at = self.step(0.05)
        if at is None:
            return False
        self.move(at, "start", S.IN_PROGRESS, actor=self.city.staff_of(self.unit))
        return True

    def from_in_progress(self):
        at = self.step(self.on_time(0 if self.late else 0.1))
        if at is None:
            return False
        if self.rng.random() < 0.02 and not self.late:
            return self.suspend(at)
        return self.handle(at)

    def suspend(self, at):
        """The street parks the order for people's mediation; it resumes some days later."""
        due = self.t["due_at"]
        if due is None:
            self.t["paused_minutes_left"] = None
        elif self.t["clock_time"]:
            self.t["paused_minutes_left"] = max(0, round((due - at).total_seconds() / 60))
        else:
            self.t["paused_minutes_left"] = working_minutes_between(at, due)
        self.t["status_before_suspension"] = self.t["status"]
        self.clear_due()
        self.move(at, "suspend", S.SUSPENDED, actor=self.dispatcher, reason="转人民调解，调解期间暂停计时。")
        return True

    def from_suspended(self):
        at = self.at + timedelta(days=self.rng.uniform(2, 10))
        if at > self.now:
            return False
        self.at = at
        previous = self.t["status_before_suspension"]
        if self.t["paused_minutes_left"] is not None:
            kind = Ticket.DueKind.SIGN if previous == S.DISPATCHED else Ticket.DueKind.HANDLE
            self.set_due(at, self.t["paused_minutes_left"], kind)
        self.t["paused_minutes_left"], self.t["status_before_suspension"] = None, ""
        self.late = True
        self.move(at, "resume", previous, actor=self.dispatcher)
        return True

    def handle(self, at):
        actor = self.city.staff_of(self.unit)
        if self.hotline:
            previous = self.t["updated_at"]
            if self.rng.random() < 0.1 and self.t["supervised_at"] is None:
                self.supervise(previous + (at - previous) / 3)
            self.reply(previous + (at - previous) * 2 / 3, actor)
        self.t["feedback"] = "已按要求处置完毕，现场已恢复。"
        self.set_due(at, self.t["verify_minutes"], Ticket.DueKind.VERIFY)
        self.move(at, "handle", S.HANDLED, actor=actor)
        return True

    def supervise(self, at):
        """A leader flags the order (督办): hotline.services.ticket_supervise."""
        self.t["supervised_at"], self.t["supervised_by_id"] = at, self.city.leader.pk
        self.move(at, "supervise", actor=self.city.leader, reason="群众反映强烈，请加快办理。")

    def reply(self, at, actor):
        due = self.p.calls[0]["reply_due_at"]
        self.p.replies.append({"unit_id": self.unit.pk, "replied_by_id": actor.pk, "created_at": at,
                               "content": "您反映的问题已安排处理，预计近日完成。", "in_time": at <= due})
        self.move(at, "reply", actor=actor, reason="您反映的问题已安排处理，预计近日完成。")

    def from_handled(self):
        at = self.step(self.on_time(0.04))
        if at is None:
            return False
        if self.rng.random() < 0.06 and not self.late and not self.t["self_handled"]:
            self.late = True
            self.set_due(at, self.t["handle_minutes"], Ticket.DueKind.HANDLE)
            self.move(at, "verify_fail", S.IN_PROGRESS, actor=self.verifier, reason="现场核查问题仍未解决。")
            return True
        self.clear_due()
        self.move(at, "verify", S.VERIFIED, actor=self.verifier)
        return True

    def from_verified(self):
        at = self.at + timedelta(minutes=self.rng.randrange(10, 240))
        if at > self.now:
            return False
        self.at = at
        self.t["closed_at"] = at
        self.move(at, "close", S.CLOSED, actor=self.verifier)
        return True

    def from_closed(self):
        if self.t["source"] == Ticket.Source.SENSOR:
            return False  # nobody to ask
        at = self.at + timedelta(hours=self.rng.uniform(2, 40))
        if at > self.now or (not self.hotline and self.rng.random() < 0.25):
            return False
        self.at = at
        satisfaction = _weighted(self.rng, SATISFACTION)
        if not self.hotline:
            self.t["satisfaction"] = satisfaction
            self.move(at, "rate", S.RATED, actor=self.verifier, reason_code=satisfaction)
            return False
        if self.rng.random() < 0.12:
            self.callback(at, reached=False)
            return True
        self.callback(at, reached=True, satisfaction=satisfaction)
        return False

    def callback(self, at, *, reached, satisfaction=""):
        operator = self.city.operator
        self.p.callbacks.append({
            "unit_id": self.unit.pk, "operator_id": operator.pk, "reached": reached,
            "responded": reached and self.rng.random() < 0.93,
            "solved": reached and satisfaction != Ticket.Satisfaction.UNSATISFIED and self.rng.random() < 0.95,
            "satisfaction": satisfaction, "note": "" if reached else "电话无人接听。", "created_at": at,
        })
        if reached:
            self.t["satisfaction"] = satisfaction
            self.move(at, "callback", S.RATED, actor=operator, reason_code=satisfaction)
        else:
            self.move(at, "callback_unreached", actor=operator, reason="电话无人接听。")

    def void(self):
        at = self.step(0.2)
        if at is None:
            return False
        self.clear_due()
        self.t["closed_at"] = at
        self.t["paused_minutes_left"] = self.t["extension_requested_minutes"] = None
        self.move(at, "void", S.VOIDED, actor=self.dispatcher, reason="重复上报，已作废。")
        return False


# --- writing -------------------------------------------------------------------------------------


def _write(plan, now):
    """Insert the plan: ticket numbers per day, then one INSERT per table."""
    tickets = [p for p in plan if p.row is not None]
    by_day = {}
    for planned in tickets:
        by_day.setdefault(timezone.localtime(planned.row["created_at"]).date(), []).append(planned)
    for day, planned_day in sorted(by_day.items()):
        planned_day.sort(key=lambda p: p.row["created_at"])
        for planned, number in zip(planned_day, numbers_reserve(TicketNumberCounter, prefix="SJ", day=day,
                                                                count=len(planned_day))):
            planned.row["number"] = number
    ids = rows_insert(Ticket, [p.row for p in tickets])
    events, calls, replies, callbacks, routing = [], [], [], [], []
    for planned, ticket_id in zip(tickets, ids):
        events += [{"ticket_id": ticket_id, **event} for event in planned.events]
        replies += [{"ticket_id": ticket_id, **reply} for reply in planned.replies]
        callbacks += [{"ticket_id": ticket_id, **callback} for callback in planned.callbacks]
        calls += [{"ticket_id": ticket_id, **call} for call in planned.calls]
        created = planned.row["created_at"]
        routing.append({"ticket_id": ticket_id, "created_at": created, "enqueued_at": created, "attempts": 0,
                        "routed_at": created + timedelta(minutes=1), "error": ""})
    calls += [call for planned in plan if planned.row is None for call in planned.calls]
    events.sort(key=lambda event: event["created_at"])
    rows_insert(TicketEvent, events)
    rows_insert(RoutingRequest, routing)
    rows_insert(Call, calls)
    rows_insert(Reply, replies)
    rows_insert(Callback, callbacks)
