"""Editors' picks: the mark on a comment, and an index of the marked ones per article, so
that the article page finds its picks without walking its thread (built CONCURRENTLY on
PostgreSQL, hence ``atomic = False``)."""

from django.db import migrations, models

from cms.postgres_operations import AddIndexConcurrentlyOnPostgreSQL


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('comments', '0014_rejection_reasons'),
    ]

    operations = [
        migrations.AddField(
            model_name='comment',
            name='featured_at',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        AddIndexConcurrentlyOnPostgreSQL(
            model_name="comment",
            index=models.Index(
                condition=models.Q(("featured_at__isnull", False)),
                fields=["article", "featured_at"],
                name="comment_featured",
            ),
        ),
    ]
