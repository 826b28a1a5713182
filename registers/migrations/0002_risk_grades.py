"""The default risk grades of rental houses and how often each is inspected; admins change them."""

from django.db import migrations


def grades_create(apps, schema_editor):
    from registers.defaults import risk_grades_load

    risk_grades_load(apps.get_model("registers", "RiskGrade"))


class Migration(migrations.Migration):
    dependencies = [("registers", "0001_initial")]

    operations = [migrations.RunPython(grades_create, migrations.RunPython.noop)]
