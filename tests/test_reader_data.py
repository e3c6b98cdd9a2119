"""A commenter edits or deletes their own comment, from the same browser, for a short while."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from comments.models import Comment
from comments.readers import OWN_COMMENTS_COOKIE


@pytest.fixture
def own_comment(article, comment_post):
    """A comment posted through the form by ``client``'s browser, then approved."""
    response = comment_post(article, body="My first thought.", email="me@example.org")
    assert response.status_code == 303
    comment = Comment.objects.get()
    comment.approve()
    return comment


def _edit(client, comment, body):
    return client.post(f"/comments/{comment.pk}/edit/", {"body": body})


def test_author_sees_edit_and_delete_links_on_their_recent_comment(client, article, own_comment):
    page = client.get(article.get_absolute_url()).content.decode()
    assert f'href="/comments/{own_comment.pk}/edit/"' in page
    assert f'href="/comments/{own_comment.pk}/delete/"' in page
    other = Client().get(article.get_absolute_url()).content.decode()
    assert "My first thought." in other
    assert f"/comments/{own_comment.pk}/edit/" not in other


def test_links_disappear_when_the_edit_window_closes(client, article, own_comment, settings):
    settings.COMMENTS_EDIT_MINUTES = 15
    Comment.objects.filter(pk=own_comment.pk).update(
        created_at=timezone.now() - timedelta(minutes=16)
    )
    page = client.get(article.get_absolute_url()).content.decode()
    assert "My first thought." in page
    assert f"/comments/{own_comment.pk}/edit/" not in page


def test_author_corrects_their_comment_and_it_stays_approved(client, article, own_comment):
    form = client.get(f"/comments/{own_comment.pk}/edit/")
    assert form.status_code == 200
    assert "My first thought.</textarea>" in form.content.decode()
    response = _edit(client, own_comment, "My first thought, <b>bold</b>.")
    assert response.status_code == 303
    assert response["Location"] == f"{article.get_absolute_url()}#messages"
    own_comment.refresh_from_db()
    assert own_comment.body == "My first thought, <b>bold</b>."
    assert own_comment.status == Comment.Status.APPROVED
    page = Client().get(article.get_absolute_url()).content.decode()
    assert "My first thought, <b>bold</b>." not in page  # sanitised: b is not allowed
    assert "My first thought, &lt;b&gt;bold&lt;/b&gt;." in page


def test_an_edit_loses_nothing_to_stray_control_characters(client, own_comment):
    response = _edit(client, own_comment, "Line one\x00\r\nLine two\x1b")
    assert response.status_code == 303
    own_comment.refresh_from_db()
    assert own_comment.body == "Line one\nLine two"


def test_an_edit_the_policy_would_hold_goes_back_to_moderation(
    client, article, own_comment, settings, run_mail_queue
):
    settings.COMMENTS_MAX_LINKS = 1
    settings.COMMENTS_MODERATORS = ["moderator@example.org"]
    _edit(client, own_comment, "See https://a.example and https://b.example for more.")
    own_comment.refresh_from_db()
    assert own_comment.status == Comment.Status.PENDING
    run_mail_queue()
    assert len(mail.outbox) == 1
    assert "https://a.example" not in Client().get(article.get_absolute_url()).content.decode()
    assert "awaiting moderation" in client.get(article.get_absolute_url()).content.decode()


def test_an_edit_with_a_moderation_word_is_held(client, own_comment, settings):
    settings.COMMENTS_MODERATION_WORDS = ["miracle"]
    _edit(client, own_comment, "A miracle cure!")
    own_comment.refresh_from_db()
    assert own_comment.status == Comment.Status.PENDING


def test_an_edit_with_a_disallowed_word_is_spam_but_told_the_same(client, own_comment, settings):
    settings.COMMENTS_DISALLOWED_WORDS = ["casino"]
    response = _edit(client, own_comment, "Visit my casino.")
    own_comment.refresh_from_db()
    assert own_comment.status == Comment.Status.SPAM
    page = client.get(response["Location"]).content.decode()
    assert "awaiting moderation" in page


