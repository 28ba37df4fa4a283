from django.db import migrations


class RunSQLOnPostgreSQL(migrations.RunSQL):
    """SQL that runs only on PostgreSQL: search's GIN indexes have no SQLite counterpart, where
    search is a plain substring match. The indexes stay out of the models' state on purpose, so
    that SQLite never tries to rebuild them when it remakes a table."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
