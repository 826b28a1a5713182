from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('incidents', '0026_notification_text'),
        ('incidents', '0026_reward_entries_moved_to_the_ledger'),
    ]

    operations = []
