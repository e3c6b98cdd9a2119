"""What readers can see of a thread is one thing: the count, the page and the feed agree,
and a moderator hiding a comment with replies is told what becomes of them."""

import feedparser
import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from comments.models import Comment

pytestmark = pytest.mark.django_db


def _thread(article, make_comment):
    """Six approved comments: a parent with a reply and a reply to that, and three others."""
    parent = make_comment(article, body="The parent")
    reply = make_comment(article, parent=parent, body="A reply")
    make_comment(article, parent=reply, body="A reply to the reply")
    for number in range(3):
        make_comment(article, body=f"Other {number}")
    return parent, reply


def test_a_reply_under_a_comment_marked_spam_leaves_the_count_the_page_and_the_feed(
    article, make_comment
):
    parent, _reply = _thread(article, make_comment)
    parent.mark_spam()
    page = Client().get(article.get_absolute_url()).content.decode()
    assert "3 Responses" in page
    assert page.count('class="comment"') == 3
    assert "A reply" not in page
    feed = feedparser.parse(Client().get(f"/{article.slug}/comments/feed/").content)
    assert len(feed.entries) == 3
    assert all("reply" not in entry.description for entry in feed.entries)


def test_the_replies_come_back_when_their_parent_is_approved_again(article, make_comment):
    parent, _reply = _thread(article, make_comment)
    parent.remove()
    parent.approve()
    page = Client().get(article.get_absolute_url()).content.decode()
    assert "6 Responses" in page
    assert page.count('class="comment"') == 6
    feed = feedparser.parse(Client().get(f"/{article.slug}/comments/feed/").content)
    assert len(feed.entries) == 6


def test_the_admin_says_what_becomes_of_the_replies_of_a_hidden_comment(
    moderator_client, article, make_comment
):
    parent, _reply = _thread(article, make_comment)
    change_page = moderator_client.get(
        reverse("admin:comments_comment_change", args=[parent.pk])
    ).content.decode()
    assert "2 approved replies sit under this comment" in change_page
    response = moderator_client.post(
        reverse("admin:comments_comment_moderate", args=[parent.pk, "spam"])
    )
    (message,) = [str(each) for each in get_messages(response.wsgi_request)]
    assert "is now spam" in message
    assert "2 approved replies below are hidden from readers too" in message


def test_the_bulk_action_says_how_many_replies_are_hidden(moderator_client, article, make_comment):
    parent, _reply = _thread(article, make_comment)
    lonely = Comment.objects.get(body="Other 0")
    response = moderator_client.post(
        "/admin/comments/comment/?status=all",
        {"action": "remove_selected", "_selected_action": [parent.pk, lonely.pk]},
    )
    (message,) = [str(each) for each in get_messages(response.wsgi_request)]
    assert message.startswith("2 comments removed.")
    assert "2 approved replies below are hidden" in message


def test_a_reply_below_two_hidden_comments_is_left_out_once(article, make_comment):
    top = make_comment(article, body="Top", status=Comment.Status.SPAM)
    middle = make_comment(article, parent=top, body="Middle", status=Comment.Status.REMOVED)
    make_comment(article, parent=middle, body="Bottom")
    make_comment(article, parent=top, body="Beside")
    make_comment(article, body="Alone")
    page = Client().get(article.get_absolute_url()).content.decode()
    assert "1 Response<" in page
    assert page.count('class="comment"') == 1
    assert list(Comment.objects.seen_by_readers(article.pk).values_list("body", flat=True)) == [
        "Alone"
    ]
