"""Delivery runs claim notices and record, per channel, whom a copy reached (incidents.notifications)."""

import django.contrib.postgres.fields
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("incidents", "0010_photo_file_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="claimed_until",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="notification",
            name="email_sent_to",
            field=django.contrib.postgres.fields.ArrayField(base_field=models.BigIntegerField(), blank=True,
                                                            null=True, size=None),
        ),
        migrations.AddField(
            model_name="notification",
            name="sms_sent_to",
            field=django.contrib.postgres.fields.ArrayField(base_field=models.BigIntegerField(), blank=True,
                                                            null=True, size=None),
        ),
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(condition=models.Q(("delivered_at__isnull", True)), fields=["created_at"],
                               name="notification_undelivered_idx"),
        ),
    ]
