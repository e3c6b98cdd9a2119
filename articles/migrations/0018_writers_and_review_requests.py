"""The byline becomes the article's writers (Byline), and a version can be sent for
medical review (ReviewRequest).

The data step keeps today's bylines: each article's writer is the Person of whoever saved
its first published version (the byline readers first saw). An account without a Person
gets one named by its full name; an account without a full name showed no byline, and
its article gets no writer.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.utils.text import slugify


def _unique_slug(Person, db, name):
    base = slugify(name)[:190] or "person"
    slug, number = base, 1
    while Person.objects.using(db).filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def bylines_from_first_published_versions(apps, schema_editor):
    db = schema_editor.connection.alias
    Article = apps.get_model("articles", "Article")
    ArticleVersion = apps.get_model("articles", "ArticleVersion")
    Byline = apps.get_model("articles", "Byline")
    Person = apps.get_model("articles", "Person")
    for article_id in Article.objects.using(db).values_list("pk", flat=True).iterator():
        first = (
            ArticleVersion.objects.using(db)
            .filter(article_id=article_id, published_at__isnull=False, author__isnull=False)
            .select_related("author")
            .order_by("published_at", "number")
            .first()
        )
        if first is None:
            continue
        user = first.author
        person = Person.objects.using(db).filter(user=user).first()
        if person is None:
            name = f"{user.first_name} {user.last_name}".strip()
            if not name:
                continue  # a sign-in name is never shown: there was no byline
            person = Person.objects.using(db).create(
                user=user, name=name, slug=_unique_slug(Person, db, name)
            )
        Byline.objects.using(db).create(article_id=article_id, person=person, position=1)


def forget_bylines(apps, schema_editor):
    apps.get_model("articles", "Byline").objects.using(schema_editor.connection.alias).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0017_stored_comment_counts"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="articleversion",
            name="author",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                to=settings.AUTH_USER_MODEL,
                verbose_name="saved by",
            ),
        ),
        migrations.CreateModel(
            name="Byline",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=1)),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="bylines",
                        to="articles.article",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="bylines",
                        to="articles.person",
                    ),
                ),
            ],
            options={
                "ordering": ["position", "pk"],
            },
        ),
        migrations.AddField(
            model_name="article",
            name="writers",
            field=models.ManyToManyField(
                blank=True,
                related_name="articles_written",
                through="articles.Byline",
                to="articles.person",
            ),
        ),
        migrations.CreateModel(
            name="ReviewRequest",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("note", models.TextField(blank=True, max_length=2000)),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="review_requests_sent",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "reviewer",
                    models.ForeignKey(
                        blank=True,
                        help_text="Empty: any medical reviewer.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="review_requests_received",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "version",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="review_requests",
                        to="articles.articleversion",
                    ),
                ),
            ],
            options={
                "ordering": ["created_at", "pk"],
            },
        ),
        migrations.AddConstraint(
            model_name="byline",
            constraint=models.UniqueConstraint(
                fields=("article", "person"), name="one_byline_per_writer"
            ),
        ),
        migrations.RunPython(bylines_from_first_published_versions, forget_bylines),
    ]
