"""What a unit holds or has held is read from the events by unit (incidents.selectors.held_by_unit):
the foreign key's index on the unit becomes one on (unit, ticket), so that read needs the index
only, and the table keeps the same number of indexes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0004_alter_handlingunit_kind"),
        ("incidents", "0012_notification_retention_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="ticketevent",
            name="unit",
            field=models.ForeignKey(blank=True, db_index=False, null=True,
                                    on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="accounts.handlingunit", verbose_name="handling unit after"),
        ),
        migrations.AddIndex(
            model_name="ticketevent",
            index=models.Index(fields=["unit", "ticket"], name="ticketevent_unit_ticket_idx"),
        ),
    ]
