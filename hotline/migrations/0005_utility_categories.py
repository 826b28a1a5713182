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
    """The utilities' minor categories join the 2 h / 24 h class, with their keywords."""

    dependencies = [("hotline", "0004_personal_data_sealed"), ("incidents", "0021_utility_categories")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
