"""Threaded replies, the response count, pagination and the page's query count."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from articles.models import Article
from comments.models import Comment, thread_sql
from comments.wordpress.comment_rows import new_comment
from comments.wordpress.wxr import WordPressComment


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
    # Stored as a reply to the deepest allowed ancestor: a sibling of the comment it answers.
    assert deep.parent == second
    deep.approve()
    page = Client().get(article.get_absolute_url()).content.decode()
    assert page.count('<ol class="children">') == 2
    assert page.index(f'id="comment-{third.pk}"') < page.index(f'id="comment-{deep.pk}"')


def _chain_in_the_database(article, length):
    """A chain of approved replies written straight to the database, as old data may hold:
    each the reply of the one before, whatever COMMENTS_MAX_DEPTH says."""
    parent = None
    chain = []
    for number in range(length):
        (comment,) = Comment.objects.bulk_create(
            [
                Comment(
                    article=article,
                    parent=parent,
                    depth=min(number + 1, 5),
                    name=f"Link {number}",
                    email="chain@example.org",
                    body=f"Link number {number}",
                    body_html=f"<p>Link number {number}</p>",
                    status=Comment.Status.APPROVED,
                )
            ]
        )
        chain.append(comment)
        parent = comment
    # Rows written in bulk skip the verbs: the article's stored counts are made as an
    # import makes them.
    Comment.objects.refresh_threads([article.pk])
    return chain


def test_a_200_deep_chain_of_replies_renders(client, article, settings):
    settings.COMMENTS_MAX_DEPTH = 5
    chain = _chain_in_the_database(article, 200)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "200 Responses" in page
    assert all(f'id="comment-{comment.pk}"' in page for comment in chain)
    # Shown at most five levels deep: four nested lists, each opened and closed once.
    assert page.count('<ol class="children">') == 4
    assert page.count("<ol") == page.count("</ol>")
    assert len(re.findall(r"<li[\s>]", page)) == page.count("</li>")


def test_a_reply_to_a_deep_chain_attaches_at_the_deepest_level(
    client, article, comment_post, settings
):
    settings.COMMENTS_MAX_DEPTH = 5
    chain = _chain_in_the_database(article, 75)
    comment_post(article, body="Answer to the last", replyto=chain[-1].pk)
    answer = Comment.objects.get(body="Answer to the last")
    assert answer.parent == chain[3]  # the ancestor at level 4
    assert answer.depth == 5


def test_each_reply_closes_its_own_list(client, article, make_comment):
    first = make_comment(article, body="First root", created_at=timezone.now() - timedelta(hours=5))
    reply = make_comment(
        article, parent=first, body="Its reply", created_at=timezone.now() - timedelta(hours=4)
    )
    make_comment(
        article, parent=reply, body="Reply to reply", created_at=timezone.now() - timedelta(hours=3)
    )
    make_comment(article, body="Second root", created_at=timezone.now() - timedelta(hours=2))
    page = client.get(article.get_absolute_url()).content.decode()
    thread = page[page.index('<ol class="comment-list">') : page.index("Second root")]
    # The second top-level comment comes after both nested lists are closed.
    assert thread.count('<ol class="children">') == 2
    assert thread.count("</ol>") == 2


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
    # The article (with its stored counts), its writers, its medical review, its
    # corrections, the thread: then the header and the thread are cached.
    # And the editors' picks above the thread (comments/featured.py).
    with django_assert_num_queries(6):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    with django_assert_num_queries(1):
        assert Client().get(article.get_absolute_url()).status_code == 200


def test_the_authors_pending_reply_costs_one_query_whatever_the_thread(
    client, article, make_comment, comment_post, django_assert_num_queries
):
    parent = make_comment(article)
    comment_post(article, replyto=parent.pk, body="Pending reply")
    # The article (its comment counts are stored on it), its writers, medical review,
    # corrections, the thread (the same for every reader), and the reader's own comments.
    # And the editors' picks above the thread (comments/featured.py).
    with django_assert_num_queries(7):
        page = client.get(article.get_absolute_url()).content.decode()
    assert "Pending reply" in page


def test_a_thread_of_2000_comments_costs_the_queries_of_a_small_one(
    client, article, django_assert_num_queries
):
    """Only the page's 50 top-level comments and their replies are read, in one query."""
    start = timezone.now() - timedelta(days=30)
    roots = Comment.objects.bulk_create(
        Comment(
            article=article,
            name=f"Root {number}",
            email="root@example.org",
            body=f"Root {number}",
            body_html=f"<p>Root number {number}.</p>",
            status=Comment.Status.APPROVED,
            created_at=start + timedelta(minutes=number),
        )
        for number in range(500)
    )
    Comment.objects.bulk_create(
        Comment(
            article=article,
            parent=roots[number % 500],
            depth=2,
            name=f"Reply {number}",
            email="reply@example.org",
            body=f"Reply {number}",
            body_html=f"<p>Reply number {number}.</p>",
            status=Comment.Status.APPROVED,
            created_at=start + timedelta(minutes=600 + number),
        )
        for number in range(1500)
    )
    Comment.objects.refresh_threads([article.pk])
    # The article (with its stored counts), its writers, medical review, corrections, the
    # thread.
    # And the editors' picks above the thread (comments/featured.py).
    with django_assert_num_queries(6):
        page = client.get(article.get_absolute_url() + "?cpage=2").content.decode()
    assert "2000 Responses" in page
    assert "Page 2 of 10" in page
    assert "Root number 50." in page and "Root number 99." in page
    assert "Root number 49." not in page and "Root number 100." not in page
    # Each of the page's roots has its three replies, and nothing else is shown.
    assert page.count('class="comment"') == 50 * 4


