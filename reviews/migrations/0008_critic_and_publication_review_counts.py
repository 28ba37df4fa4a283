from django.db import migrations, models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce


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


def count_reviews(apps, schema_editor):
    """Fill the new counts (and the members' one, added by accounts 0005) from the reviews."""
    critic_reviews = apps.get_model("reviews", "CriticReview").objects
    published = Q(is_published=True)
    apps.get_model("reviews", "Critic").objects.update(
        review_count=_counted(critic_reviews, "critic", published),
        fresh_count=_counted(critic_reviews, "critic", published & Q(sentiment="fresh")),
        rotten_count=_counted(critic_reviews, "critic", published & Q(sentiment="rotten")),
    )
    apps.get_model("reviews", "Publication").objects.update(
        review_count=_counted(critic_reviews, "publication", published)
    )
    audience_reviews = apps.get_model("reviews", "AudienceReview").objects
    apps.get_model("accounts", "User").objects.update(
        review_count=_counted(audience_reviews, "user", Q(is_hidden=False))
    )


class Migration(migrations.Migration):
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
        migrations.RunPython(count_reviews, migrations.RunPython.noop, elidable=True),
    ]
