"""The default event catalogue (domain.md §2): major categories, minor ones, who handles first.

Loaded by a data migration; admins edit it afterwards. Codes: 2 digits per major category,
2 more per minor one.
"""


from accounts.models import HandlingUnit

from .models import ChainLevel, Urgency

D = HandlingUnit.Department
ALL_URGENCIES = [Urgency.URGENT, Urgency.SIMPLE, Urgency.ORDINARY, Urgency.COMPLEX]
ROUTINE = [Urgency.SIMPLE, Urgency.ORDINARY, Urgency.COMPLEX]

# (code, name, first level, default department, urgencies, is_dispute)
CATALOGUE = [
    ("01", "城市管理", [
        ("0101", "占道经营", ChainLevel.COMMUNITY, D.URBAN_MANAGEMENT, ROUTINE, False),
        ("0102", "乱堆放", ChainLevel.COMMUNITY, D.URBAN_MANAGEMENT, ROUTINE, False),
        ("0103", "违法建设", ChainLevel.STREET, D.URBAN_MANAGEMENT, ROUTINE, False),
        ("0104", "市容环境", ChainLevel.COMMUNITY, D.URBAN_MANAGEMENT, ROUTINE, False),
    ]),
    ("02", "市政设施", [
        ("0201", "路灯", ChainLevel.DEPARTMENT, D.URBAN_MANAGEMENT, ROUTINE, False),
        ("0202", "井盖", ChainLevel.DEPARTMENT, D.WATER, ALL_URGENCIES, False),
        ("0203", "道路破损", ChainLevel.DEPARTMENT, D.TRANSPORT, ALL_URGENCIES, False),
        ("0204", "排水", ChainLevel.DEPARTMENT, D.WATER, ALL_URGENCIES, False),
    ]),
    ("03", "环境卫生与生态环境", [
        ("0301", "垃圾", ChainLevel.COMMUNITY, D.URBAN_MANAGEMENT, ROUTINE, False),
        ("0302", "噪音", ChainLevel.STREET, D.ECOLOGY, ROUTINE, False),
        ("0303", "污水", ChainLevel.DEPARTMENT, D.ECOLOGY, ALL_URGENCIES, False),
        ("0304", "油烟", ChainLevel.STREET, D.ECOLOGY, ROUTINE, False),
    ]),
    ("04", "治安隐患", [
        ("0401", "治安隐患", ChainLevel.STREET, D.PUBLIC_SECURITY, ALL_URGENCIES, False),
    ]),
    ("05", "消防隐患", [
        ("0501", "消防通道堵塞", ChainLevel.COMMUNITY, D.EMERGENCY, ALL_URGENCIES, False),
        ("0502", "电动车违规充电", ChainLevel.COMMUNITY, D.EMERGENCY, ALL_URGENCIES, False),
        ("0503", "高层楼宇消防", ChainLevel.STREET, D.EMERGENCY, ALL_URGENCIES, False),
    ]),
    ("06", "安全生产", [
        ("0601", "安全生产隐患", ChainLevel.STREET, D.EMERGENCY, ALL_URGENCIES, False),
    ]),
    ("07", "出租屋与流动人口", [
        ("0701", "出租屋管理", ChainLevel.COMMUNITY, D.PUBLIC_SECURITY, ROUTINE, False),
        ("0702", "流动人口登记", ChainLevel.COMMUNITY, D.PUBLIC_SECURITY, ROUTINE, False),
    ]),
    ("08", "矛盾纠纷", [
        ("0801", "邻里纠纷", ChainLevel.COMMUNITY, D.JUSTICE, ROUTINE, True),
        ("0802", "物业纠纷", ChainLevel.COMMUNITY, D.HOUSING, ROUTINE, True),
        ("0803", "劳资纠纷", ChainLevel.STREET, D.JUSTICE, ALL_URGENCIES, True),
        ("0804", "婚姻家庭纠纷", ChainLevel.COMMUNITY, D.JUSTICE, ROUTINE, True),
    ]),
    ("09", "交通", [
        ("0901", "交通设施", ChainLevel.DEPARTMENT, D.TRANSPORT, ROUTINE, False),
        ("0902", "违规停车", ChainLevel.STREET, D.TRANSPORT, ROUTINE, False),
    ]),
    ("10", "食品药品与市场监管", [
        ("1001", "食品安全", ChainLevel.DEPARTMENT, D.MARKET_REGULATION, ALL_URGENCIES, False),
        ("1002", "无照经营", ChainLevel.STREET, D.MARKET_REGULATION, ROUTINE, False),
    ]),
    ("11", "民生服务", [
        ("1101", "养老服务", ChainLevel.COMMUNITY, D.CIVIL_AFFAIRS, ROUTINE, False),
        ("1102", "困难群众救助", ChainLevel.COMMUNITY, D.CIVIL_AFFAIRS, ROUTINE, False),
    ]),
    # Water, power, gas and heating: the hotline's utilities class (2 h to dispatch, 24 h to reply,
    # hotline.defaults). Gas and heating are overseen by housing and construction, as in most
    # cities; power, supplied by the grid company, has no department of its own here.
    ("12", "公用事业", [
        ("1201", "供水", ChainLevel.DEPARTMENT, D.WATER, ALL_URGENCIES, False),
        ("1202", "供电", ChainLevel.DEPARTMENT, D.HOUSING, ALL_URGENCIES, False),
        ("1203", "燃气", ChainLevel.DEPARTMENT, D.HOUSING, ALL_URGENCIES, False),
        ("1204", "供暖", ChainLevel.DEPARTMENT, D.HOUSING, ALL_URGENCIES, False),
    ]),
]

# The major categories whose citizens' requests Open311 publishes: the city's appearance and its
# public facilities. The others are about people, premises or businesses (public security, fire
# hazards, work safety, rentals and migrants, disputes, food and market checks, welfare), so
# publishing them would expose who reported whom; an administrator may open a category later.
PUBLIC_MAJORS = ("01", "02", "03", "09")


def is_public_code(code):
    """Return whether the category with `code` (major or minor) is published by default."""
    return code[:2] in PUBLIC_MAJORS


def catalogue_publish(category_model):
    """Mark every category public or not by its major category (PUBLIC_MAJORS); return how many are public."""
    categories = list(category_model.objects.all())
    for category in categories:
        category.is_public = is_public_code(category.code)
    category_model.objects.bulk_update(categories, ["is_public"])
    return sum(category.is_public for category in categories)


def catalogue_load(category_model):
    """Create the catalogue's categories that do not exist yet (by code); return how many."""
    # Migration 0002 loads the catalogue into the model as it was then, before the Open311 flag
    # (0013 sets the flag on what 0002 loaded).
    has_flag = any(field.name == "is_public" for field in category_model._meta.get_fields())

    def published(code):
        return {"is_public": is_public_code(code)} if has_flag else {}

    created = 0
    for code, name, minors in CATALOGUE:
        major, made = category_model.objects.get_or_create(code=code, defaults={"name": name, **published(code)})
        created += made
        for minor_code, minor_name, level, department, urgencies, dispute in minors:
            created += category_model.objects.get_or_create(code=minor_code, defaults={
                "name": minor_name, "parent": major, "first_level": level, "default_department": department,
                "urgencies": [str(u) for u in urgencies], "is_dispute": dispute, **published(minor_code),
            })[1]
    return created
