"""A ticket carries the longest extension it may get, copied from its time limits like the clocks.

The 12345 rule (at most HOTLINE_EXTENSION_MAX_WORKING_DAYS, domain.md §4) was a special case
inside ticket_request_extension; the hotline's time limits now state it, and the hotline orders
already stored get it here.
"""

from django.conf import settings
from django.db import migrations, models


def hotline_orders_limited(apps, schema_editor):
    day = sum(
        (int(end[:2]) * 60 + int(end[3:])) - (int(start[:2]) * 60 + int(start[3:]))
        for start, end in (period.split("-") for period in settings.WORKING_PERIODS)
    )
    days = settings.HOTLINE_EXTENSION_MAX_WORKING_DAYS
    Ticket = apps.get_model("incidents", "Ticket")
    hotline = Ticket.objects.filter(source="hotline", extension_max_minutes__isnull=True)
    hotline.filter(clock_time=False).update(extension_max_minutes=days * day)
    hotline.filter(clock_time=True).update(extension_max_minutes=days * 24 * 60)


class Migration(migrations.Migration):

    dependencies = [
        ("incidents", "0008_ticket_supervision_open_location"),
    ]

    operations = [
        migrations.AddField(
            model_name="ticket",
            name="extension_max_minutes",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="timelimit",
            name="extension_max_minutes",
            field=models.PositiveIntegerField(blank=True, help_text="Empty: no limit.", null=True,
                                              verbose_name="longest extension (minutes)"),
        ),
        migrations.RunPython(hotline_orders_limited, migrations.RunPython.noop),
    ]
