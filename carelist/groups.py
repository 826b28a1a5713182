"""The nine national special groups (the 9 of "9+X", GB/T 31000) with a visit interval per level of attention.

Intervals in days for level 1 / 2 / 3 (close / regular / routine attention): the defaults a city
starts from, changed and joined by its own X groups in the admin. Loaded by a data migration.
"""

NATIONAL_GROUPS = [
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


def national_groups_load(group_model, level_model):
    """Create the national groups and levels that are missing (the models: a migration's or the app's);
    what exists, perhaps changed by the city, is left as it is."""
    for order, (code, name, intervals) in enumerate(NATIONAL_GROUPS, start=1):
        group, _ = group_model.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order * 10})
        for level, days in enumerate(intervals, start=1):
            level_model.objects.get_or_create(group=group, level=level, defaults={"visit_interval_days": days})
