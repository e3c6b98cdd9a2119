"""The read path inside Django (cms/caching.py): what a shared cache may keep, and the
comment thread from Django's cache, never stale, never one reader's page to another.

Two kinds of reader: one with no cookie of this site's gets a page marked public
for the shared HTTP cache (tests/test_varnish.py reads it through the real one);
one with such a cookie (here: saved name and email) gets a private page, with
the comment thread from Django's cache. Each change a reader would see must
show at once for both.
"""

import re
from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from comments.editing import delete_own_comment
from comments.markup import render_comment
from comments.models import Comment
from comments.readers import AUTHOR_COOKIE, AUTHOR_SALT

SAVED_DETAILS = {"name": "Saved Sam", "email": "sam.saved@example.org", "website": ""}


def reader_with_saved_details():
    client = Client()
    client.cookies[AUTHOR_COOKIE] = signing.dumps(SAVED_DETAILS, salt=AUTHOR_SALT, compress=True)
    return client


@pytest.fixture(params=["shared page", "personal page"])
def reader(request):
    """A reader of each kind: no cookies (a shared page), or saved details (a private one)."""
    return Client() if request.param == "shared page" else reader_with_saved_details()


def page_of(client, article, **query):
    response = client.get(article.get_absolute_url(), query)
    assert response.status_code == 200
    return response.content.decode()


def test_the_second_reader_gets_the_page_in_one_query(client, article, make_comment, reader,
                                                      django_assert_num_queries):  # fmt: skip
    make_comment(article, body="Cached comment")
    # The whole article (comment counts stored), its writers, medical review, corrections,
    # the thread.
    # And the editors' picks above the thread (comments/featured.py).
    with django_assert_num_queries(6):
        first = page_of(client, article)
    with django_assert_num_queries(1):  # the article; the thread comes from Django's cache
        second = page_of(reader, article)
    assert "Cached comment" in first and "Cached comment" in second


def test_a_readers_page_may_be_kept_by_a_shared_cache_under_the_articles_key(
    client, article, settings
):
    settings.PAGE_CACHE_SECONDS = 600
    response = client.get(article.get_absolute_url())
    assert response["Cache-Control"] == "public, max-age=0, s-maxage=600"
    assert response["Surrogate-Key"] == f"article-{article.pk} site"
    assert response["ETag"]
    assert "Vary" not in response or "Cookie" not in response["Vary"]
    again = client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


@pytest.mark.parametrize(
    "cookie", ["sessionid", "messages", "cms_own_comments", "cms_comment_author"]
)
def test_a_reader_with_one_of_the_sites_cookies_gets_a_private_page(article, cookie):
    reader = Client()
    reader.cookies[cookie] = "anything"
    response = reader.get(article.get_absolute_url())
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert "Surrogate-Key" not in response


def test_other_cookies_leave_the_page_shared(article):
    reader = Client()
    reader.cookies["_analytics"] = "123"
    reader.cookies["csrftoken"] = "from-the-admin"
    assert "public" in reader.get(article.get_absolute_url())["Cache-Control"]


def test_a_missing_article_is_never_marked_for_the_shared_cache(client, db):
    response = client.get("/no-such-article/")
    assert response.status_code == 404
    assert "public" not in response.get("Cache-Control", "")
    assert "Surrogate-Key" not in response


@pytest.mark.parametrize(
    ("address", "key"),
    [("/", "articles"), ("/feed/rss/", "articles"), ("/feed/atom/", "articles"),
     ("/sitemap.xml", "articles"), ("/robots.txt", "site"), ("/privacy/", "site")],
)  # fmt: skip
def test_lists_and_fixed_pages_are_shared_under_their_keys(client, article, address, key):
    response = client.get(address)
    assert "public" in response["Cache-Control"]
    assert key in response["Surrogate-Key"].split()


def test_the_change_log_and_the_comment_feed_go_with_the_article(client, article):
    for address in (f"/{article.slug}/changes/", f"/{article.slug}/comments/feed/"):
        response = client.get(address)
        assert response["Surrogate-Key"] == f"article-{article.pk} site", address


def test_search_and_personal_pages_are_not_shared(client, article):
    assert "public" not in client.get("/search/?q=sleep").get("Cache-Control", "")
    token = client.get(f"/comments/token/{article.pk}/")
    assert token["Cache-Control"] == "private, no-store"


def test_a_scheduled_update_bounds_how_long_the_page_is_kept(client, article, settings):
    settings.PAGE_CACHE_SECONDS = 3600
    update = article.add_version(title="Later", summary="S", body="Scheduled body.")
    article.publish(update, when=timezone.now() + timedelta(seconds=90))
    for address in (article.get_absolute_url(), "/", "/feed/rss/", "/sitemap.xml"):
        seconds = int(client.get(address)["Cache-Control"].rsplit("s-maxage=", 1)[1])
        assert 89 <= seconds <= 91, address


