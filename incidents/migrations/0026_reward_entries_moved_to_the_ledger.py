"""The reward ledger is gone: its rows live on in participation's points ledger (participation 0006)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('incidents', '0025_ticket_status_before_pause_labels'),
        ('participation', '0006_reward_entries_into_the_ledger'),
    ]

    operations = [
        migrations.DeleteModel(
            name='RewardEntry',
        ),
    ]
