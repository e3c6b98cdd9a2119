"""The GIN index of the search vectors and an index of publication times, built
CONCURRENTLY on PostgreSQL so that publishing is not blocked while they are built; on
SQLite the plain index only."""

import django.contrib.postgres.indexes
from django.db import migrations, models

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
        AddIndexConcurrentlyOnPostgreSQL(
            model_name="articleversion",
            index=models.Index(fields=["published_at"], name="version_published_at"),
        ),
    ]
