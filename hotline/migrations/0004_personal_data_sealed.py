"""Callers' numbers and names, Open311 reporters' e-mail and names: encrypted at rest (PIPL).

Each clear column becomes <field>_encrypted and <field>_masked (govportal.crypto); a caller's
number also gets its keyed hash, which call_phone_idx now indexes, so the caller's earlier calls
are found without the clear number. Existing rows are converted in batches (FIELD_ENCRYPTION_KEY
must be set when there are any). Reversible: going back decrypts into the clear columns again.
"""

from django.db import migrations, models

from govportal import crypto
from govportal.masking import mask_email, mask_name, mask_phone

CALL_FIELDS = [("caller_phone", mask_phone, True), ("caller_name", mask_name, False)]
OPEN311_FIELDS = [("email", mask_email, False), ("first_name", mask_name, False), ("last_name", mask_name, False)]


def seal(apps, schema_editor):
    crypto.rows_seal(apps.get_model("hotline", "Call"), CALL_FIELDS)
    crypto.rows_seal(apps.get_model("hotline", "Open311Request"), OPEN311_FIELDS)


def unseal(apps, schema_editor):
    crypto.rows_unseal(apps.get_model("hotline", "Call"), [field for field, *_ in CALL_FIELDS])
    crypto.rows_unseal(apps.get_model("hotline", "Open311Request"), [field for field, *_ in OPEN311_FIELDS])


def optional_sealed(model, field, max_length, verbose_name):
    """Return the operations adding the encrypted and masked columns of an optional personal field."""
    return [
        migrations.AddField(model, f"{field}_encrypted", models.TextField(blank=True, default="", editable=False),
                            preserve_default=False),
        migrations.AddField(model, f"{field}_masked",
                            models.CharField(blank=True, max_length=max_length, verbose_name=verbose_name)),
    ]


class Migration(migrations.Migration):

    dependencies = [
        ("hotline", "0003_ticket_place"),
    ]

    operations = [
        migrations.AddField("call", "caller_phone_encrypted", models.TextField(default="", editable=False),
                            preserve_default=False),
        migrations.AddField("call", "caller_phone_masked",
                            models.CharField(default="", max_length=20, verbose_name="caller's phone"),
                            preserve_default=False),
        migrations.AddField("call", "caller_phone_hash", models.CharField(default="", editable=False, max_length=64),
                            preserve_default=False),
        *optional_sealed("call", "caller_name", 50, "caller's name"),
        *optional_sealed("open311request", "email", 254, "e-mail"),
        *optional_sealed("open311request", "first_name", 50, "first name"),
        *optional_sealed("open311request", "last_name", 50, "last name"),
        migrations.RunPython(seal, unseal),
        migrations.RemoveIndex("call", "call_phone_idx"),
        # blank=True first, so that going back re-adds the column with "" before unseal fills it.
        migrations.AlterField("call", "caller_phone",
                              models.CharField(blank=True, max_length=20, verbose_name="caller's phone")),
        migrations.RemoveField("call", "caller_phone"),
        migrations.RemoveField("call", "caller_name"),
        migrations.RemoveField("open311request", "email"),
        migrations.RemoveField("open311request", "first_name"),
        migrations.RemoveField("open311request", "last_name"),
        migrations.AddIndex("call", models.Index(fields=["caller_phone_hash", "-started_at"], name="call_phone_idx")),
    ]
