"""The province level (省) above cities: a province is a root, a city is a root or sits under a province.

Existing single-city trees stay valid: their city remains the root.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('grids', '0002_drop_partial_grid_geom_index'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='area',
            name='area_only_city_is_root',
        ),
        migrations.RemoveConstraint(
            model_name='area',
            name='area_code_length_matches_level',
        ),
        migrations.AlterField(
            model_name='area',
            name='level',
            field=models.CharField(choices=[('province', 'Province'), ('city', 'City'), ('district', 'District'), ('street', 'Street'), ('community', 'Community'), ('grid', 'Grid')], max_length=10, verbose_name='level'),
        ),
        migrations.AddConstraint(
            model_name='area',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('level', 'province'), ('parent__isnull', True)), ('level', 'city'), models.Q(models.Q(('level__in', ['province', 'city']), _negated=True), ('parent__isnull', False)), _connector='OR'), name='area_only_province_or_city_is_root'),
        ),
        migrations.AddConstraint(
            model_name='area',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('code__regex', '^\\d{2}0000$'), ('level', 'province')), models.Q(('code__regex', '^\\d{6}$'), ('level__in', ['city', 'district'])), models.Q(('code__regex', '^\\d{9}$'), ('level', 'street')), models.Q(('code__regex', '^\\d{12}$'), ('level', 'community')), models.Q(('code__regex', '^\\d{15}$'), ('level', 'grid')), _connector='OR'), name='area_code_length_matches_level'),
        ),
    ]
