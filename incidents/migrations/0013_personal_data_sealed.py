"""Citizens' numbers on work orders and in the reward ledger: encrypted at rest (PIPL).

reporter_phone and the ledger's phone become <field>_encrypted and <field>_masked
(govportal.crypto); the ledger also gets the number's keyed hash, indexed, so a phone's points
are found without the clear number. Existing rows are converted in batches (FIELD_ENCRYPTION_KEY
must be set when there are any). Reversible: going back decrypts into the clear columns again.
"""

from django.db import migrations, models

from govportal import crypto
from govportal.masking import mask_phone

TICKET_FIELDS = [("reporter_phone", mask_phone, False)]
REWARD_FIELDS = [("phone", mask_phone, True)]


def seal(apps, schema_editor):
    crypto.rows_seal(apps.get_model("incidents", "Ticket"), TICKET_FIELDS)
    crypto.rows_seal(apps.get_model("incidents", "RewardEntry"), REWARD_FIELDS)


def unseal(apps, schema_editor):
    crypto.rows_unseal(apps.get_model("incidents", "Ticket"), ["reporter_phone"])
    crypto.rows_unseal(apps.get_model("incidents", "RewardEntry"), ["phone"])


class Migration(migrations.Migration):

    dependencies = [
        ("incidents", "0012_notification_retention_index"),
    ]

    operations = [
        migrations.AddField("ticket", "reporter_phone_encrypted",
                            models.TextField(blank=True, default="", editable=False), preserve_default=False),
        migrations.AddField("ticket", "reporter_phone_masked",
                            models.CharField(blank=True, max_length=20, verbose_name="reporter's phone")),
        migrations.AddField("rewardentry", "phone_encrypted", models.TextField(default="", editable=False),
                            preserve_default=False),
        migrations.AddField("rewardentry", "phone_masked", models.CharField(default="", max_length=20,
                                                                            verbose_name="phone"),
                            preserve_default=False),
        migrations.AddField("rewardentry", "phone_hash",
                            models.CharField(db_index=True, default="", editable=False, max_length=64),
                            preserve_default=False),
        migrations.RunPython(seal, unseal),
        migrations.RemoveField("ticket", "reporter_phone"),
        # blank=True and no index first, so that going back re-adds the column with "" before unseal fills it.
        migrations.AlterField("rewardentry", "phone", models.CharField(blank=True, max_length=20, verbose_name="phone")),
        migrations.RemoveField("rewardentry", "phone"),
    ]
