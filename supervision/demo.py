"""Demo supervision data (seed_demo): a year's programme of 20 reform tasks and sub-tasks, led by the
first district's departments and the first street office, with milestones in every state — on
track, due soon, returned, submitted, accepted on time and late, and missed with their
supervision orders. Dates are relative to the day the demo is loaded."""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import HandlingUnit, User

from . import services
from .models import Milestone, MilestoneEvent, Programme, Task
from .sweeps import milestone_deadlines_sweep

# (number, task, lead, responsible, target (value, unit) or deliverable, milestones, end in days)
# Units: "handler" is demo_handler's bureau, "office" the supervision office (demo_leader's street
# office), "community" demo_community's committee, other keys the district's departments by code.
# A milestone is (days from today, title, state it is brought to).
TASKS = [
    ("1", "网格化服务管理全覆盖", "handler", ["community", "office"], (Decimal(600), "个网格"),
     [(-40, "完成网格划分", "accepted"), (-5, "网格员全部到岗", "accepted"), (60, "网格事项准入清单", "open")], 200),
    ("1.1", "网格边界勘定", "handler", ["community"], "网格划分图",
     [(-45, "边界勘定完成", "accepted")], -30),
    ("1.2", "专职网格员招录", "handler", ["community"], (Decimal(120), "人"),
     [(-10, "招录完成", "accepted_late"), (30, "岗前培训", "submitted")], 90),
    ("1.2.1", "网格员培训课程开发", "handler", ["community"], "培训课程",
     [(3, "课程大纲", "open")], 40),
    ("2", "矛盾纠纷多元化解", "handler", ["community"], (Decimal(95), "%化解率"),
     [(-3, "一季度化解率通报", "returned"), (80, "半年评估", "open")], 300),
    ("3", "12345热线与网格联动", "handler", ["community"], "联动工作机制",
     [(-12, "联动机制印发", "open")], 60),
    ("4", "综治中心规范化建设", "office", ["handler"], (Decimal(12), "个中心"),
     [(2, "街道综治中心挂牌", "open"), (120, "规范化验收", "open")], 180),
    ("5", "重点人群服务管理", "handler", ["community"], (Decimal(100), "%建档率"),
     [(-20, "摸底建档", "open"), (50, "帮扶落实", "open")], 150),
    ("6", "平安小区创建", "handler", ["community"], (Decimal(40), "个小区"),
     [(20, "首批创建", "submitted")], 240),
    ("7", "社会治安防控体系", "PUB", ["handler"], "防控体系建设方案",
     [(45, "方案报审", "open")], 200),
    ("8", "食品安全网格化监管", "MAR", ["community"], (Decimal(300), "户"),
     [(15, "商户建档", "open")], 220),
    ("9", "生态环境网格巡查", "ECO", ["community"], (Decimal(52), "次巡查"),
     [(4, "季度巡查报告", "open")], 260),
    ("10", "交通安全隐患排查", "TRA", ["community"], (Decimal(80), "处隐患"),
     [(-8, "排查清单", "open")], 120),
    ("11", "智慧治理平台建设", "office", ["handler"], "平台上线",
     [(-30, "需求确认", "accepted"), (10, "试运行", "submitted")], 100),
    ("12", "基层减负清单", "office", ["community"], "减负清单",
     [(25, "清单印发", "open")], 70),
    ("13", "流动人口服务", "handler", ["community"], (Decimal(90), "%登记率"),
     [(1, "月度登记通报", "open")], 160),
    ("14", "校园周边综合治理", "handler", ["community"], (Decimal(15), "所学校"),
     [(-15, "联合检查", "returned")], 110),
    ("15", "水务设施安全", "WAT", ["handler"], (Decimal(30), "处设施"),
     [(35, "安全评估", "open")], 180),
    ("16", "志愿服务积分制", "handler", ["community"], "积分管理办法",
     [(-25, "办法印发", "accepted"), (-2, "积分兑换启动", "submitted")], 30),
    ("17", "法治宣传进网格", "handler", ["community"], (Decimal(200), "场"),
     [(-35, "上半年宣讲", "accepted")], 150),
]


@transaction.atomic
def demo_supervision_create():
    """Create the demo programme unless a programme exists; return whether it was created."""
    people = {name: User.objects.filter(username=f"demo_{name}").select_related("unit__area").first()
              for name in ("leader", "handler", "community")}
    if None in people.values() or Programme.objects.exists():
        return False
    today = timezone.localdate()
    office = people["leader"].unit
    units = {"handler": people["handler"].unit, "office": office, "community": people["community"].unit}
    district = people["handler"].unit.area
    for unit in HandlingUnit.objects.filter(kind=HandlingUnit.Kind.DEPARTMENT, area=district):
        units.setdefault(unit.code[-3:], unit)
    programme = Programme.objects.create(name="市域社会治理现代化试点任务", year=today.year, office=office)
    moves = []
    for number, title, lead, responsible, target, milestones, end in TASKS:
        task = _task(programme, number, title, units[lead], [units[key] for key in responsible], target,
                     today + timedelta(days=max(end, *(days for days, *_rest in milestones))))
        for days, name, state in milestones:
            milestone = Milestone.objects.create(task=task, title=name, due_date=today + timedelta(days=days))
            MilestoneEvent.objects.create(milestone=milestone, action="create", to_status=milestone.status)
            moves.append((milestone, state))
    for milestone, state in moves:
        _bring_to(milestone, state, people)
    milestone_deadlines_sweep(now=timezone.now())
    return True


def _task(programme, number, title, lead, responsible, target, end_date):
    numeric = isinstance(target, tuple)
    task = Task.objects.create(
        programme=programme, parent=Task.objects.filter(programme=programme, number=number.rpartition(".")[0]).first(),
        number=number, title=title, lead_unit=lead, end_date=end_date,
        target_kind=Task.TargetKind.NUMBER if numeric else Task.TargetKind.DELIVERABLE,
        target_value=target[0] if numeric else None, target_unit=target[1] if numeric else "",
        deliverable="" if numeric else target,
    )
    task.responsible_units.set(responsible)
    return task


def _bring_to(milestone, state, people):
    """Move `milestone` to `state` through the services, as the demo's people would."""
    if state == "open":
        return
    task = milestone.task
    reporter = people["community"] if task.responsible_units.filter(pk=people["community"].unit_id).exists() \
        else people["handler"]
    lead = _lead_person(task, people)
    services.milestone_report(milestone_id=milestone.pk, actor=reporter, text=f"{milestone.title}：按计划推进，台账已更新。",
                              figure=_share(task, Decimal("0.6")))
    services.milestone_submit(milestone_id=milestone.pk, actor=lead, summary=f"{milestone.title}：各责任单位已报送，汇总如下。",
                              figure=_share(task, Decimal("0.6")), delivered=task.target_kind == Task.TargetKind.DELIVERABLE)
    if state == "returned":
        services.milestone_return(milestone_id=milestone.pk, actor=people["leader"], reason="佐证材料不全，请补充台账。")
    elif state in ("accepted", "accepted_late"):
        services.milestone_accept(milestone_id=milestone.pk, actor=people["leader"])
    if state == "accepted":  # accepted in its time, as if done along the year (demo history only)
        Milestone.objects.filter(pk=milestone.pk, due_date__lt=timezone.localdate()).update(
            accepted_at=timezone.now() - timedelta(days=(timezone.localdate() - milestone.due_date).days + 1))


def _lead_person(task, people):
    return people["leader"] if task.lead_unit_id == people["leader"].unit_id else people["handler"]


def _share(task, share):
    return (task.target_value * share).quantize(Decimal("1")) if task.target_value is not None else None
