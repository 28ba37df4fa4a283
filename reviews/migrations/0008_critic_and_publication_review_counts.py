from django.db import migrations, models


class Migration(migrations.Migration):
    """The counts are filled from the reviews by reviews 0009, in batches of its own."""

    dependencies = [
        ("accounts", "0005_user_review_count"),
        ("reviews", "0007_index_review_lists_in_their_order"),
    ]
    operations = [
        migrations.AddField(
            model_name="critic",
            name="review_count",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="critic",
            name="fresh_count",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="critic",
            name="rotten_count",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="publication",
            name="review_count",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
    ]