def test_an_article_going_live_later_bounds_the_lists(client, article, make_article, settings):
    settings.PAGE_CACHE_SECONDS = 3600
    make_article(publish_at=timezone.now() + timedelta(seconds=300))
    seconds = int(client.get("/")["Cache-Control"].rsplit("s-maxage=", 1)[1])
    assert 299 <= seconds <= 301


def test_the_page_never_outlives_the_closing_of_comments(client, make_article, settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 10
    settings.PAGE_CACHE_SECONDS = 3600
    article = make_article(publish_at=timezone.now() - timedelta(days=10) + timedelta(seconds=90))
    seconds = int(client.get(article.get_absolute_url())["Cache-Control"].rsplit("=", 1)[1])
    assert 89 <= seconds <= 91
    closed = make_article(publish_at=timezone.now() - timedelta(days=30))
    assert client.get(closed.get_absolute_url())["Cache-Control"].endswith("s-maxage=3600")


def test_an_approved_comment_shows_at_once(article, make_comment, reader):
    pending = make_comment(article, status=Comment.Status.PENDING, body="Held for a moment")
    assert "Held for a moment" not in page_of(reader, article)
    pending.approve()
    assert "Held for a moment" in page_of(reader, article)


def test_an_edited_comment_shows_its_new_text_at_once(article, make_comment, reader):
    comment = make_comment(article, body="First wording")
    assert "First wording" in page_of(reader, article)
    comment.body = "Second wording"
    comment.save_edit()
    page = page_of(reader, article)
    assert "Second wording" in page and "First wording" not in page


def test_a_removed_comment_disappears_at_once(article, make_comment, reader):
    comment = make_comment(article, body="Soon removed")
    assert "Soon removed" in page_of(reader, article)
    comment.remove()
    assert "Soon removed" not in page_of(reader, article)


def test_a_comment_deleted_by_its_author_disappears_at_once(article, make_comment, reader):
    comment = make_comment(article, body="Deleted by the author")
    assert "Deleted by the author" in page_of(reader, article)
    delete_own_comment(comment)
    assert "Deleted by the author" not in page_of(reader, article)


def test_a_new_published_version_shows_at_once(article, reader):
    assert "Sleep restores the body." in page_of(reader, article)
    article.publish(article.add_version(title="Sleep, revised", summary="New.", body="Fresh body."))
    page = page_of(reader, article)
    assert "Fresh body." in page and "Sleep restores the body." not in page
    assert "<h1>Sleep, revised</h1>" in page


def test_an_unpublished_article_is_gone_at_once(article, reader):
    page_of(reader, article)
    article.unpublish()
    assert reader.get(article.get_absolute_url()).status_code == 404


def test_closing_comments_removes_the_form_at_once(article, reader):
    assert "Leave a Reply" in page_of(reader, article)
    article.comments_open = False
    article.save(update_fields=["comments_open"])
    page = page_of(reader, article)
    assert "Comments are closed." in page and "Leave a Reply" not in page


def test_saved_details_are_never_served_to_another_reader(article, make_comment):
    make_comment(article)
    sam = reader_with_saved_details()
    assert 'value="sam.saved@example.org"' in page_of(sam, article)
    for _ in range(2):  # filling the page cache, then from it
        page = page_of(Client(), article)
        assert "Saved Sam" not in page and "sam.saved@example.org" not in page
    assert 'value="Saved Sam"' in page_of(sam, article)


def test_a_pending_comment_is_seen_by_its_author_and_nobody_else(
    client, article, make_comment, comment_post
):
    make_comment(article, body="Everyone sees this")
    page_of(Client(), article)  # the page and the thread are cached before the reply
    comment_post(article, body="My own pending words")
    mine = page_of(client, article)
    assert "My own pending words" in mine and "awaiting moderation" in mine
    for other in (Client(), reader_with_saved_details()):
        page = page_of(other, article)
        assert "Everyone sees this" in page and "My own pending words" not in page


def test_a_reply_form_names_the_comment_replied_to(client, article, make_comment):
    parent = make_comment(article, name="Parent Poster")
    page_of(client, article)
    page = page_of(client, article, replyto=parent.pk)
    assert "Reply to Parent Poster" in page
    assert f'name="replyto" value="{parent.pk}"' in page


def test_a_page_past_the_end_leads_to_the_last_page(client, article, make_comment, settings):
    settings.COMMENTS_PER_PAGE = 2
    for number in range(3):
        make_comment(article, body=f"Thread {number}")
    response = client.get(article.get_absolute_url(), {"cpage": 99}, follow=True)
    assert response.redirect_chain == [(f"{article.get_absolute_url()}?cpage=2", 301)]
    page = response.content.decode()
    assert "Page 2 of 2" in page and page.count('class="comment"') == 1


def add_many_comments(article, count):
    """``count`` approved comments in threads, in bulk (Comment.save would take a while)."""
    body_html = render_comment("One of very many comments.")
    started = timezone.now() - timedelta(days=5)
    roots = Comment.objects.bulk_create(
        Comment(
            article=article,
            name=f"Reader {number}",
            email=f"reader{number}@example.org",
            body="One of very many comments.",
            body_html=body_html,
            status=Comment.Status.APPROVED,
            created_at=started + timedelta(seconds=number),
        )
        for number in range(count // 2)
    )
    Comment.objects.bulk_create(
        Comment(
            article=article,
            parent=root,
            depth=2,
            name=f"Replier {number}",
            email=f"replier{number}@example.org",
            body="One of very many comments.",
            body_html=body_html,
            status=Comment.Status.APPROVED,
            created_at=root.created_at + timedelta(hours=1),
        )
        for number, root in enumerate(roots)
    )
    Comment.objects.refresh_threads([article.pk])  # bulk rows skip the verbs that count


def test_two_thousand_comments_render_paginated_in_the_same_queries(
    article, django_assert_num_queries
):
    add_many_comments(article, 2000)
    for page_number in (1, 7):
        query = {"cpage": page_number} if page_number > 1 else {}  # page 1 has no cpage
        # On the first page only: the article's writers, medical review and corrections,
        # then cached; the counts are stored on the article.
        # And the editors' picks above the thread (comments/featured.py).
        with django_assert_num_queries(6 if page_number == 1 else 2):
            cold = page_of(Client(), article, **query)
        with django_assert_num_queries(1):
            warm = page_of(Client(), article, **query)
        with django_assert_num_queries(1):  # their own page, around the cached thread
            page_of(reader_with_saved_details(), article, **query)
        assert "2000 Responses" in cold and f"Page {page_number} of 20" in warm
        assert cold.count('class="comment"') == 100  # 50 threads of two


def test_a_comment_deleted_in_the_admin_disappears_at_once(article, make_comment, reader):
    comment = make_comment(article, body="Deleted by a superuser")
    assert "Deleted by a superuser" in page_of(reader, article)
    Comment.objects.filter(pk=comment.pk).delete()
    assert "Deleted by a superuser" not in page_of(reader, article)


def test_new_pending_and_spam_comments_leave_the_cached_pages_alone(article, make_comment):
    stamp = article.page_stamp
    pending = make_comment(article, status=Comment.Status.PENDING)
    make_comment(article, status=Comment.Status.SPAM)
    article.refresh_from_db()
    assert article.page_stamp == stamp
    pending.approve()
    article.refresh_from_db()
    assert article.page_stamp == stamp + 1
    pending.remove()
    article.refresh_from_db()
    assert article.page_stamp == stamp + 2


def test_a_scheduled_update_replaces_the_cached_page_when_its_time_comes(article, reader):
    from articles.models import Article

    update = article.add_version(title="Sleep and Health", summary="S", body="Scheduled body.")
    article.publish(update, when=timezone.now() + timedelta(hours=2))
    assert "Sleep restores the body." in page_of(reader, article)
    Article.objects.filter(pk=article.pk).update(scheduled_at=timezone.now())
    page = page_of(reader, article)
    assert "Scheduled body." in page and "Sleep restores the body." not in page


def test_a_missing_article_writes_nothing_to_the_cache(client, db, settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "x"},
    }
    from django.core.cache import cache

    cache.clear()
    for number in range(20):
        assert client.get(f"/no-such-article-{number}/").status_code == 404
    assert not cache._cache  # a crawler's guesses fill nothing


def test_the_cache_passes_every_cookie_that_makes_a_page_personal(settings):
    from pathlib import Path

    from django.contrib.messages.storage.cookie import CookieStorage

    from comments.readers import AUTHOR_COOKIE, OWN_COMMENTS_COOKIE

    vcl = (Path(settings.BASE_DIR) / "deploy" / "varnish" / "default.vcl").read_text()
    listed = set(re.search(r"\(\^\|;\\s\*\)\(([a-z_|]+)\)=", vcl).group(1).split("|"))
    assert listed == settings.PERSONAL_COOKIES
    assert {
        settings.SESSION_COOKIE_NAME,
        CookieStorage.cookie_name,
        AUTHOR_COOKIE,
        OWN_COMMENTS_COOKIE,
    } <= settings.PERSONAL_COOKIES


def test_every_reader_without_a_site_cookie_gets_the_same_bytes(article, make_comment):
    make_comment(article, body="Shared by all")
    first = Client().get(article.get_absolute_url(), HTTP_USER_AGENT="one")
    second = Client().get(
        article.get_absolute_url(), HTTP_USER_AGENT="two", REMOTE_ADDR="127.0.0.9"
    )
    assert first.content == second.content
    assert first["ETag"] == second["ETag"]
