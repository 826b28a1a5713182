"""The component catalogue (GB/T 30428.2; the numbering of its predecessor CJ/T 214): the major classes
and a subset of minor classes. More minor classes are added in the admin."""

KINDS = [
    ("01", "公用设施", [("0101", "上水井盖"), ("0102", "污水井盖"), ("0103", "雨水井盖"), ("0104", "雨水箅子"),
                    ("0105", "电力井盖"), ("0107", "通信井盖"), ("0111", "燃气井盖"), ("0114", "消防栓"),
                    ("0118", "路灯")]),
    ("02", "道路交通", [("0203", "公交站亭"), ("0205", "过街天桥"), ("0209", "交通标志牌"), ("0210", "交通信号灯"),
                    ("0211", "护栏")]),
    ("03", "市容环境", [("0301", "公共厕所"), ("0306", "垃圾箱"), ("0305", "广告牌匾")]),
    ("04", "园林绿化", [("0401", "古树名木"), ("0402", "行道树"), ("0403", "护树设施"), ("0405", "绿地")]),
    ("05", "房屋土地", [("0501", "宣传栏"), ("0502", "人防工事")]),
    ("06", "其他设施", [("0601", "重大危险源"), ("0602", "工地")]),
]


def kinds_load(kind_model):
    """Create the catalogue's classes that do not exist yet (by code); return how many."""
    created = 0
    for code, name, minors in KINDS:
        major, made = kind_model.objects.get_or_create(code=code, defaults={"name": name})
        created += made
        for minor_code, minor_name in minors:
            created += kind_model.objects.get_or_create(code=minor_code, defaults={"name": minor_name,
                                                                                   "parent": major})[1]
    return created