def test_a_pending_comment_stays_pending_after_an_edit(client, article, comment_post):
    comment_post(article, body="Held at first.", email="new@example.org")
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    _edit(client, comment, "Still held.")
    comment.refresh_from_db()
    assert comment.body == "Still held." and comment.status == Comment.Status.PENDING


def test_an_empty_edit_is_refused_with_a_message(client, own_comment):
    response = _edit(client, own_comment, "   ")
    assert response.status_code == 200
    assert "Please write a comment." in response.content.decode()
    own_comment.refresh_from_db()
    assert own_comment.body == "My first thought."


def test_another_browser_cannot_edit_or_delete(own_comment):
    stranger = Client()
    for url in (f"/comments/{own_comment.pk}/edit/", f"/comments/{own_comment.pk}/delete/"):
        assert stranger.get(url).status_code == 403
        assert stranger.post(url, {"body": "Hijacked"}).status_code == 403
    own_comment.refresh_from_db()
    assert own_comment.body == "My first thought."


def test_a_forged_ownership_cookie_is_refused(own_comment):
    forger = Client()
    forger.cookies[OWN_COMMENTS_COOKIE] = f"[{own_comment.pk}]"
    assert forger.post(f"/comments/{own_comment.pk}/edit/", {"body": "x"}).status_code == 403


def test_the_author_cannot_edit_after_the_window(client, own_comment, settings):
    settings.COMMENTS_EDIT_MINUTES = 15
    Comment.objects.filter(pk=own_comment.pk).update(
        created_at=timezone.now() - timedelta(minutes=15, seconds=1)
    )
    response = _edit(client, own_comment, "Too late.")
    assert response.status_code == 403
    assert "within 15 minutes" in response.content.decode()
    own_comment.refresh_from_db()
    assert own_comment.body == "My first thought."


def test_author_deletes_their_comment_after_confirming(client, article, own_comment):
    confirm = client.get(f"/comments/{own_comment.pk}/delete/")
    assert confirm.status_code == 200
    assert "Delete your comment?" in confirm.content.decode()
    assert Comment.objects.filter(pk=own_comment.pk).exists()
    response = client.post(f"/comments/{own_comment.pk}/delete/")
    assert response.status_code == 303
    assert not Comment.objects.filter(pk=own_comment.pk).exists()
    assert "My first thought." not in client.get(article.get_absolute_url()).content.decode()


def test_deleting_a_comment_with_replies_keeps_the_replies_and_erases_the_text(
    client, article, own_comment, make_comment
):
    reply = make_comment(article, parent=own_comment, body="A reply by someone else.")
    client.post(f"/comments/{own_comment.pk}/delete/")
    own_comment.refresh_from_db()
    assert own_comment.status == Comment.Status.REMOVED
    assert "My first thought." not in own_comment.body
    assert Comment.objects.filter(pk=reply.pk).exists()


def test_edit_and_delete_pages_show_no_email_and_use_few_queries(
    client, own_comment, django_assert_max_num_queries
):
    for url in (f"/comments/{own_comment.pk}/edit/", f"/comments/{own_comment.pk}/delete/"):
        with django_assert_max_num_queries(1):
            page = client.get(url).content.decode()
        assert "me@example.org" not in page


def _landing(page, anchor):
    """The part of the page from the element with id ``anchor`` on: what the reader sees."""
    marker = f'id="{anchor}"'
    assert marker in page
    return page[page.index(marker) :]


def test_the_deleted_confirmation_is_shown_where_the_reader_lands(client, article, own_comment):
    response = client.post(f"/comments/{own_comment.pk}/delete/")
    assert response["Location"] == f"{article.get_absolute_url()}#messages"
    page = client.get(response["Location"]).content.decode()
    assert "Your comment is deleted." in _landing(page, "messages")
    assert page.count("Your comment is deleted.") == 1
    # Right above the thread, not at the top of the page.
    assert _landing(page, "messages").index("Your comment is deleted.") < 300
    assert page.index('id="messages"') > page.index('id="article"')


