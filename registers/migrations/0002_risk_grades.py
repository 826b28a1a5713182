"""The default risk grades of rental houses (以房管人) and how often each is inspected; admins change them."""

from django.db import migrations

GRADES = [("A", "放心", 90), ("B", "关注", 30), ("C", "严管", 7)]


def grades_create(apps, schema_editor):
    RiskGrade = apps.get_model("registers", "RiskGrade")
    for code, name, days in GRADES:
        RiskGrade.objects.get_or_create(code=code, defaults={"name": name, "inspection_interval_days": days})


class Migration(migrations.Migration):
    dependencies = [("registers", "0001_initial")]

    operations = [migrations.RunPython(grades_create, migrations.RunPython.noop)]
