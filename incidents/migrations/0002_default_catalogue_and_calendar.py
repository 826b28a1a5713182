from django.db import migrations


def load(apps, schema_editor):
    from incidents.catalogue import catalogue_load
    from incidents.worktime import calendar_sync_from_package

    catalogue_load(apps.get_model("incidents", "Category"))
    calendar_sync_from_package(apps.get_model("incidents", "WorkingDay"))


class Migration(migrations.Migration):
    dependencies = [("incidents", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
