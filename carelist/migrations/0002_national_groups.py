"""The nine national special groups with their visit intervals (carelist.groups)."""

from django.db import migrations

from carelist.groups import NATIONAL_GROUPS, national_groups_load


def groups_create(apps, schema_editor):
    national_groups_load(apps.get_model("carelist", "CareGroup"), apps.get_model("carelist", "CareLevel"))


def groups_delete(apps, schema_editor):
    codes = [code for code, _name, _intervals in NATIONAL_GROUPS]
    apps.get_model("carelist", "CareGroup").objects.filter(code__in=codes).delete()


class Migration(migrations.Migration):
    dependencies = [("carelist", "0001_special_groups")]

    operations = [migrations.RunPython(groups_create, groups_delete)]
