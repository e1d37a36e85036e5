from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0061_data_generation"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="delegation",
            index=models.Index(
                condition=models.Q(("visibility", "public")),
                fields=["-updated_at"],
                name="delegation_feed_idx",
            ),
        ),
    ]
