"""A grid worker's report of a place outside the grids they serve is marked for the dispatcher."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("incidents", "0014_category_is_public"),
    ]

    operations = [
        migrations.AddField(
            model_name="ticket",
            name="outside_own_grids",
            field=models.BooleanField(
                default=False,
                help_text="Set at intake when a grid worker reports a place outside the grids they serve.",
                verbose_name="reported outside the reporter's grids"),
        ),
    ]
