"""Posting twice (issue 24, item 9): a comment sent again shows the first, and is not saved twice.

The case that matters: the first answer never reached the reader (Varnish gave up
waiting, the connection dropped), so their browser has none of the cookies it would
have set; they press Back and send the form again.
"""

import time
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from comments.models import Comment
from comments.privacy import clear_old_ip_addresses, erase_commenter_data
from comments.resubmission import REPEAT_WINDOW, posting_keys, submit_once

NONCE = "0123456789abcdef0123456789abcdef"
OTHER_NONCE = "fedcba9876543210fedcba9876543210"


def _answer_lost(client):
    """The first answer never reached the browser: none of its cookies were kept."""
    client.cookies.clear()


def test_the_same_post_sent_again_shows_the_first_comment(client, article, comment_post):
    first = comment_post(article, nonce=NONCE)
    _answer_lost(client)
    again = comment_post(article, nonce=NONCE)

    comment = Comment.objects.get()
    assert again.status_code == 303
    assert again["Location"] == first["Location"] == f"/{article.slug}/#comment-{comment.pk}"
    page = client.get(again["Location"]).content.decode()
    assert "You had sent this comment already, so it was not posted twice" in page
    assert f'id="comment-{comment.pk}"' in page
    assert "Very clear, thank you." in page


def test_different_texts_with_the_same_nonce_are_two_comments(client, article, comment_post):
    comment_post(article, nonce=NONCE, body="First thought.")
    comment_post(article, nonce=NONCE, body="Second thought.")
    assert sorted(Comment.objects.values_list("body", flat=True)) == [
        "First thought.",
        "Second thought.",
    ]


def test_different_texts_without_javascript_are_two_comments(client, article, comment_post):
    comment_post(article, token="", body="First thought.")
    comment_post(article, token="", body="Second thought.")
    assert Comment.objects.count() == 2


def test_the_same_text_from_another_tab_is_another_comment(client, article, comment_post):
    comment_post(article, nonce=NONCE)
    comment_post(article, nonce=OTHER_NONCE)
    assert Comment.objects.count() == 2


def test_a_reader_without_javascript_sending_the_same_text_twice_gets_one_comment(
    client, article, comment_post
):
    comment_post(article, token="")
    _answer_lost(client)
    # Only the spacing differs: the browser's form restore, or a reader's retyping.
    again = comment_post(article, token="", body="  Very clear,\n thank   you. ")
    comment = Comment.objects.get()
    assert again["Location"] == f"/{article.slug}/#comment-{comment.pk}"
    assert "not posted twice" in client.get(again["Location"]).content.decode()


def test_a_double_post_of_a_pending_comment_leaves_one_the_reader_still_sees(
    client, article, comment_post
):
    comment_post(article, token="")
    _answer_lost(client)
    page = comment_post(article, token="", follow=True).content.decode()

    assert Comment.objects.filter(status=Comment.Status.PENDING).count() == 1
    assert Comment.objects.count() == 1
    assert "it is awaiting moderation" in page
    assert "Your comment is awaiting moderation." in page
    assert "Very clear, thank you." in page
    # And on every later visit from this browser.
    assert "Very clear, thank you." in client.get(article.get_absolute_url()).content.decode()


def test_a_repeat_of_an_approved_comment_says_it_is_published(client, article, comment_post):
    comment_post(article, nonce=NONCE)
    Comment.objects.get().approve()
    page = comment_post(article, nonce=NONCE, follow=True).content.decode()
    assert Comment.objects.count() == 1
    assert "so it was not posted twice: it is published." in page


def test_the_same_words_from_another_address_cannot_claim_the_comment(
    client, article, comment_post
):
    """Without the script the key is the reader: their mailbox and their address. Someone
    who knows a reader's email and copies their words gets a comment of their own, not the
    reader's pending one (nor the right to edit it)."""
    comment_post(article, token="")
    stranger = Client(REMOTE_ADDR="127.0.0.9")
    response = stranger.post(
        f"/{article.slug}/comments/",
        {"body": "Very clear, thank you.", "name": "Ada Reader", "email": "ada@example.org"},
        follow=True,
    )
    assert Comment.objects.count() == 2
    assert "not posted twice" not in response.content.decode()


