"""A stored search vector on each version, filled for every version already published.

On PostgreSQL the column is a tsvector; adding a nullable column is instant, and the
backfill is one UPDATE of the published versions (seconds for ten thousand). SQLite
gets an unused column: its search does not read it.
"""

import django.contrib.postgres.search
from django.contrib.postgres.search import SearchVector
from django.db import migrations

SEARCH_CONFIG = "english"  # ArticleVersion.SEARCH_CONFIG when this migration was written


def fill_search_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    ArticleVersion = apps.get_model("articles", "ArticleVersion")
    ArticleVersion.objects.filter(published_at__isnull=False).update(
        search_vector=SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("summary", weight="B", config=SEARCH_CONFIG)
        + SearchVector("body", weight="C", config=SEARCH_CONFIG)
    )


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0007_legacy_addresses"),
    ]

    operations = [
        migrations.AddField(
            model_name="articleversion",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(fill_search_vectors, migrations.RunPython.noop, elidable=True),
    ]
