"""The article form refuses what could never work: an address a fixed page takes, and a body
nested or long enough to run the save past the worker's timeout."""

import time

import pytest

from articles.models import Article

from .test_version_admin import ADD_URL, change_url, edit, new_article


@pytest.mark.parametrize(
    ("slug", "named"),
    [
        ("search", "the search page"),
        ("privacy", "the privacy page"),
        ("admin", "the admin"),
        ("feed", "the feeds"),
        ("comments", "the comment pages"),
        ("healthz", "the health check"),
        ("static", "the static files"),
        ("sitemap", "the sitemap"),
    ],
)
def test_an_address_taken_by_a_fixed_page_is_refused_with_a_message_naming_it(
    editor_client, slug, named
):
    response = editor_client.post(ADD_URL, new_article(slug=slug))
    page = response.content.decode()
    assert response.status_code == 200
    assert f"The address /{slug}/ clashes with {named}" in page
    assert not Article.objects.filter(slug=slug).exists()


def test_a_title_that_makes_a_taken_address_is_refused_too(editor_client):
    response = editor_client.post(ADD_URL, new_article(slug="", title="Search"))
    assert "The address /search/ clashes with the search page" in response.content.decode()
    assert not Article.objects.exists()


def test_an_ordinary_address_is_still_accepted(editor_client):
    editor_client.post(ADD_URL, new_article(slug="searching-for-sleep"))
    assert Article.objects.filter(slug="searching-for-sleep").exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("<blockquote>" * 50_000 + "deep" + "</blockquote>" * 50_000, "characters long"),
        ("<em>" * 100_000 + "deep", "characters long"),
        ("<blockquote>" * 500 + "deep" + "</blockquote>" * 500, "(500 levels)"),
        ("> " * 300 + "deep", "(300 levels)"),
        ("*" * 5_000 + "deep" + "*" * 5_000, "more than 20 levels deep"),
    ],
)
def test_a_body_nested_too_deep_or_too_long_is_refused_quickly(
    editor_client, article, body, message
):
    started = time.monotonic()
    response = editor_client.post(change_url(article), edit(article, body=body))
    assert time.monotonic() - started < 5
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert article.versions.count() == 1


def test_a_real_article_with_quotes_and_lists_is_accepted(editor_client, article):
    body = "> A quote\n>\n> > and a quote in it\n\n- a list\n  - nested\n\n<em>HTML</em> too"
    response = editor_client.post(change_url(article), edit(article, body=body))
    assert response.status_code == 302
    assert article.versions.count() == 2
