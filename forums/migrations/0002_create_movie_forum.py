"""The board every film's discussion lives in, from the start."""

from django.db import migrations


def create_movie_forum(apps, schema_editor):
    Board = apps.get_model("forums", "Board")
    Board.objects.get_or_create(
        slug="movie-forum",
        defaults={
            "name": "Movie forum",
            "description": "Talk about any film: every film has its discussion here.",
            "order": 0,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("forums", "0001_initial")]

    operations = [migrations.RunPython(create_movie_forum, migrations.RunPython.noop)]
