"""The byline: the article's writers (in order, each with a short bio), never whoever saved
the version shown; and who reviewed it."""

import json
import re

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from articles.models import MedicalReview, Person
from tests.article_form import change_url, edit, writers_management_form


def _header(page):
    header = page[page.index('<header class="article-header">') :]
    return header[: header.index("</header>")]


def _byline(article):
    header = _header(Client().get(article.get_absolute_url()).content.decode())
    found = re.search(r'<p class="byline">.*?</p>', header)
    return found.group(0) if found else None


@pytest.fixture
def jordan(db):
    return Person.objects.create(
        name="Jordan Ellis",
        slug="jordan-ellis",
        bio="Health writer covering mental health and pain medicine.",
    )


def test_the_byline_names_the_writers_in_order_with_their_bios(article, jordan):
    sam = Person.objects.create(
        name="Sam Okafor", slug="sam-okafor", bio="Nurse <b>and</b> writer."
    )
    article.set_writers([sam, jordan])
    assert _byline(article) == (
        '<p class="byline">By <a class="author-name" rel="author" href="/authors/sam-okafor/">'
        'Sam Okafor</a><span class="bio">: Nurse &lt;b&gt;and&lt;/b&gt; writer.</span> and '
        '<a class="author-name" rel="author" href="/authors/jordan-ellis/">Jordan Ellis</a>'
        '<span class="bio">: Health writer covering mental health and pain medicine.</span></p>'
    )


def test_an_editors_new_version_and_a_revert_leave_the_byline_as_it_was(
    article, jordan, editor, editor_client
):
    article.set_writers([jordan])
    before = _byline(article)
    assert "Jordan Ellis" in before
    response = editor_client.post(
        change_url(article), edit(article, "_publish", body="One sentence changed.")
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.published_version.number == 2 and article.published_version.author == editor
    assert _byline(article) == before
    response = editor_client.post(f"/admin/articles/article/{article.pk}/revert/1/")
    article.refresh_from_db()
    assert article.published_version.number == 3
    assert _byline(article) == before and "Eddie" not in before


def test_the_editor_sets_the_writers_on_the_article_form(article, jordan, editor_client):
    data = edit(article, "_save_draft")
    data.update(writers_management_form(total=1))
    data.update({"bylines-0-person": str(jordan.pk), "bylines-0-position": "1"})
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 302
    assert article.writer_list() == [jordan]
    assert article.versions.count() == 1  # the byline is the article's: no new version
    assert "Jordan Ellis" in _byline(article)  # the cached page was rendered afresh


def test_a_bio_edited_in_the_admin_shows_at_once(admin_client, article, jordan):
    article.set_writers([jordan])
    assert "Nurse" not in _byline(article)
    data = {"name": "Jordan Ellis", "slug": "jordan-ellis", "bio": "Nurse and writer."}
    response = admin_client.post(f"/admin/articles/person/{jordan.pk}/change/", data)
    assert response.status_code == 302
    assert "Nurse and writer." in _byline(article)


def test_no_byline_without_writers(article):
    assert _byline(article) is None


def test_structured_data_and_feeds_name_the_writers(client, article, jordan):
    article.set_writers([jordan])
    page = client.get(article.get_absolute_url()).content.decode()
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page)[1])
    assert [(writer["name"], writer["url"][-22:]) for writer in data["author"]] == [
        ("Jordan Ellis", "/authors/jordan-ellis/")
    ]
    feed = client.get("/feed/rss/").content.decode()
    assert re.search(r"<dc:creator[^>]*>Jordan Ellis</dc:creator>", feed)


def test_the_reviewers_bio_follows_the_review_line(client, article, make_reviewer):
    reviewer = make_reviewer("Amina", "Rahman")
    approve = MedicalReview.Decision.APPROVE
    MedicalReview.sign(article.published_version, reviewer, approve, credentials="MD")
    Person.objects.create(
        user=reviewer, name="Amina Rahman", slug="amina-rahman", bio="Consultant anaesthetist."
    )
    header = _header(client.get(article.get_absolute_url()).content.decode())
    review = header[header.index('<p class="review">') :]
    assert "Amina Rahman, MD" in review and "Consultant anaesthetist." in review


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_keeps_the_byline_of_the_first_published_version(django_user_model):
    apps = _migrate([("articles", "0017_stored_comment_counts")])
    try:
        Article = apps.get_model("articles", "Article")
        Version = apps.get_model("articles", "ArticleVersion")
        User = apps.get_model(*django_user_model._meta.label.split("."))
        writer = User.objects.create(username="jordan", first_name="Jordan", last_name="Ellis")
        editor = User.objects.create(username="eddie", first_name="Eddie", last_name="Lane")
        nameless = User.objects.create(username="anon")
        fields = {"title": "T", "summary": "S", "body": "B", "body_html": "<p>B</p>"}
        article = Article.objects.create(slug="kept")
        Version.objects.create(article=article, number=1, author=editor, **fields)  # a draft
        first = Version.objects.create(
            article=article, number=2, author=writer, published_at="2026-01-01T00:00Z", **fields
        )
        last = Version.objects.create(
            article=article, number=3, author=editor, published_at="2026-02-01T00:00Z", **fields
        )
        article.published_version = last
        article.save()
        unnamed = Article.objects.create(slug="unnamed")
        Version.objects.create(
            article=unnamed, number=1, author=nameless, published_at="2026-01-01T00:00Z", **fields
        )
        assert first.pk
        apps = _migrate([("articles", "0018_writers_and_review_requests")])
        Byline = apps.get_model("articles", "Byline")
        assert [
            (b.article.slug, b.person.name, b.person.user_id) for b in Byline.objects.all()
        ] == [("kept", "Jordan Ellis", writer.pk)]
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
