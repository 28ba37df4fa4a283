from django.db import migrations

from films.migration_operations import RunSQLOnPostgreSQL


class Migration(migrations.Migration):
    """Trigram indexes for finding critics by their name or their publication's (films.search);
    films 0004 created the pg_trgm extension."""

    dependencies = [
        ("films", "0004_add_search_indexes"),
        ("reviews", "0005_add_score_record"),
    ]

    operations = [
        RunSQLOnPostgreSQL(
            [
                "CREATE INDEX critic_name_trgm_idx ON reviews_critic USING gin (name gin_trgm_ops)",
                "CREATE INDEX publication_name_trgm_idx"
                " ON reviews_publication USING gin (name gin_trgm_ops)",
            ],
            ["DROP INDEX critic_name_trgm_idx", "DROP INDEX publication_name_trgm_idx"],
        ),
    ]
