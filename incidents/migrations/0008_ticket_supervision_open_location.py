# The name stays although the location index moved to hotline.TicketPlace before this was
# committed: mediation/0001 depends on it by name.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('grids', '0002_drop_partial_grid_geom_index'),
        ('incidents', '0007_unused_ticket_indexes_dropped'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='ticket',
            name='supervised_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='supervised since'),
        ),
        migrations.AddField(
            model_name='ticket',
            name='supervised_by',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='supervised by'),
        ),
    ]
