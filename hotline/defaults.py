"""Default hotline data loaded by a migration and edited by admins afterwards (domain.md §4)."""

# (kind, dispatch minutes, reply minutes or working days, clock time, category codes always in it)
# domain.md §4 (Beijing, Shandong): dispatch within 1 h for emergencies and threats to life,
# health or property, within 2 h for water/power/gas/heating and extreme weather; reply within
# 2 h (emergency), 24 h (utilities), 5 working days (ordinary), 15 working days (complex).
# Ordinary and complex matters keep the catalogue's usual 2 working hours to sign for.
TIME_LIMITS = [
    ("emergency", 60, 120, True, []),
    ("utilities", 120, 24 * 60, True, ["0204", "1201", "1202", "1203", "1204"]),
    ("ordinary", 120, 5, False, []),  # reply in working days
    ("complex", 120, 15, False, []),
]

# Category suggestion (hotline.selectors.category_suggest): words in a call's content and their
# weight towards a minor category of the catalogue (incidents.catalogue). Admins tune them.
KEYWORDS = {
    "0101": {"占道": 3, "摆摊": 3, "小贩": 2, "流动摊": 3, "夜市": 1},
    "0102": {"乱堆": 3, "堆放": 3, "杂物": 2, "建筑垃圾": 2, "废品": 1},
    "0103": {"违建": 3, "违章建筑": 3, "私搭乱建": 3, "加建": 2, "搭建": 2},
    "0104": {"市容": 3, "广告牌": 2, "横幅": 2, "小广告": 2, "涂鸦": 2},
    "0201": {"路灯": 3, "灯不亮": 3, "照明": 2, "灯杆": 2},
    "0202": {"井盖": 3, "窨井": 3, "下水道口": 2},
    "0203": {"路面": 2, "坑洼": 3, "道路破损": 3, "塌陷": 3, "人行道": 1},
    "0204": {"排水": 3, "积水": 3, "水浸": 3, "下水道": 2, "堵塞": 1, "停水": 3},
    "0301": {"垃圾": 3, "垃圾桶": 2, "清运": 2, "异味": 1},
    "0302": {"噪音": 3, "噪声": 3, "扰民": 2, "施工": 1, "广场舞": 2},
    "0303": {"污水": 3, "排污": 3, "偷排": 3, "河涌": 2},
    "0304": {"油烟": 3, "烧烤": 2, "餐馆": 1},
    "0401": {"治安": 3, "偷窃": 3, "盗窃": 3, "打架": 2, "可疑": 1},
    "0501": {"消防通道": 3, "通道堵塞": 3, "占用通道": 2},
    "0502": {"电动车": 3, "充电": 2, "飞线": 3, "电瓶车": 3},
    "0503": {"高层": 2, "消防设施": 3, "灭火器": 2, "消防栓": 3},
    "0601": {"安全生产": 3, "危险品": 3, "煤气罐": 2, "燃气泄漏": 3},
    "0701": {"出租屋": 3, "租客": 2, "群租": 3, "房东": 1},
    "0702": {"流动人口": 3, "暂住": 2, "居住登记": 3},
    "0801": {"邻居": 3, "邻里": 3, "漏水": 1},
    "0802": {"物业": 3, "物业费": 3, "业委会": 2},
    "0803": {"欠薪": 3, "工资": 2, "拖欠": 2, "劳动合同": 2},
    "0804": {"家暴": 3, "离婚": 2, "婚姻": 2, "赡养": 2},
    "0901": {"红绿灯": 3, "信号灯": 3, "交通标志": 2, "护栏": 2},
    "0902": {"乱停车": 3, "违停": 3, "停车": 2, "占用车位": 2},
    "1001": {"食品": 2, "过期": 3, "变质": 3, "食物中毒": 3, "餐饮": 1},
    "1002": {"无照": 3, "无证经营": 3, "营业执照": 2},
    "1101": {"养老": 3, "老人": 2, "独居": 2, "长者饭堂": 3},
    "1102": {"低保": 3, "困难": 2, "救助": 3, "残疾": 2},
    # A supply cut outweighs the drainage words it shares ("停水" is also drainage's).
    "1201": {"停水": 4, "自来水": 3, "供水": 3, "水压": 2, "水质": 2},
    "1202": {"停电": 4, "断电": 3, "供电": 3, "跳闸": 2, "电压": 2},
    "1203": {"燃气": 3, "天然气": 3, "停气": 3, "煤气": 2},
    "1204": {"供暖": 3, "暖气": 3, "采暖": 3, "供热": 3, "不热": 2},
}


def defaults_load(*, category_model, time_limit_model, keyword_model, weights_model):
    """Create the default time limits, keywords and weights that do not exist yet (models passed in
    so that the data migration can use its historical ones)."""
    from incidents.worktime import working_day_minutes

    categories = {category.code: category for category in category_model.objects.filter(parent__isnull=False)}
    for kind, dispatch, reply, clock, codes in TIME_LIMITS:
        limit, _ = time_limit_model.objects.get_or_create(kind=kind, defaults={
            "dispatch_minutes": dispatch, "clock_time": clock,
            "reply_minutes": reply if clock else reply * working_day_minutes(),
        })
        limit.categories.add(*[categories[code] for code in codes if code in categories])
    keyword_model.objects.bulk_create(
        [keyword_model(category=categories[code], keyword=word, weight=weight)
         for code, words in KEYWORDS.items() if code in categories for word, weight in words.items()],
        ignore_conflicts=True,
    )
    if not weights_model.objects.filter(category__isnull=True).exists():
        weights_model.objects.create()
