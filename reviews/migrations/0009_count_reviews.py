from django.db import migrations
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

BATCH_SIZE = 1000


def _counted(reviews, key, condition):
    return Coalesce(
        Subquery(
            reviews.filter(condition, **{key: OuterRef("pk")})
            .order_by()
            .values(key)
            .annotate(n=Count("pk"))
            .values("n")
        ),
        0,
    )


def _fill(model, **counts):
    """Set the counts a batch of rows at a time, each batch its own transaction."""
    last_pk = 0
    while batch := list(
        model.objects.filter(pk__gt=last_pk)
        .order_by("pk")
        .values_list("pk", flat=True)[:BATCH_SIZE]
    ):
        model.objects.filter(pk__in=batch).update(**counts)
        last_pk = batch[-1]


def count_reviews(apps, schema_editor):
    """Fill the counts reviews 0008 (and accounts 0005, the members') added."""
    critic_reviews = apps.get_model("reviews", "CriticReview").objects
    published = Q(is_published=True)
    _fill(
        apps.get_model("reviews", "Critic"),
        review_count=_counted(critic_reviews, "critic", published),
        fresh_count=_counted(critic_reviews, "critic", published & Q(sentiment="fresh")),
        rotten_count=_counted(critic_reviews, "critic", published & Q(sentiment="rotten")),
    )
    _fill(
        apps.get_model("reviews", "Publication"),
        review_count=_counted(critic_reviews, "publication", published),
    )
    audience_reviews = apps.get_model("reviews", "AudienceReview").objects
    _fill(
        apps.get_model("accounts", "User"),
        review_count=_counted(audience_reviews, "user", Q(is_hidden=False)),
    )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("reviews", "0008_critic_and_publication_review_counts"),
    ]

    operations = [
        migrations.RunPython(count_reviews, migrations.RunPython.noop, elidable=True),
    ]
