"""The sitemap index at /sitemap.xml and its pages of at most 10,000 addresses each."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from articles.sitemaps import ArticleSitemap

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def _parse(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    return ET.fromstring(response.content)  # noqa: S314 - our own output


def _index_entries(client):
    root = _parse(client.get("/sitemap.xml"))
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    return [
        (entry.find("sm:loc", NS).text, entry.find("sm:lastmod", NS).text)
        for entry in root.findall("sm:sitemap", NS)
    ]


def _page_addresses(client, address):
    root = _parse(client.get(address))
    return [url.find("sm:loc", NS).text for url in root.findall("sm:url", NS)]


@pytest.fixture
def five_hundred_articles(make_article, monkeypatch):
    """500 published articles (and a draft), in sitemap pages of 200."""
    monkeypatch.setattr(ArticleSitemap, "limit", 200)
    start = timezone.now() - timedelta(days=30)
    for number in range(500):
        make_article(title=f"Article {number}", publish_at=start + timedelta(minutes=number))
    make_article(title="Draft", slug="a-draft", publish=False)


def test_the_index_lists_every_page_of_the_sitemap_and_robots_txt_points_at_it(
    client, five_hundred_articles, django_assert_num_queries
):
    # How many articles, the newest change; how many topics and tags (none: no section);
    # the next scheduled change (how long it is kept).
    with django_assert_num_queries(5):
        entries = _index_entries(client)
    assert [address for address, _lastmod in entries] == [
        "http://127.0.0.1:8000/sitemap-articles.xml",
        "http://127.0.0.1:8000/sitemap-articles.xml?p=2",
        "http://127.0.0.1:8000/sitemap-articles.xml?p=3",
    ]
    newest = Article.objects.published().newest_first().first()
    assert {lastmod for _address, lastmod in entries} == {
        newest.published_version.published_at.isoformat()
    }
    robots = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in robots


def test_the_pages_hold_every_published_article_once_in_fixed_queries(
    client, five_hundred_articles, django_assert_num_queries
):
    addresses = []
    for page in (1, 2, 3):
        # How many articles, this page of them; the next scheduled change (its lifetime).
        with django_assert_num_queries(3):
            addresses += _page_addresses(client, f"/sitemap-articles.xml?p={page}")
    expected = {
        f"http://127.0.0.1:8000/{slug}/"
        for slug in Article.objects.published().values_list("slug", flat=True)
    }
    assert len(addresses) == 500 and set(addresses) == expected
    assert "http://127.0.0.1:8000/a-draft/" not in addresses
    # Newest first: the first page starts with the newest article.
    assert addresses[0].endswith(f"/{Article.objects.published().newest_first()[0].slug}/")


def test_a_sitemap_page_holds_at_most_10000_addresses():
    assert ArticleSitemap.limit == 10_000


@pytest.mark.parametrize(
    "address", ["/sitemap-articles.xml?p=9", "/sitemap-articles.xml?p=abc", "/sitemap-nope.xml"]
)
def test_a_page_that_does_not_exist_is_a_404(client, article, address):
    assert client.get(address).status_code == 404


def test_a_due_scheduled_update_shows_its_date_in_the_sitemap(client, make_article):
    article = make_article(publish_at=timezone.now() - timedelta(days=10))
    update = article.add_version(title="Sleep and Health", summary="New", body="New body")
    article.publish(update, when=timezone.now() + timedelta(hours=1))
    Article.objects.filter(pk=article.pk).update(scheduled_at=timezone.now() - timedelta(minutes=1))
    root = _parse(client.get("/sitemap-articles.xml"))
    assert root.find("sm:url/sm:lastmod", NS).text == timezone.now().date().isoformat()
    # Reading wrote nothing: the task worker publishes it (tests/test_schedule.py).
    article.refresh_from_db()
    assert article.published_version_id != update.pk


def test_sitemap_pages_are_shared_with_the_lists_of_articles(client, make_article):
    first = make_article(title="First")
    for address in ("/sitemap.xml", "/sitemap-articles.xml"):
        response = client.get(address)
        assert response.status_code == 200
        assert "public" in response["Cache-Control"]
        # Purged with the front page and the feeds by every change of an article.
        assert response["Surrogate-Key"] == "articles site"
    assert _page_addresses(client, "/sitemap-articles.xml") == [
        f"http://127.0.0.1:8000/{first.slug}/"
    ]
    second = make_article(title="Second")
    assert len(_page_addresses(client, "/sitemap-articles.xml")) == 2
    second.unpublish()
    first.delete()
    assert _page_addresses(client, "/sitemap-articles.xml") == []
