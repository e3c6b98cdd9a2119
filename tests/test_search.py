"""/search/?q=: published titles, ledes and bodies.

Full-text on PostgreSQL, a simple case-insensitive match elsewhere."""

import re
from datetime import timedelta

from django.db import connection
from django.utils import timezone


def _result_titles(page):
    return re.findall(
        r'<article class="teaser search-result">\s*<h2><a href="[^"]*">([^<]*)</a>', page
    )


def test_search_finds_words_in_titles_ledes_and_bodies(client, make_article):
    make_article(title="Melatonin explained", summary="A hormone.", body="Night.")
    make_article(title="Jet lag", summary="Melatonin can help travellers.", body="Flights.")
    make_article(title="Shift work", summary="Nights.", body="Some take melatonin.")
    make_article(title="Unrelated", summary="Nothing here.", body="Nothing.")
    page = client.get("/search/", {"q": "melatonin"}).content.decode()
    assert sorted(_result_titles(page)) == ["Jet lag", "Melatonin explained", "Shift work"]
    assert "3 articles found for “melatonin”" in page


def test_search_ignores_case(client, make_article):
    make_article(title="Vitamin D and bones")
    page = client.get("/search/", {"q": "VITAMIN"}).content.decode()
    assert _result_titles(page) == ["Vitamin D and bones"]


def test_search_needs_every_word(client, make_article):
    make_article(title="Vitamin D and bones", body="Sunlight.")
    make_article(title="Vitamin C and colds", body="Oranges.")
    page = client.get("/search/", {"q": "vitamin sunlight"}).content.decode()
    assert _result_titles(page) == ["Vitamin D and bones"]


def test_search_finds_nothing_in_drafts_or_unpublished_articles(client, make_article):
    live = make_article(title="Live article", body="Published words only.")
    live.add_version(title="Live article", summary="Draft", body="Secret zanzibar draft words.")
    make_article(title="Unpublished zanzibar", publish=False)
    make_article(title="Scheduled zanzibar", publish_at=timezone.now() + timedelta(days=1))
    page = client.get("/search/", {"q": "zanzibar"}).content.decode()
    assert _result_titles(page) == []
    assert "No articles found for “zanzibar”" in page
    assert "Secret" not in page


def test_matches_are_highlighted_in_an_escaped_excerpt(client, make_article):
    make_article(
        title="Caffeine",
        summary="Coffee & tea.",
        body="## Timing\n\nAvoid **caffeine** after noon <b>if</b> you sleep badly.",
    )
    page = client.get("/search/", {"q": "caffeine"}).content.decode()
    excerpt = re.search(r'<p class="excerpt">(.*?)</p>', page, re.DOTALL).group(1)
    assert re.search(r"<mark>caffeine</mark>", excerpt, re.IGNORECASE)
    assert "Coffee &amp; tea." in excerpt
    assert "<b>" not in excerpt and "**" not in excerpt and "##" not in excerpt


def test_the_query_is_escaped_in_the_page(client, article):
    attack = '"><script>alert(1)</script>'
    page = client.get("/search/", {"q": attack}).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_empty_query_shows_the_form_without_touching_the_database(
    client, article, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get("/search/", {"q": "   "})
    page = response.content.decode()
    assert response.status_code == 200
    assert '<input type="search" id="search-q" name="q"' in page
    assert "found for" not in page


def test_results_are_paginated_and_keep_the_query(client, make_article, settings):
    settings.ARTICLES_PER_PAGE = 2
    for number in range(3):
        make_article(
            title=f"Hydration tip {number}", publish_at=timezone.now() - timedelta(hours=number)
        )
    first = client.get("/search/", {"q": "hydration tip"}).content.decode()
    assert len(_result_titles(first)) == 2
    assert 'href="?page=2&amp;q=hydration+tip"' in first
    second = client.get("/search/", {"q": "hydration tip", "page": 2}).content.decode()
    assert len(_result_titles(second)) == 1
    assert "Page 2 of 2" in second


def test_search_results_use_a_fixed_number_of_queries(
    client, make_article, django_assert_num_queries
):
    for number in range(5):
        make_article(title=f"Exercise {number}", body="Walking every day.")
    with django_assert_num_queries(2):  # the count, then the page of results
        page = client.get("/search/", {"q": "walking"}).content.decode()
    assert len(_result_titles(page)) == 5


def test_results_order_depends_on_the_database(client, make_article):
    """Ranked by relevance on PostgreSQL (a title match first); newest first elsewhere."""
    make_article(
        title="Iron deficiency",
        summary="Tiredness and pale skin.",
        publish_at=timezone.now() - timedelta(days=5),
    )
    make_article(title="Diet basics", summary="Eat well.", body="Beans contain some iron.")
    page = client.get("/search/", {"q": "iron"}).content.decode()
    if connection.vendor == "postgresql":
        assert _result_titles(page) == ["Iron deficiency", "Diet basics"]
        # English stemming: another form of the word finds the same article.
        stemmed = client.get("/search/", {"q": "deficiencies"}).content.decode()
        assert _result_titles(stemmed) == ["Iron deficiency"]
    else:
        assert _result_titles(page) == ["Diet basics", "Iron deficiency"]


def test_search_pages_are_not_indexed(client, db):
    page = client.get("/search/", {"q": "anything"}).content.decode()
    assert '<meta name="robots" content="noindex">' in page
    assert "Disallow: /search/" in client.get("/robots.txt").content.decode()
