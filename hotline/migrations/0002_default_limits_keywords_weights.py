from django.db import migrations


def load(apps, schema_editor):
    from hotline.defaults import defaults_load

    defaults_load(
        category_model=apps.get_model("incidents", "Category"),
        time_limit_model=apps.get_model("hotline", "HotlineTimeLimit"),
        keyword_model=apps.get_model("hotline", "CategoryKeyword"),
        weights_model=apps.get_model("hotline", "RateWeights"),
    )


class Migration(migrations.Migration):
    dependencies = [("hotline", "0001_initial"), ("incidents", "0002_default_catalogue_and_calendar")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