def test_comments_that_led_to_a_correction_cost_no_extra_query(
    client, article, make_comment, django_assert_num_queries
):
    correction = article.add_version(
        title="Sleep and Health", summary="S", body="Corrected.", is_correction=True,
        correction_note="A dose was wrong.",
    )  # fmt: skip
    article.publish(correction)
    for number in range(5):
        comment = make_comment(article, body=f"Spotted it {number}")
        Comment.objects.filter(pk=comment.pk).update(led_to_version=correction)
    # The article (with its stored counts), its writers, medical review, corrections, the
    # comments thanked in the correction notice, the thread: none per comment.
    # And the editors' picks above the thread (comments/featured.py).
    with django_assert_num_queries(7):
        page = client.get(article.get_absolute_url()).content.decode()
    assert page.count("This comment led to a correction on") == 5


def _imported_reply(article, parent):
    """A WordPress comment as the importer makes it, replying to ``parent``."""
    record = WordPressComment(
        id=900,
        parent_id=parent.wordpress_id or 0,
        author="Imported",
        email="i@example.org",
        url="",
        ip="",
        date="2020-01-01 10:00:00",
        date_gmt="2020-01-01 10:00:00",
        content="Old reply",
        approved="1",
        type="",
        user_id=0,
        line=1,
    )
    return new_comment(
        record, article=article, version_id=None, parent=parent, staff_ids=set(), where="test"
    )


def test_the_wordpress_importer_attaches_deep_replies_by_the_same_rule(article, settings):
    settings.COMMENTS_MAX_DEPTH = 3
    chain = _chain_in_the_database(article, 3)
    for comment in chain:
        comment.refresh_from_db()
    imported = _imported_reply(article, chain[-1])
    assert (imported.parent_id, imported.depth) == (chain[1].pk, 3)
    imported = _imported_reply(article, chain[0])
    assert (imported.parent_id, imported.depth) == (chain[0].pk, 2)


def test_the_thread_sql_names_the_model_s_own_table_and_statuses():
    """comments/models/thread_sql.py writes the table and statuses into its SQL."""
    assert Comment._meta.db_table == thread_sql.TABLE
    assert (thread_sql.APPROVED, thread_sql.PENDING) == (
        Comment.Status.APPROVED,
        Comment.Status.PENDING,
    )
    assert {"spam", "removed"} == {Comment.Status.SPAM, Comment.Status.REMOVED}


def _stored_counts(article):
    article.refresh_from_db()
    return article.approved_comment_count, article.top_level_comment_count


def test_the_stored_counts_follow_every_change_readers_see(article, make_comment):
    """The counts the pages show are stored on the article (no page counts a thread of
    thousands) and agree with what readers see after each kind of change."""
    stale = Article.objects.get(pk=article.pk)  # an editor's form, open all along
    first = make_comment(article)
    reply = make_comment(article, parent=first)
    make_comment(article, parent=reply)
    held = make_comment(article, status=Comment.Status.PENDING)
    assert _stored_counts(article) == (3, 1)
    held.approve()
    assert _stored_counts(article) == (4, 2)
    reply.hold()  # after readers' reports: the reply under it is hidden too
    assert _stored_counts(article) == (2, 2)
    assert Comment.objects.seen_by_readers(article.pk).count() == 2
    reply.approve()
    first.delete()  # its replies go with it
    assert _stored_counts(article) == (1, 1)
    Comment.objects.filter(article=article).delete()  # the admin's bulk delete
    assert _stored_counts(article) == (0, 0)
    make_comment(article)
    stale.comments_open = False
    stale.save()  # a save of the whole article keeps the counts it did not read
    assert _stored_counts(article) == (1, 1)
