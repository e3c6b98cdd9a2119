"""/search/?q=: published titles, ledes and bodies.

Full-text on PostgreSQL, a simple case-insensitive match elsewhere."""

import re
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone


def _result_titles(page):
    return re.findall(
        r'<article class="teaser search-result[^"]*">.*?<h2><a href="[^"]*">([^<]*)</a>',
        page,
        re.DOTALL,
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
    # The count, the page of results, and on PostgreSQL the highlighted passages.
    with django_assert_num_queries(3 if connection.vendor == "postgresql" else 2):
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


def test_search_queries_stay_fixed_with_500_articles(
    client, make_article, django_assert_num_queries
):
    for number in range(500):
        make_article(title=f"Walking {number}", body="Walking every day helps sleep.")
    for page_number in (1, 50):
        # The count, the page of results, and on PostgreSQL the highlighted passages.
        with django_assert_num_queries(3 if connection.vendor == "postgresql" else 2):
            response = client.get("/search/", {"q": "walking sleep", "page": page_number})
        page = response.content.decode()
        assert len(_result_titles(page)) == 10
        assert f"Page {page_number} of 50" in page
    assert "500 articles found" in page


def test_a_new_version_is_found_by_its_own_words_only(client, make_article):
    article = make_article(title="Hay fever", body="Pollen counts rise in June.")
    update = article.add_version(title="Hay fever", summary="Updated.", body="Antihistamines help.")
    assert _result_titles(client.get("/search/", {"q": "antihistamines"}).content.decode()) == []
    article.publish(update)
    page = client.get("/search/", {"q": "antihistamines"}).content.decode()
    assert _result_titles(page) == ["Hay fever"]
    assert _result_titles(client.get("/search/", {"q": "pollen"}).content.decode()) == []
    article.unpublish()
    assert _result_titles(client.get("/search/", {"q": "antihistamines"}).content.decode()) == []


def test_the_search_vector_is_stored_when_published_and_read_from_the_index(
    client, make_article, settings
):
    """PostgreSQL keeps the vector of each published version and parses text (ts_headline)
    only for the page of results shown, however far into the results; SQLite stores nothing."""
    from articles.models import Article, ArticleVersion
    from articles.search import search_articles

    settings.ARTICLES_PER_PAGE = 2
    article = make_article(title="Iron deficiency", body="Tiredness.")
    for number in range(5):
        make_article(title=f"Iron {number}", body="Iron and tiredness.")
    draft = article.add_version(title="Iron deficiency", summary="Draft.", body="Draft words.")
    published = ArticleVersion.objects.get(pk=article.published_version_id)
    if connection.vendor != "postgresql":
        assert published.search_vector is None and draft.search_vector is None
        return
    assert "'iron':1A" in published.search_vector and "'tired':" in published.search_vector
    assert ArticleVersion.objects.get(pk=draft.pk).search_vector is None
    plan = search_articles(Article.objects.published(), "iron")[4:6].explain()
    assert "to_tsvector" not in plan and "ts_headline" not in plan
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/search/", {"q": "iron tiredness", "page": 3}).content.decode()
    assert page.count("<mark>") >= 2 and "Page 3 of 3" in page
    count, results, headlines = (query["sql"] for query in queries)
    assert "ts_headline" not in count + results and "ts_rank" not in count
    assert "ts_headline" in headlines
    # ...for the two versions of the page shown, not for the four before it.
    assert len(re.search(r" IN \(([^)]*)\)", headlines).group(1).split(",")) == 2


def test_a_word_in_very_many_articles_ranks_only_the_newest_matches(
    client, make_article, monkeypatch
):
    """A common word costs a search no more than a rare one: only the newest
    RANKED_CANDIDATES matches are ranked and shown (docs/readers.md says what is given up)."""
    monkeypatch.setattr("articles.search.RANKED_CANDIDATES", 5)
    make_article(
        title="Sleep, the whole story",
        summary="Sleep and more sleep.",
        body="Sleep.",
        publish_at=timezone.now() - timedelta(days=30),
    )
    for number in range(7):
        make_article(title=f"Walking {number}", body="Walking helps sleep.")
    page = client.get("/search/", {"q": "sleep"}).content.decode()
    assert "5 articles found" in page
    titles = _result_titles(page)
    assert len(titles) == 5 and "Sleep, the whole story" not in titles
    # Fewer matches than that: every one is found, ranked.
    assert "Sleep, the whole story" in client.get("/search/", {"q": "whole story"}).content.decode()
