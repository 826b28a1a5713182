"""Categories carry whether Open311 publishes their citizens' requests; the catalogue's are set by
major category (incidents.catalogue.PUBLIC_MAJORS). Going back drops the flag."""

from django.db import migrations, models


def publish_by_major(apps, schema_editor):
    from incidents.catalogue import catalogue_publish

    catalogue_publish(apps.get_model("incidents", "Category"))


class Migration(migrations.Migration):

    dependencies = [
        ("incidents", "0013_ticketevent_unit_ticket_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="category",
            name="is_public",
            field=models.BooleanField(
                default=True,
                help_text="Citizens' requests of this category are listed on the public Open311 interface "
                          "(location blurred to the grid, numbers in the text masked).",
                verbose_name="published on Open311"),
        ),
        migrations.RunPython(publish_by_major, migrations.RunPython.noop),
    ]
