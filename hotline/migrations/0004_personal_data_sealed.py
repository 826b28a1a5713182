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


def text(**options):
    return models.TextField(blank=True, default="", editable=False, **options)


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
        migrations.AddField("call", "caller_name_encrypted", text(), preserve_default=False),
        migrations.AddField("call", "caller_name_masked",
                            models.CharField(blank=True, max_length=50, verbose_name="caller's name")),
        migrations.AddField("open311request", "email_encrypted", text(), preserve_default=False),
        migrations.AddField("open311request", "email_masked",
                            models.CharField(blank=True, max_length=254, verbose_name="e-mail")),
        migrations.AddField("open311request", "first_name_encrypted", text(), preserve_default=False),
        migrations.AddField("open311request", "first_name_masked",
                            models.CharField(blank=True, max_length=50, verbose_name="first name")),
        migrations.AddField("open311request", "last_name_encrypted", text(), preserve_default=False),
        migrations.AddField("open311request", "last_name_masked",
                            models.CharField(blank=True, max_length=50, verbose_name="last name")),
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
