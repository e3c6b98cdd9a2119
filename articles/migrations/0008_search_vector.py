"""A stored search vector on each version, filled for every version already published.

On PostgreSQL the column is a tsvector. The migration is not atomic, so that adding the
nullable column (instant) takes its lock only for a moment, and the vectors are then
stored a thousand versions at a time, each batch its own short transaction: readers are
never blocked, and publishing waits at most for one batch. SQLite gets an unused column:
its search does not read it.
"""

import django.contrib.postgres.search
from django.contrib.postgres.search import SearchVector
from django.db import migrations

SEARCH_CONFIG = "english"  # ArticleVersion.SEARCH_CONFIG when this migration was written
BATCH = 1000


def fill_search_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    ArticleVersion = apps.get_model("articles", "ArticleVersion")
    vector = (
        SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("summary", weight="B", config=SEARCH_CONFIG)
        + SearchVector("body", weight="C", config=SEARCH_CONFIG)
    )
    published = ArticleVersion.objects.filter(published_at__isnull=False).order_by("pk")
    last = 0
    while True:
        batch = list(published.filter(pk__gt=last).values_list("pk", flat=True)[:BATCH])
        if not batch:
            return
        ArticleVersion.objects.filter(pk__in=batch).update(search_vector=vector)
        last = batch[-1]


class Migration(migrations.Migration):
    atomic = False  # each statement, and each batch of the fill, commits on its own

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
