"""A ticket keeps the fingerprint of the request that made it: its idempotency key sent with another request is a
conflict, not a retry. A column without an index (the escalation sweep rewrites every index of the table)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("incidents", "0017_merge"),
    ]

    operations = [
        migrations.AddField(
            model_name="ticket",
            name="request_fingerprint",
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name="request fingerprint"),
        ),
    ]
