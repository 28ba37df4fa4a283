from django.db import migrations

from films.migration_operations import RunSQLOnPostgreSQL

# The expression of films.search.film_search_vector(), so that full-text search uses the index.
FILM_DOCUMENT = (
    "(setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A')"
    " || setweight(to_tsvector('english'::regconfig, COALESCE(synopsis, '')), 'C'))"
)


class Migration(migrations.Migration):
    dependencies = [("films", "0003_add_film_redirect")]

    operations = [
        # Kept on the way back: other indexes, or the DBA, may use it.
        RunSQLOnPostgreSQL("CREATE EXTENSION IF NOT EXISTS pg_trgm", migrations.RunSQL.noop),
        RunSQLOnPostgreSQL(
            [
                f"CREATE INDEX film_search_document_idx ON films_film USING gin ({FILM_DOCUMENT})",
                "CREATE INDEX film_title_trgm_idx ON films_film USING gin (title gin_trgm_ops)",
                "CREATE INDEX person_name_trgm_idx ON films_person USING gin (name gin_trgm_ops)",
            ],
            [
                "DROP INDEX film_search_document_idx",
                "DROP INDEX film_title_trgm_idx",
                "DROP INDEX person_name_trgm_idx",
            ],
        ),
    ]
