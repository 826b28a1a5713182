"""A photo's row found by its file's name, for the orphan sweep (incidents.photos.photo_orphans_delete)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("incidents", "0009_extension_limit"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="ticketphoto",
            index=models.Index(fields=["image"], name="ticketphoto_image_idx"),
        ),
        migrations.AddIndex(
            model_name="ticketphoto",
            index=models.Index(fields=["thumbnail"], name="ticketphoto_thumbnail_idx"),
        ),
    ]
