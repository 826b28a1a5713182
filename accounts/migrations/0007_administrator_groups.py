"""The three administrators' groups (三员) with their permissions, from accounts.roles.

After every later `migrate` the same table is applied again (accounts.apps), so apps installed
after this migration are granted too.
"""

from django.db import migrations

from accounts.roles import administrator_groups_sync


def groups_create(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True  # a migration's app stubs lack it, and create_permissions skips those
    administrator_groups_sync(apps=apps)


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0006_administrator_roles"),
        ("accounts", "0005_drop_drf_authtoken"),
        ("knox", "0009_extend_authtoken_field"),
        ("axes", "0010_accessattemptexpiration"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("otp_totp", "0003_add_timestamps"),
        ("grids", "0002_drop_partial_grid_geom_index"),
        ("incidents", "0012_notification_retention_index"),
        ("hotline", "0003_ticket_place"),
        ("mediation", "0002_partyreveal_protect"),
        ("dashboards", "0006_trigger_functions_from_rules"),
    ]

    operations = [migrations.RunPython(groups_create, migrations.RunPython.noop)]
