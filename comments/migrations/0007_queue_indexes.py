"""Indexes for the moderation queue at a publisher's scale (hundreds of thousands of comments):
"All" newest first, and the search box (trigram indexes for icontains on PostgreSQL).

Every index is built CONCURRENTLY on PostgreSQL, so readers keep posting comments and
moderators keep working while it is built (minutes on a big table, not a lock); hence
``atomic = False``. On SQLite the plain index is created as usual and the trigram ones are
left out. pg_trgm is a trusted extension: the database's owner may create it.
"""

import django.contrib.postgres.indexes
import django.db.models.functions.comparison
import django.db.models.functions.text
from django.db import migrations, models

from cms.postgres_operations import AddIndexConcurrentlyOnPostgreSQL, TrigramExtensionOnPostgreSQL


def trigram_index(expression, name):
    return AddIndexConcurrentlyOnPostgreSQL(
        model_name="comment",
        index=django.contrib.postgres.indexes.GinIndex(
            django.contrib.postgres.indexes.OpClass(
                django.db.models.functions.text.Upper(expression), name="gin_trgm_ops"
            ),
            name=name,
        ),
    )


def as_text(field):
    return django.db.models.functions.comparison.Cast(field, models.TextField())


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [
        ("comments", "0006_wordpress_import"),
    ]

    operations = [
        TrigramExtensionOnPostgreSQL(),
        AddIndexConcurrentlyOnPostgreSQL(
            model_name="comment",
            index=models.Index(fields=["created_at", "id"], name="comment_newest"),
        ),
        trigram_index(as_text("name"), "comment_name_trigram"),
        trigram_index(as_text("email"), "comment_email_trigram"),
        trigram_index(as_text("body"), "comment_body_trigram"),
        trigram_index(models.Func("ip_address", function="HOST"), "comment_ip_trigram"),
    ]
