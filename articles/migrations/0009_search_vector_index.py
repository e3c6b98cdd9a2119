"""The GIN index of the search vectors, built CONCURRENTLY on PostgreSQL so that
publishing is not blocked while it is built; nothing on SQLite."""

import django.contrib.postgres.indexes
from django.db import migrations

from cms.postgres_operations import AddIndexConcurrentlyOnPostgreSQL


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [
        ("articles", "0008_search_vector"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgreSQL(
            model_name="articleversion",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_vector"], name="version_search_vector"
            ),
        ),
    ]