def test_the_updated_confirmation_is_shown_where_the_reader_lands(client, article, own_comment):
    response = _edit(client, own_comment, "A better thought.")
    assert response["Location"] == f"{article.get_absolute_url()}#messages"
    page = client.get(response["Location"]).content.decode()
    landing = _landing(page, "messages")
    assert landing.index("Your comment is updated.") < 300
    assert "A better thought." in landing
    assert page.count("Your comment is updated.") == 1


def test_an_edit_that_adds_a_phone_number_is_held_with_its_reason_added(
    client, article, own_comment
):
    _edit(client, own_comment, "Ring me on 07700 900123.")
    own_comment.refresh_from_db()
    assert own_comment.status == Comment.Status.PENDING
    assert own_comment.hold_reasons == [
        {"code": "new_commenter", "detail": "0 of 1 approved comments"},
        {"code": "personal_data", "detail": "phone number"},
    ]


# --- Edits after approval (issue 24) -------------------------------------------------------


def test_a_substantive_change_of_an_approved_comment_waits_for_a_moderator(
    client, article, own_comment, settings, run_mail_queue
):
    settings.COMMENTS_MODERATORS = ["moderator@example.org"]
    response = _edit(client, own_comment, "Stop taking your tablets and try my herbal tea.")
    own_comment.refresh_from_db()
    assert own_comment.status == Comment.Status.PENDING
    public = Client().get(article.get_absolute_url()).content.decode()
    assert "herbal tea" not in public and "My first thought." not in public
    assert "awaiting moderation" in client.get(response["Location"]).content.decode()
    run_mail_queue()
    assert len(mail.outbox) == 1  # the moderators are told, as for a new pending comment


def test_a_new_link_is_a_substantive_change(client, own_comment, settings):
    settings.COMMENTS_MAX_LINKS = 2  # one link alone would not be held by the rules
    _edit(client, own_comment, "My first thought. www.example.org")
    own_comment.refresh_from_db()
    assert own_comment.status == Comment.Status.PENDING


def test_a_small_correction_keeps_the_approval(client, own_comment):
    _edit(client, own_comment, "My frist thought.")
    _edit(client, own_comment, "My first thought, again.")
    own_comment.refresh_from_db()
    assert own_comment.status == Comment.Status.APPROVED
    assert own_comment.body == "My first thought, again."


def test_without_the_setting_a_rewrite_the_rules_accept_stays_approved(
    client, own_comment, settings
):
    settings.COMMENTS_EDITS_WAIT_FOR_MODERATOR = False
    _edit(client, own_comment, "A different thought altogether, and a longer one too.")
    own_comment.refresh_from_db()
    assert own_comment.status == Comment.Status.APPROVED


def test_a_trusted_commenters_rewrite_waits_too(client, article, comment_post, own_comment):
    comment_post(article, body="A second comment.", email="me@example.org")
    second = Comment.objects.get(body="A second comment.")
    assert second.status == Comment.Status.APPROVED  # trusted: their first was approved
    _edit(client, second, "Now something else entirely, written after the approval.")
    second.refresh_from_db()
    assert second.status == Comment.Status.PENDING


def test_edits_are_rate_limited_and_the_text_is_kept(client, own_comment, settings):
    settings.COMMENTS_EDIT_RATE_LIMIT = 3
    for number in range(3):
        assert _edit(client, own_comment, f"My first thought {number}.").status_code == 303
    response = _edit(client, own_comment, "My fourth thought, kept.")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Please wait a few minutes" in page
    assert "My fourth thought, kept.</textarea>" in page
    assert '<link rel="stylesheet"' in page  # the site's own page
    own_comment.refresh_from_db()
    assert own_comment.body == "My first thought 2."
