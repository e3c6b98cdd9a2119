"""Shared fixtures: articles with versions, comments, and the people who use the admin."""

import itertools
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from articles.models import Article
from comments.models import Comment

SHARED = Path(__file__).resolve().parents[2] / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Users are made in many tests; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _publishing_without_review(settings):
    """A new site requires a medical review before publishing (REVIEW_REQUIRED_TO_PUBLISH,
    on by default); most tests publish in one step, and the rule's own tests turn it on
    (tests/test_review_workflow.py)."""
    settings.REVIEW_REQUIRED_TO_PUBLISH = False


@pytest.fixture(autouse=True)
def _purges_not_repeated(settings):
    """A purge's repeat (cms/caching.py) would reach the cache a second later, in another
    test; tests/test_purges.py turns it on to test it."""
    settings.HTTP_CACHE_REPURGE_SECONDS = 0


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Whatever a test stores (an upload, the demo's pictures from load_demo) goes to its
    own folder, never the repo's media/; a browser test's live server runs in this process
    and serves it from there."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with empty caches: rate limits, and the rendered fragments (on
    SQLite a rolled-back test's ids come back, and so would its fragments' keys)."""
    from django.core.cache import caches

    cache.clear()
    caches["fragments"].clear()
    yield
    cache.clear()
    caches["fragments"].clear()


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
    """Save a comment as a posted one is saved, without the form (approved unless told
    otherwise): Comment.submit(), so an approved one changes readers' pages."""

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
        comment.submit()
        return comment

    return make


@pytest.fixture
def comment_post(client):
    """Post the "Leave a Reply" form as a reader who took ten seconds to write."""
    import time

    from comments.forms import make_form_token

    def post(article, follow=False, **fields):
        # HTTP_* arguments are request headers; the rest are form fields.
        headers = {name: fields.pop(name) for name in list(fields) if name.startswith("HTTP_")}
        data = {
            "body": "Very clear, thank you.",
            "name": "Ada Reader",
            "email": "ada@example.org",
            "website": "",
            "token": make_form_token(article.pk, now=time.time() - 10),
        }
        data.update(fields)
        return client.post(f"/{article.slug}/comments/", data, follow=follow, **headers)

    return post


@pytest.fixture
def make_staff_user(db, django_user_model):
    """A staff user who may sign in to the admin, in the named groups (made by a migration)."""
    from django.contrib.auth.models import Group

    def make(username, *groups, **fields):
        fields.setdefault("email", f"{username}@example.org")
        user = django_user_model.objects.create_user(
            username=username, password="a-long-test-password", is_staff=True, **fields
        )
        found = list(Group.objects.filter(name__in=groups))
        assert len(found) == len(groups), f"missing groups among {groups}"
        user.groups.set(found)
        return user

    return make


@pytest.fixture
def moderator(make_staff_user):
    return make_staff_user("moira", "Moderators", first_name="Moira", last_name="Quinn")


@pytest.fixture
def editor(make_staff_user):
    return make_staff_user("eddie", "Editors", first_name="Eddie", last_name="Lane")


@pytest.fixture
def make_reviewer(make_staff_user):
    """A member of the Medical reviewers group (another one at each call)."""

    def make(first_name="Lee", last_name="Chan", **fields):
        username = f"reviewer{next(_numbers)}"
        return make_staff_user(
            username, "Medical reviewers", first_name=first_name, last_name=last_name, **fields
        )

    return make


@pytest.fixture
def reviewer(make_reviewer):
    return make_reviewer("Amina", "Rahman")


# Each person in a browser of their own, and ``client`` a reader with none of their cookies.
def signed_in(user):
    browser = Client()
    browser.force_login(user)
    return browser


@pytest.fixture
def reviewer_client(reviewer):
    return signed_in(reviewer)


@pytest.fixture
def moderator_client(moderator):
    return signed_in(moderator)


@pytest.fixture
def editor_client(editor):
    return signed_in(editor)


@pytest.fixture
def run_mail_queue(db, monkeypatch):
    """Run the mail worker once, in this process, on the test's own (uncommitted) data:
    what the queue holds is sent through the test's mail backend (mail.outbox).
    tests/test_mail_queue.py runs the real command in its own process against real SMTP."""
    # The command's own Worker, run as `db_worker --batch` runs it, minus the signal
    # handlers it would install in pytest's process, and minus its closing of "old"
    # connections, which would close the test's open transaction.
    from django_tasks_db.management.commands import db_worker
    from django_tasks_db.management.commands.db_worker import Worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run():
        Worker(
            queue_names=["mail"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="test-worker",
            excluded_queue_names=[],
        ).run()

    return run


@pytest.fixture
def smtp_server():
    """A real SMTP server on 127.0.0.1 (aiosmtpd), stopped after the test (tests/mail_server.py)."""
    from tests.mail_server import SmtpServer

    server = SmtpServer().start()
    yield server
    server.stop()
