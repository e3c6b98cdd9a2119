"""A page of a long thread without counting it (issue 25): the index of each article's
approved top-level comments in order, built CONCURRENTLY on PostgreSQL (hence
``atomic = False``), and the counts every article's pages show, stored on the article
(articles 0016) and filled in here once, as CommentQuerySet.refresh_threads() keeps them.
"""

from django.db import migrations, models

from cms.postgres_operations import AddIndexConcurrentlyOnPostgreSQL
from comments.models.thread_sql import hidden_subtrees_sql

BATCH = 500  # articles counted per statement


def store_counts(apps, schema_editor):
    """The comments readers see on each article (approved, below no hidden comment) and
    its approved top-level ones, as the thread counts them."""
    Article = apps.get_model("articles", "Article")  # noqa: N806
    Comment = apps.get_model("comments", "Comment")  # noqa: N806
    with_comments = sorted(set(Comment.objects.values_list("article_id", flat=True)))
    connection = schema_editor.connection
    for start in range(0, len(with_comments), BATCH):
        batch = with_comments[start : start + BATCH]
        hidden, params = hidden_subtrees_sql(batch)
        marks = ", ".join(["%s"] * len(batch))
        with connection.cursor() as cursor:
            cursor.execute(
                f"{hidden} SELECT article_id, COUNT(*),"  # noqa: S608 (values as parameters)
                " SUM(CASE WHEN parent_id IS NULL THEN 1 ELSE 0 END)"
                " FROM comments_comment"
                f" WHERE article_id IN ({marks}) AND status = 'approved'"
                " AND id NOT IN (SELECT id FROM under_hidden) GROUP BY article_id",
                [*params, *batch],
            )
            for article_id, shown, top_level in cursor.fetchall():
                Article.objects.filter(pk=article_id).update(
                    approved_comment_count=shown, top_level_comment_count=top_level or 0
                )


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [
        ("articles", "0017_stored_comment_counts"),
        ("comments", "0012_posting_key"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgreSQL(
            model_name="comment",
            index=models.Index(
                condition=models.Q(
                    ("parent", None),
                    models.Q(
                        ("status", "approved"),
                        ("hidden_after_reports_at__isnull", False),
                        _connector="OR",
                    ),
                ),
                fields=["article", "created_at", "id"],
                name="comment_thread_roots",
            ),
        ),
        migrations.RunPython(store_counts, migrations.RunPython.noop, elidable=True),
    ]
