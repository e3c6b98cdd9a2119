"""The article page from the shared cache: fast, never stale, never one reader's page to another.

Two ways in: a reader with no cookie of their own gets the whole page from the
page cache (articles/page_cache.py); a reader with cookies (here: saved name
and email) gets a page rendered for them around the cached comment thread
(comments/thread_cache.py). Each change a reader would see must show at once
through both.
"""

import re
import time
from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from articles.page_cache import page_key, page_timeout
from comments.editing import delete_own_comment
from comments.forms import read_form_token
from comments.markup import render_comment
from comments.models import Comment
from comments.readers import AUTHOR_COOKIE, AUTHOR_SALT

SAVED_DETAILS = {"name": "Saved Sam", "email": "sam.saved@example.org", "website": ""}


def reader_with_saved_details():
    client = Client()
    client.cookies[AUTHOR_COOKIE] = signing.dumps(SAVED_DETAILS, salt=AUTHOR_SALT, compress=True)
    return client


@pytest.fixture(params=["page cache", "thread cache"])
def reader(request):
    """A reader of each kind: no cookies (whole page cached), or saved details (thread cached)."""
    return Client() if request.param == "page cache" else reader_with_saved_details()


def page_of(client, article, **query):
    response = client.get(article.get_absolute_url(), query)
    assert response.status_code == 200
    return response.content.decode()


def form_tokens(page):
    return {
        name: re.search(rf'name="{name}" value="([^"]+)"', page).group(1)
        for name in ("csrfmiddlewaretoken", "token")
    }


def test_the_second_reader_gets_the_page_in_one_query(client, article, make_comment, reader,
                                                      django_assert_num_queries):  # fmt: skip
    make_comment(article, body="Cached comment")
    # The page's state, the whole article, its medical review and corrections, the thread.
    with django_assert_num_queries(5):
        first = page_of(client, article)
    with django_assert_num_queries(1):  # the article: still published, as which version?
        second = page_of(reader, article)
    assert "Cached comment" in first and "Cached comment" in second


def test_each_copy_of_the_cached_page_has_fresh_tokens_that_work(article, settings):
    settings.COMMENTS_MIN_SECONDS = 0
    page_of(Client(), article)  # fills the cache
    reader = Client(enforce_csrf_checks=True)
    page = page_of(reader, article)
    other = form_tokens(page_of(Client(), article))
    tokens = form_tokens(page)
    assert tokens["csrfmiddlewaretoken"] != other["csrfmiddlewaretoken"]
    assert abs(read_form_token(tokens["token"], article.pk) - time.time()) < 5
    assert "page-cache-" not in page
    response = reader.post(
        f"/{article.slug}/comments/",
        {**tokens, "body": "Posted from a cached page.", "name": "Ann", "email": "ann@example.org"},
    )
    assert response.status_code == 303
    comment = Comment.objects.get(body="Posted from a cached page.")
    assert comment.status == Comment.Status.PENDING  # not spam: the tokens were good


def test_cached_page_is_private_to_the_reader(client, article):
    page_of(client, article)
    response = client.get(article.get_absolute_url())
    assert "private" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]


def test_an_approved_comment_shows_at_once(article, make_comment, reader):
    pending = make_comment(article, status=Comment.Status.PENDING, body="Held for a moment")
    assert "Held for a moment" not in page_of(reader, article)
    pending.approve()
    assert "Held for a moment" in page_of(reader, article)


def test_an_edited_comment_shows_its_new_text_at_once(article, make_comment, reader):
    comment = make_comment(article, body="First wording")
    assert "First wording" in page_of(reader, article)
    comment.body = "Second wording"
    comment.save()
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


def test_the_cached_page_never_outlives_the_closing_of_comments(article, settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 10
    settings.PAGE_CACHE_SECONDS = 3600
    now = timezone.now()
    article.first_published_at = now - timedelta(days=10) + timedelta(seconds=90)
    assert page_timeout(article, now=now) == 91
    article.first_published_at = now - timedelta(days=30)  # closed already: nothing to wait for
    assert page_timeout(article, now=now) == 3600


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


def test_a_page_past_the_end_shows_the_last_page_and_is_not_cached(
    client, article, make_comment, settings
):
    from django.core.cache import cache

    settings.COMMENTS_PER_PAGE = 2
    for number in range(3):
        make_comment(article, body=f"Thread {number}")
    page = page_of(client, article, cpage=99)
    assert "Page 2 of 2" in page
    article.refresh_from_db()
    assert cache.get(page_key(article, 99)) is None
    assert cache.get(page_key(article, 2)) is None
    page_of(client, article, cpage=2)
    assert cache.get(page_key(article, 2)) is not None


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


def test_two_thousand_comments_render_paginated_in_the_same_queries(
    article, django_assert_num_queries
):
    add_many_comments(article, 2000)
    for page_number in (1, 7):
        # On the first page only: the article's medical review and corrections, then cached.
        with django_assert_num_queries(5 if page_number == 1 else 3):
            cold = page_of(Client(), article, cpage=page_number)
        with django_assert_num_queries(1):
            warm = page_of(Client(), article, cpage=page_number)
        with django_assert_num_queries(1):  # their own page, around the cached thread
            page_of(reader_with_saved_details(), article, cpage=page_number)
        assert "2000 Responses" in cold and f"Page {page_number} of 20" in warm
        assert cold.count('class="comment"') == 100  # 50 threads of two


def test_the_cached_page_keeps_the_whitespace_of_preformatted_text(client, make_article):
    article = make_article(body="Before.\n\n```\nline one\n    indented line\n```\n")
    page_of(client, article)
    page = page_of(client, article)  # from the cache, indentation of the templates removed
    assert "\n    indented line" in page
    assert "\n  <" not in page.split("<pre", 1)[0]


def test_a_comment_deleted_in_the_admin_disappears_at_once(article, make_comment, reader):
    comment = make_comment(article, body="Deleted by a superuser")
    assert "Deleted by a superuser" in page_of(reader, article)
    Comment.objects.filter(pk=comment.pk).delete()
    assert "Deleted by a superuser" not in page_of(reader, article)


def test_new_pending_and_spam_comments_leave_the_cached_pages_alone(article, make_comment):
    stamp = article.comments_stamp
    pending = make_comment(article, status=Comment.Status.PENDING)
    make_comment(article, status=Comment.Status.SPAM)
    pending.body = "Edited while still pending"
    pending.save()
    article.refresh_from_db()
    assert article.comments_stamp == stamp
    pending.approve()
    article.refresh_from_db()
    assert article.comments_stamp == stamp + 1
    pending.remove()
    article.refresh_from_db()
    assert article.comments_stamp == stamp + 2


def test_a_scheduled_update_replaces_the_cached_page_when_its_time_comes(article, reader):
    from articles.models import Article

    update = article.add_version(title="Sleep and Health", summary="S", body="Scheduled body.")
    article.publish(update, when=timezone.now() + timedelta(hours=2))
    assert "Sleep restores the body." in page_of(reader, article)
    assert page_timeout(Article.objects.get(pk=article.pk)) <= 2 * 60 * 60 + 1
    Article.objects.filter(pk=article.pk).update(scheduled_at=timezone.now())
    page = page_of(reader, article)
    assert "Scheduled body." in page and "Sleep restores the body." not in page
