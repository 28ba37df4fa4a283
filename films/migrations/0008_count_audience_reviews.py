from django.db import migrations
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

BATCH_SIZE = 1000


def count_audience_reviews(apps, schema_editor):
    """Fill each film's count of visible audience reviews, a batch of films at a time, each
    batch its own transaction (the migration is not atomic), so that no page waits long."""
    Film = apps.get_model("films", "Film")
    AudienceReview = apps.get_model("reviews", "AudienceReview")
    visible = (
        AudienceReview.objects.filter(film=OuterRef("pk"), is_hidden=False)
        .order_by()
        .values("film")
        .annotate(n=Count("pk"))
        .values("n")
    )
    last_pk = 0
    while batch := list(
        Film.objects.filter(pk__gt=last_pk).order_by("pk").values_list("pk", flat=True)[:BATCH_SIZE]
    ):
        Film.objects.filter(pk__in=batch).update(
            audience_review_count=Coalesce(Subquery(visible), 0)
        )
        last_pk = batch[-1]


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("films", "0007_film_audience_review_count"),
        ("reviews", "0007_index_review_lists_in_their_order"),
    ]

    operations = [
        migrations.RunPython(count_audience_reviews, migrations.RunPython.noop, elidable=True),
    ]