def test_copying_a_published_comment_with_its_authors_address_gives_no_edit_link(
    client, article, comment_post
):
    """The same address (a shared network), the author's email and the words of their
    published comment: the post is recognised as the same, and shows it, but the comment
    is not handed over to this browser."""
    comment_post(article, token="")
    comment = Comment.objects.get()
    comment.approve()
    stranger = Client()
    page = stranger.post(
        f"/{article.slug}/comments/",
        {"body": "Very clear, thank you.", "name": "Mallory", "email": "ada@example.org"},
        follow=True,
    ).content.decode()
    assert Comment.objects.count() == 1
    assert "not posted twice: it is published." in page
    assert f"/comments/{comment.pk}/edit/" not in page
    assert "cms_own_comments" not in stranger.cookies


def test_the_same_words_to_another_comment_are_another_reply(
    client, article, comment_post, make_comment
):
    one, two = make_comment(article), make_comment(article)
    comment_post(article, nonce=NONCE, body="Agreed.", replyto=one.pk)
    comment_post(article, nonce=NONCE, body="Agreed.", replyto=two.pk)
    assert sorted(Comment.objects.filter(body="Agreed.").values_list("parent", flat=True)) == [
        one.pk,
        two.pk,
    ]


def test_a_damaged_nonce_is_ignored_and_the_post_is_keyed_by_its_reader(
    client, article, comment_post
):
    response = comment_post(article, nonce='"><script>alert(1)</script>')
    assert response.status_code == 303
    comment_post(article, nonce="not a nonce")
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("windows_later", [0, 1])
def test_without_javascript_a_repeat_is_recognised_for_at_least_one_window(
    article, make_comment, windows_later
):
    comment = make_comment(article, status=Comment.Status.PENDING)
    reader = type("Reader", (), {"address": "127.0.0.1"})()
    now = time.time()
    stored = posting_keys(comment, "", reader, now=now)[0]
    later = posting_keys(comment, "", reader, now=now + windows_later * REPEAT_WINDOW)
    assert stored in later


def test_without_javascript_the_same_text_long_after_is_a_new_comment(article, make_comment):
    comment = make_comment(article, status=Comment.Status.PENDING)
    reader = type("Reader", (), {"address": "127.0.0.1"})()
    now = time.time()
    stored = posting_keys(comment, "", reader, now=now)[0]
    assert stored not in posting_keys(comment, "", reader, now=now + 2 * REPEAT_WINDOW)


def test_a_twin_request_saved_first_is_returned_instead_of_a_second_comment(article, make_comment):
    """Two copies of one post being saved at once (the app resumed with both queued): the
    database's unique key lets one through, and the other answers with it."""
    first = make_comment(article, status=Comment.Status.PENDING, posting_key="k" * 64)
    twin = Comment(
        article=article, name="Ada", email="ada@example.org", body="Hi", posting_key="k" * 64
    )
    assert submit_once(twin) == first
    assert Comment.objects.count() == 1


def test_the_posting_key_goes_with_the_commenter_s_other_data(client, article, comment_post):
    """The key is an HMAC of, among others, the mailbox and the address: erasure and the
    daily clearing of old addresses take it too."""
    comment_post(article, token="")
    comment_post(article, token="", body="Another thought.", email="bo@example.org")
    old, erased = Comment.objects.order_by("pk")
    assert old.posting_key and erased.posting_key
    Comment.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=400))
    clear_old_ip_addresses(days=90)
    erase_commenter_data("bo@example.org")
    assert list(Comment.objects.values_list("posting_key", flat=True)) == [None, None]
