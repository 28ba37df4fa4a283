import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("films", "0004_add_search_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="film",
            name="imdb_id",
            field=models.CharField(
                blank=True,
                max_length=12,
                validators=[
                    django.core.validators.RegexValidator(
                        "^tt\\d{7,10}$", 'An IMDb id looks like "tt0114709".'
                    )
                ],
                verbose_name="IMDb id",
            ),
        ),
        migrations.AddField(
            model_name="film",
            name="movielens_id",
            field=models.PositiveIntegerField(
                blank=True, null=True, unique=True, verbose_name="MovieLens id"
            ),
        ),
        migrations.AddField(
            model_name="film",
            name="tags",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="film",
            name="tmdb_id",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="TMDB id"),
        ),
    ]
