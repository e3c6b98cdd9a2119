"""Threaded replies, the response count, pagination and the page's query count."""

import re

import pytest
from django.test import Client

from comments.models import Comment


def test_reply_link_works_without_javascript(client, article, make_comment):
    parent = make_comment(article, name="Grace")
    page = client.get(article.get_absolute_url()).content.decode()
    assert f'href="?replyto={parent.pk}#respond"' in page
    reply_page = client.get(f"{article.get_absolute_url()}?replyto={parent.pk}").content.decode()
    assert "Reply to Grace" in reply_page
    assert f'name="replyto" value="{parent.pk}"' in reply_page
    assert "Cancel reply" in reply_page


def test_a_reply_is_shown_indented_under_its_parent(client, article, make_comment, comment_post):
    parent = make_comment(article, body="Top-level words")
    response = comment_post(article, body="Reply words", replyto=parent.pk)
    reply = Comment.objects.get(body="Reply words")
    assert reply.parent == parent
    assert reply.depth == 2
    assert response["Location"].endswith(f"#comment-{reply.pk}")
    reply.approve()
    page = Client().get(article.get_absolute_url()).content.decode()
    parent_at = page.index(f'id="comment-{parent.pk}"')
    children_at = page.index('<ol class="children">', parent_at)
    assert parent_at < children_at < page.index(f'id="comment-{reply.pk}"')


def test_replies_deeper_than_the_limit_attach_at_the_maximum_depth(
    client, article, make_comment, comment_post, settings
):
    settings.COMMENTS_MAX_DEPTH = 3
    first = make_comment(article)
    second = make_comment(article, parent=first)
    third = make_comment(article, parent=second)
    assert third.depth == 3
    comment_post(article, body="Too deep", replyto=third.pk)
    deep = Comment.objects.get(body="Too deep")
    assert deep.depth == 3
    assert deep.parent == third
    deep.approve()
    page = Client().get(article.get_absolute_url()).content.decode()
    assert page.count('<ol class="children">') == 3


def test_replying_to_a_comment_that_is_not_approved_is_refused(
    client, article, make_comment, comment_post
):
    hidden = make_comment(article, status=Comment.Status.PENDING)
    response = comment_post(article, body="Keep me", replyto=hidden.pk)
    page = response.content.decode()
    assert response.status_code == 200
    assert "no longer available" in page
    assert "Keep me" in page
    assert not Comment.objects.filter(body="Keep me").exists()


def test_the_count_counts_approved_comments_only(client, article, make_comment):
    for _ in range(3):
        make_comment(article)
    make_comment(article, status=Comment.Status.PENDING)
    make_comment(article, status=Comment.Status.SPAM)
    make_comment(article, status=Comment.Status.REMOVED)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "3 Responses" in page
    assert page.count('class="comment"') == 3


def test_one_approved_comment_says_one_response(client, article, make_comment):
    make_comment(article)
    assert "1 Response<" in client.get(article.get_absolute_url()).content.decode()


def test_long_threads_are_paginated_with_working_links(client, article, make_comment, settings):
    settings.COMMENTS_PER_PAGE = 2
    for letter in "ABC":
        # make_comment dates each comment earlier than the one before: C is the oldest.
        make_comment(article, body=f"Comment {letter}")
    first_page = client.get(article.get_absolute_url()).content.decode()
    assert "Page 1 of 2" in first_page
    assert "Comment C" in first_page and "Comment B" in first_page
    assert "Comment A" not in first_page
    link = re.search(r'href="(\?cpage=2#comments)"', first_page).group(1)
    second_page = client.get(article.get_absolute_url() + link).content.decode()
    assert "Comment A" in second_page
    assert "3 Responses" in second_page


def test_new_comment_redirects_to_the_page_that_shows_it(
    client, article, make_comment, comment_post, settings
):
    settings.COMMENTS_PER_PAGE = 2
    for _ in range(4):
        make_comment(article)
    response = comment_post(article, body="Latest")
    latest = Comment.objects.get(body="Latest")
    assert response["Location"] == f"/{article.slug}/?cpage=3#comment-{latest.pk}"
    assert "Latest" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("count", [0, 10, 200])
def test_article_page_query_count_is_fixed_whatever_the_comments(
    client, article, make_comment, count, django_assert_num_queries
):
    roots = []
    for number in range(count):
        parent = roots[number % len(roots)] if roots and number % 3 else None
        comment = make_comment(article, parent=parent)
        if parent is None:
            roots.append(comment)
    # The article, its medical review, its corrections, the thread: then the review line
    # and the thread are cached.
    with django_assert_num_queries(4):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    with django_assert_num_queries(1):
        assert Client().get(article.get_absolute_url()).status_code == 200


def test_the_authors_pending_reply_costs_no_extra_query(
    client, article, make_comment, comment_post, django_assert_num_queries
):
    parent = make_comment(article)
    comment_post(article, replyto=parent.pk, body="Pending reply")
    # The article, its medical review and corrections (cached after this), the thread.
    with django_assert_num_queries(4):
        page = client.get(article.get_absolute_url()).content.decode()
    assert "Pending reply" in page
