"""Comment.posting_key: a post sent again shows the first comment (comments/resubmission.py).

The key is unique per article where it is set. On PostgreSQL its unique index is built
CONCURRENTLY (hence ``atomic = False``), so that posting and moderating go on while it
scans a big table; elsewhere the constraint is added as usual. Old comments have no key.
"""

from django.db import migrations, models

CONSTRAINT = models.UniqueConstraint(
    condition=models.Q(("posting_key__isnull", False)),
    fields=("article", "posting_key"),
    name="unique_posting_key",
)


def add_unique_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "unique_posting_key" '
            'ON "comments_comment" ("article_id", "posting_key") '
            'WHERE "posting_key" IS NOT NULL'
        )
    else:
        schema_editor.add_constraint(apps.get_model("comments", "Comment"), CONSTRAINT)


def remove_unique_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('DROP INDEX CONCURRENTLY IF EXISTS "unique_posting_key"')
    else:
        schema_editor.remove_constraint(apps.get_model("comments", "Comment"), CONSTRAINT)


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [
        ("comments", "0011_outgoing_email_sending_and_worker_heartbeat"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="posting_key",
            field=models.CharField(blank=True, editable=False, max_length=64, null=True),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddConstraint(model_name="comment", constraint=CONSTRAINT)],
            database_operations=[migrations.RunPython(add_unique_index, remove_unique_index)],
        ),
    ]
