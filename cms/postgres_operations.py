"""Migration operations that only PostgreSQL runs; on SQLite (development) they change the
migration state and nothing else, so one set of migrations serves both databases."""

from django.contrib.postgres.operations import AddIndexConcurrently


class AddIndexConcurrentlyOnPostgreSQL(AddIndexConcurrently):
    """CREATE INDEX CONCURRENTLY on PostgreSQL: readers and writers of the table are not
    blocked while the index is built (the migration must be ``atomic = False``).

    Other databases skip it: SQLite is for development, where tables are small and the
    PostgreSQL index types (GIN) do not exist.
    """

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
