"""The nine national special groups (9 of "9+X") with a visit interval per level of attention.

Defaults in days for level 1 / 2 / 3 (close / regular / routine attention); a city changes them,
and adds its X, in the admin.
"""

from django.db import migrations

GROUPS = [
    ("community_correction", "社区矫正对象", (7, 15, 30)),
    ("released_prisoners", "刑满释放人员", (15, 30, 90)),
    ("drug_rehabilitation", "社区戒毒社区康复人员", (7, 15, 30)),
    ("severe_mental_illness", "严重精神障碍患者", (7, 14, 30)),
    ("at_risk_youth", "重点青少年", (15, 30, 60)),
    ("left_behind_children", "留守儿童", (15, 30, 60)),
    ("lonely_elderly", "独居老人", (7, 15, 30)),
    ("children_in_difficulty", "困境儿童", (15, 30, 60)),
    ("disabled_in_hardship", "困难残疾人", (15, 30, 60)),
]


def groups_create(apps, schema_editor):
    CareGroup = apps.get_model("carelist", "CareGroup")
    CareLevel = apps.get_model("carelist", "CareLevel")
    for order, (code, name, intervals) in enumerate(GROUPS, start=1):
        group, _ = CareGroup.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order * 10})
        for level, days in enumerate(intervals, start=1):
            CareLevel.objects.get_or_create(group=group, level=level, defaults={"visit_interval_days": days})


def groups_delete(apps, schema_editor):
    apps.get_model("carelist", "CareGroup").objects.filter(code__in=[code for code, _n, _i in GROUPS]).delete()


class Migration(migrations.Migration):
    dependencies = [("carelist", "0001_special_groups")]

    operations = [migrations.RunPython(groups_create, groups_delete)]
