"""RSS and Atom feeds of the articles and of each article's approved comments."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import feedparser
import pytest
from django.utils import timezone

from articles.models import Article
from comments.models import Comment

FEEDS = ["/feed/rss/", "/feed/atom/"]


def _parse(response):
    """The feed parsed twice: as plain XML (must be well-formed) and by feedparser."""
    assert response.status_code == 200
    ET.fromstring(response.content)  # noqa: S314 - our own output; raises if malformed
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    return feed


@pytest.mark.parametrize("url", FEEDS)
def test_article_feeds_list_published_articles_newest_first(client, make_article, url):
    make_article(title="Older & wiser", publish_at=timezone.now() - timedelta(days=3))
    newest = make_article(title="Newest <article>", summary="A lede with <b>markup</b> & more.")
    feed = _parse(client.get(url))
    titles = [entry.title for entry in feed.entries]
    assert titles == ["Newest <article>", "Older & wiser"]
    assert feed.entries[0].link == f"http://127.0.0.1:8000{newest.get_absolute_url()}"
    assert "A lede with" in feed.entries[0].summary
    assert feed.entries[0].published_parsed is not None


@pytest.mark.parametrize("url", FEEDS)
def test_article_feeds_leave_out_drafts_and_scheduled_articles(client, make_article, url):
    make_article(title="Live article")
    make_article(title="Draft article", publish=False)
    make_article(title="Scheduled article", publish_at=timezone.now() + timedelta(days=1))
    feed = _parse(client.get(url))
    assert [entry.title for entry in feed.entries] == ["Live article"]


def test_feeds_show_the_published_version_not_a_newer_draft(client, article):
    article.add_version(title="Unpublished draft title", summary="Draft", body="Draft body")
    for url in FEEDS:
        feed = _parse(client.get(url))
        assert [entry.title for entry in feed.entries] == ["Sleep and Health"]


def test_atom_feed_entries_carry_the_date_of_the_last_update(client, article):
    a_minute_ago = timezone.now() - timedelta(minutes=1)
    Article.objects.filter(pk=article.pk).update(publish_at=a_minute_ago)
    article.refresh_from_db()
    article.first_published_at = a_minute_ago
    article.save(update_fields=["first_published_at"])
    second = article.add_version(title="Sleep and Health", summary="Updated lede.", body="New.")
    article.publish(second)
    feed = _parse(client.get("/feed/atom/"))
    entry = feed.entries[0]
    assert entry.summary == "Updated lede."
    assert entry.updated_parsed > entry.published_parsed


def test_comment_feed_lists_only_approved_comments_of_that_article(
    client, article, make_article, make_comment
):
    other = make_article(title="Another article")
    make_comment(article, name="Approved Reader", body="Seen by all <script>x</script>")
    make_comment(article, name="Pending Reader", status=Comment.Status.PENDING)
    make_comment(article, name="Spam Reader", status=Comment.Status.SPAM)
    make_comment(other, name="Elsewhere Reader")
    feed = _parse(client.get(f"/{article.slug}/comments/feed/"))
    assert [entry.title for entry in feed.entries] == ["Comment by Approved Reader"]
    entry = feed.entries[0]
    assert entry.author == "Approved Reader"
    assert entry.link.startswith(f"http://127.0.0.1:8000/{article.slug}/#comment-")
    assert "<script>" not in entry.summary
    assert "Comments on “Sleep and Health”" in feed.feed.title


def test_comment_feed_of_an_unpublished_article_is_not_found(client, make_article):
    draft = make_article(publish=False)
    assert client.get(f"/{draft.slug}/comments/feed/").status_code == 404
    assert client.get("/no-such-article/comments/feed/").status_code == 404


def test_feeds_contain_no_email_address(client, article, make_comment):
    make_comment(article, name="Private Person", email="private.person@example.org")
    for url in [*FEEDS, f"/{article.slug}/comments/feed/"]:
        body = client.get(url).content.decode().lower()
        assert "private.person" not in body
        assert "@" not in body, f"an address in {url}"


def test_pages_advertise_the_feeds(client, article):
    page = client.get(article.get_absolute_url()).content.decode()
    assert '<link rel="alternate" type="application/rss+xml"' in page
    assert 'href="/feed/rss/"' in page and 'href="/feed/atom/"' in page
    assert f'href="/{article.slug}/comments/feed/"' in page
    front = client.get("/").content.decode()
    assert 'type="application/atom+xml"' in front and 'href="/feed/atom/"' in front


def test_feeds_take_a_fixed_number_of_queries(
    client, make_article, make_comment, django_assert_max_num_queries
):
    articles = [make_article(title=f"Article {number}") for number in range(5)]
    for _ in range(5):
        make_comment(articles[0])
    # The articles, and their writers (the byline) for all of them.
    with django_assert_max_num_queries(3):
        client.get("/feed/rss/")
    with django_assert_max_num_queries(3):
        client.get("/feed/atom/")
    with django_assert_max_num_queries(2):
        client.get(f"/{articles[0].slug}/comments/feed/")


def test_a_scheduled_update_reaches_the_feed_when_its_time_comes(client, article):
    update = article.add_version(title="Sleep, updated", summary="Later.", body="Later body.")
    article.publish(update, when=timezone.now() + timedelta(hours=1))
    assert _parse(client.get("/feed/rss/")).entries[0].title == "Sleep and Health"
    Article.objects.filter(pk=article.pk).update(scheduled_at=timezone.now())
    assert _parse(client.get("/feed/rss/")).entries[0].title == "Sleep, updated"
