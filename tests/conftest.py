"""Shared fixtures: articles with versions, comments, and the people who use the admin."""

import itertools
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.cache import cache
from django.utils import timezone

from articles.models import Article
from comments.models import Comment

SHARED = Path(__file__).resolve().parents[2] / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache (rate limits, cached pages)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_article(db):
    """Make an article with one version; published now unless told otherwise."""

    def make(
        title="Sleep and Health",
        summary="Why sleep matters, in a few paragraphs.",
        body="## Why sleep\n\nSleep restores the body.\n\n- **Rest:** it helps.",
        slug=None,
        publish=True,
        publish_at=None,
        **fields,
    ):
        article = Article.objects.create(slug=slug or f"article-{next(_numbers)}", **fields)
        version = article.add_version(title=title, summary=summary, body=body)
        if publish:
            article.publish(version, when=publish_at)
        article.refresh_from_db()
        return article

    return make


@pytest.fixture
def article(make_article):
    return make_article()


@pytest.fixture
def make_comment(db):
    """Save a comment straight to the database (approved unless told otherwise)."""

    def make(article, *, parent=None, status=Comment.Status.APPROVED, **fields):
        fields.setdefault("name", f"Reader {next(_numbers)}")
        fields.setdefault("email", f"reader{next(_numbers)}@example.org")
        fields.setdefault("body", "A thoughtful comment.")
        fields.setdefault("created_at", timezone.now() - timedelta(minutes=next(_numbers)))
        comment = Comment(
            article=article,
            article_version_id=article.published_version_id,
            parent=parent,
            status=status,
            **fields,
        )
        comment.save()
        return comment

    return make


@pytest.fixture
def comment_post(client):
    """Post the "Leave a Reply" form as a reader who took ten seconds to write."""
    import time

    from comments.forms import make_form_token

    def post(article, follow=False, **fields):
        data = {
            "body": "Very clear, thank you.",
            "name": "Ada Reader",
            "email": "ada@example.org",
            "website": "",
            "token": make_form_token(article.pk, now=time.time() - 10),
        }
        data.update(fields)
        return client.post(f"/{article.slug}/comments/", data, follow=follow)

    return post
