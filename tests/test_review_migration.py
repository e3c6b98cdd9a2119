"""The data migration that turns the old free-text review fields into signed-review records."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("articles", "0003_medical_reviews"), ("comments", "0002_moderator_and_editor_groups")]
AFTER = [("articles", "0005_remove_free_text_review_fields")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_filled_review_fields_become_reviews_and_copies_do_not():
    apps = migrate(BEFORE)
    try:
        Article = apps.get_model("articles", "Article")
        Version = apps.get_model("articles", "ArticleVersion")
        article = Article.objects.create(slug="migrated")
        typed = {
            "reviewed_by": "Dr. Alex Morgan",
            "reviewer_credentials": "MD",
            "reviewed_on": datetime.date(2026, 3, 4),
        }
        for number, review in enumerate([{}, typed, typed, {}], start=1):
            Version.objects.create(
                article=article,
                number=number,
                title="T",
                summary="S",
                body="B",
                body_html="<p>B</p>",
                **review,
            )
        apps = migrate(AFTER)
        Review = apps.get_model("articles", "MedicalReview")
        (review,) = Review.objects.all()
        # Version 3 only copied version 2's fields: the old form did that to every new version.
        assert review.version.number == 2
        assert (review.reviewer_id, review.reviewer_name, review.credentials) == (
            None,
            "Dr. Alex Morgan",
            "MD",
        )
        assert review.decision == "approve"
        assert review.created_at == datetime.datetime(2026, 3, 4, 12, tzinfo=datetime.UTC)
        field_names = {
            field.name for field in apps.get_model("articles", "ArticleVersion")._meta.fields
        }
        assert "reviewed_by" not in field_names
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
