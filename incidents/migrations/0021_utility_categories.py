from django.db import migrations


def load(apps, schema_editor):
    from incidents.catalogue import catalogue_load

    catalogue_load(apps.get_model("incidents", "Category"))


class Migration(migrations.Migration):
    """The catalogue's utilities (公用事业): 供水, 供电, 燃气, 供暖."""

    dependencies = [("incidents", "0020_merge")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
