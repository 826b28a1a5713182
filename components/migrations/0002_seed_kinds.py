"""Seed the component catalogue's major classes and a subset of minor classes (components.catalogue)."""

from django.db import migrations


def kinds_create(apps, schema_editor):
    from components.catalogue import kinds_load

    kinds_load(apps.get_model("components", "ComponentKind"))


class Migration(migrations.Migration):
    dependencies = [("components", "0001_components")]

    operations = [migrations.RunPython(kinds_create, migrations.RunPython.noop)]
