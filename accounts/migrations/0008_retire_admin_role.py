"""The legacy role "admin" retires (三员: no everyday superuser, no all-seeing account beside the three).

An account of that role that is a superuser keeps its flag (break-glass) and no role, as
createsuperuser makes them. One that is not (an all-seeing account of a unit) becomes a leader: the
read-only oversight of its unit's area, without the hotline's intake and reveals it had. Each
change goes into the audit trail. Roles become blank until given: the security administrator
gives them (accounts.assign_roles), no longer the system administrator.
"""

from django.db import migrations, models

from audit.services import audit_record


def admin_role_retire(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    for user in User.objects.filter(role="admin").order_by("pk"):
        role = "" if user.is_superuser else "leader"
        User.objects.filter(pk=user.pk).update(role=role)
        audit_record(action="role_change", result="success", target=user.username,
                     details={"role": ["admin", role], "by": "migration accounts.0008_retire_admin_role"})


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0007_administrator_groups'),
        ('audit', '0002_append_only'),
    ]

    operations = [
        migrations.RunPython(admin_role_retire, migrations.RunPython.noop),
        migrations.AlterModelOptions(
            name='user',
            options={'permissions': [('assign_groups', 'Can assign groups and permissions to users'), ('assign_roles', 'Can give users their role')], 'verbose_name': 'user', 'verbose_name_plural': 'users'},
        ),
        migrations.AlterField(
            model_name='user',
            name='role',
            field=models.CharField(blank=True, choices=[('grid_worker', 'Grid worker'), ('community_staff', 'Community staff'), ('street_coordinator', 'Street coordinator'), ('department_handler', 'Department handler'), ('hotline_operator', '12345 hotline operator'), ('mediator', 'Mediator'), ('leader', 'Leader'), ('sysadmin', 'System administrator'), ('secadmin', 'Security administrator'), ('auditor', 'Audit administrator')], max_length=20, verbose_name='role'),
        ),
    ]
