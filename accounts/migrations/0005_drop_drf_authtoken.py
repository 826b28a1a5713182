"""Drop DRF's plain-text token table: API tokens are knox's now, stored as hashes (accounts.tokens).

The old tokens never expired; none is carried over, so every API client logs in once more.
"""

from django.db import migrations


def forget_authtoken(apps, schema_editor):
    """Remove what rest_framework.authtoken left registered: its migration records, content type and permissions."""
    schema_editor.execute("DELETE FROM django_migrations WHERE app = 'authtoken'")
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="authtoken").delete()


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0004_alter_handlingunit_kind"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("admin", "0003_logentry_add_action_flag_choices"),  # log entries of the content type lose it, not their row
    ]

    operations = [
        migrations.RunSQL("DROP TABLE IF EXISTS authtoken_token", reverse_sql=migrations.RunSQL.noop),
        migrations.RunPython(forget_authtoken, migrations.RunPython.noop),
    ]
