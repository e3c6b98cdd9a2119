"""What search engines and link previews read: sitemap.xml, robots.txt, meta tags, JSON-LD."""

import datetime
import json
import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from html import unescape

from django.contrib.auth import get_user_model
from django.utils import timezone

from articles.models import Person

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def _json_ld(page):
    """The parsed JSON-LD blocks of a page."""
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL)
    return [json.loads(block) for block in blocks]


def _meta(page, attribute, name):
    match = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">', page)
    return unescape(match.group(1)) if match else None


def test_sitemap_lists_every_published_article_with_its_last_modified_date(client, make_article):
    first = make_article(title="First")
    second = make_article(title="Second")
    make_article(title="Draft", slug="a-draft", publish=False)
    make_article(title="Later", slug="scheduled", publish_at=timezone.now() + timedelta(days=1))
    response = client.get("/sitemap-articles.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 - our own output
    entries = {
        url.find("sm:loc", SITEMAP_NS).text: url.find("sm:lastmod", SITEMAP_NS).text
        for url in root.findall("sm:url", SITEMAP_NS)
    }
    assert set(entries) == {
        f"http://127.0.0.1:8000/{first.slug}/",
        f"http://127.0.0.1:8000/{second.slug}/",
    }
    # The sitemap protocol's W3C date: Django's template writes the day.
    lastmod = entries[f"http://127.0.0.1:8000/{first.slug}/"]
    assert lastmod == first.published_version.published_at.date().isoformat()
    assert "a-draft" not in response.content.decode()
    assert "scheduled" not in response.content.decode()


def test_sitemap_lastmod_follows_the_newest_published_version(client, make_article):
    article = make_article(publish_at=timezone.now() - timedelta(days=10))
    root = ET.fromstring(client.get("/sitemap-articles.xml").content)  # noqa: S314 - our own output
    ten_days_ago = (timezone.now() - timedelta(days=10)).date().isoformat()
    assert root.find("sm:url/sm:lastmod", SITEMAP_NS).text == ten_days_ago
    second = article.add_version(title="Sleep and Health", summary="New", body="New body")
    article.publish(second)
    root = ET.fromstring(client.get("/sitemap-articles.xml").content)  # noqa: S314 - our own output
    assert root.find("sm:url/sm:lastmod", SITEMAP_NS).text == timezone.now().date().isoformat()


def test_sitemap_uses_a_fixed_number_of_queries(client, make_article, django_assert_num_queries):
    for number in range(6):
        make_article(title=f"Article {number}")
    # How many articles, a page of them; the next scheduled change (how long it is kept).
    with django_assert_num_queries(3):
        client.get("/sitemap-articles.xml")


def test_robots_txt_points_at_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in text
    assert "Disallow: /admin/" in text


def test_article_page_has_open_graph_and_twitter_tags(client, make_article):
    article = make_article(title='Sleep "and" <Health>', summary="Why sleep & rest matter.")
    page = client.get(article.get_absolute_url()).content.decode()
    url = f"http://127.0.0.1:8000/{article.slug}/"
    assert _meta(page, "property", "og:type") == "article"
    assert _meta(page, "property", "og:title") == 'Sleep "and" <Health>'
    assert _meta(page, "property", "og:description") == "Why sleep & rest matter."
    assert _meta(page, "property", "og:url") == url
    assert _meta(page, "property", "og:site_name") == "Well Informed"
    assert _meta(page, "property", "article:published_time").startswith(
        article.first_published_at.strftime("%Y-%m-%dT%H:%M")
    )
    assert _meta(page, "name", "twitter:card") == "summary"
    assert _meta(page, "name", "twitter:title") == 'Sleep "and" <Health>'
    assert f'<link rel="canonical" href="{url}">' in page


def test_article_page_has_valid_json_ld_article(client, article):
    page = client.get(article.get_absolute_url()).content.decode()
    (data,) = _json_ld(page)
    version = article.published_version
    assert data["@context"] == "https://schema.org"
    assert "Article" in data["@type"]
    assert data["headline"] == "Sleep and Health"
    assert data["description"] == "Why sleep matters, in a few paragraphs."
    assert data["url"] == f"http://127.0.0.1:8000/{article.slug}/"
    published = datetime.datetime.fromisoformat(data["datePublished"])
    assert abs(published - article.first_published_at) < timedelta(milliseconds=1)
    modified = datetime.datetime.fromisoformat(data["dateModified"])
    assert abs(modified - version.published_at) < timedelta(milliseconds=1)
    assert data["publisher"] == {
        "@type": "Organization",
        "name": "Well Informed",
        "url": "http://127.0.0.1:8000",
    }
    assert data["author"]["name"]
    assert "reviewedBy" not in data


def test_json_ld_names_the_writers_never_who_saved_the_version(client, article):
    user = get_user_model().objects.create_user(
        "jdoe-login", password="x", first_name="Jane", last_name="Doe"
    )
    article.set_writers([Person.objects.create(name="Jordan Ellis", slug="jordan-ellis")])
    version = article.add_version(title="Sleep", summary="S", body="B", author=user)
    article.publish(version)
    page = client.get(article.get_absolute_url()).content.decode()
    (data,) = _json_ld(page)
    assert [writer["name"] for writer in data["author"]] == ["Jordan Ellis"]
    assert "jdoe-login" not in page and "Jane Doe" not in page


def test_json_ld_cannot_be_broken_out_of_by_a_title(client, make_article):
    title = "</script><script>alert(1)</script> & more"
    article = make_article(title=title, summary="<!-- a comment opener")
    page = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in page
    assert "<!--" not in page
    (data,) = _json_ld(page)
    assert data["headline"] == title
    assert data["description"] == "<!-- a comment opener"


def test_no_medical_review_line_without_a_reviewer(client, article):
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Medically reviewed" not in page


def test_staff_preview_has_no_structured_data_and_is_not_indexed(admin_client, article):
    page = admin_client.get(f"/{article.slug}/preview/1/").content.decode()
    assert '<meta name="robots" content="noindex">' in page
    assert not _json_ld(page)
    assert 'property="og:title"' not in page
