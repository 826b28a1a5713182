from django.db import migrations


def create_default(apps, schema_editor):
    """The default weights (on-time 40, overdue 20, returns 10, satisfaction 30), editable by admins."""
    scheme = apps.get_model("dashboards", "AssessmentScheme")
    if not scheme.objects.exists():
        scheme.objects.create(note="Default weights")


class Migration(migrations.Migration):
    dependencies = [("dashboards", "0002_ticket_triggers")]

    operations = [migrations.RunPython(create_default, migrations.RunPython.noop)]
