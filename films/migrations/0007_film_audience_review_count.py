from django.db import migrations, models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce


def count_audience_reviews(apps, schema_editor):
    """Fill the new count from the reviews."""
    Film = apps.get_model("films", "Film")
    AudienceReview = apps.get_model("reviews", "AudienceReview")
    visible = (
        AudienceReview.objects.filter(film=OuterRef("pk"), is_hidden=False)
        .order_by()
        .values("film")
        .annotate(n=Count("pk"))
        .values("n")
    )
    Film.objects.update(audience_review_count=Coalesce(Subquery(visible), 0))


class Migration(migrations.Migration):
    dependencies = [
        ("films", "0006_add_browse_sort_indexes"),
        ("reviews", "0007_index_review_lists_in_their_order"),
    ]

    operations = [
        migrations.AddField(
            model_name="film",
            name="audience_review_count",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(count_audience_reviews, migrations.RunPython.noop, elidable=True),
    ]
