from django.db import migrations, models


class Migration(migrations.Migration):
    """The count is filled from the reviews by reviews 0008."""

    dependencies = [
        ("accounts", "0004_moderators_view_films"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="review_count",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
    ]
