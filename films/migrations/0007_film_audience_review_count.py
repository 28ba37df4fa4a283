from django.db import migrations, models


class Migration(migrations.Migration):
    """The count is filled from the reviews by films 0008, in batches of its own."""

    dependencies = [
        ("films", "0006_add_browse_sort_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="film",
            name="audience_review_count",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
    ]
