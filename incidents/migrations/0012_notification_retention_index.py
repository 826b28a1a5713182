"""The retention rule finds the oldest delivered notices (incidents.notifications.notifications_prune)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("incidents", "0011_notification_delivery_claims"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(condition=models.Q(("delivered_at__isnull", False)), fields=["created_at"],
                               name="notification_delivered_idx"),
        ),
    ]
