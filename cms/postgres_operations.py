"""Migration operations for a big PostgreSQL database that still run on SQLite (development),
so that one set of migrations serves both."""

from django.contrib.postgres.operations import AddIndexConcurrently, TrigramExtension
from django.db import migrations, models


class AddIndexConcurrentlyOnPostgreSQL(AddIndexConcurrently):
    """CREATE INDEX CONCURRENTLY on PostgreSQL: readers and writers of the table are not
    blocked while the index is built (the migration must be ``atomic = False``).

    Elsewhere a plain index is created as usual, and an index of a PostgreSQL type (GIN,
    trigram operator classes) is left out: SQLite is for development, where tables are small.
    """

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)
        elif type(self.index) is models.Index:
            model = to_state.apps.get_model(app_label, self.model_name)
            schema_editor.add_index(model, self.index)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
        elif type(self.index) is models.Index:
            model = from_state.apps.get_model(app_label, self.model_name)
            schema_editor.remove_index(model, self.index)
        else:
            # Never made here, but SQLite rebuilds a table from the migration state (a later
            # migration that drops a foreign key, undone), and that rebuild makes every index
            # of the state as a plain one; it would then block dropping its column.
            name = schema_editor.quote_name(self.index.name)
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class TrigramExtensionOnPostgreSQL(TrigramExtension):
    """CREATE EXTENSION pg_trgm on PostgreSQL, nothing elsewhere, both ways (Django's own
    operation checks the database only when it migrates forwards)."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class AddFieldWithoutRebuildOnSQLite(migrations.AddField):
    """AddField that, on SQLite, adds the column with ALTER TABLE ... ADD COLUMN (its
    default left in the table) instead of Django's rebuild of the whole table: the rebuild
    makes every index of the model's state, and a PostgreSQL-only one (a trigram GIN
    index, as on comments) is not valid SQLite. Elsewhere it is Django's AddField."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "sqlite":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        model = to_state.apps.get_model(app_label, self.model_name)
        field = model._meta.get_field(self.name)
        definition, params = schema_editor.column_sql(model, field, include_default=True)
        schema_editor.execute(
            f"ALTER TABLE {schema_editor.quote_name(model._meta.db_table)} "
            f"ADD COLUMN {schema_editor.quote_name(field.column)} {definition}",
            params,
        )
        return None
