"""Reply notifications with double opt-in: the form's boxes, the confirmation and unsubscribe
links, who is emailed when a comment is published, and the trust a confirmed address earns.

The queue runs in this process here (run_mail_queue, mail.outbox); tests/test_mail_queue.py
sends the same emails through a real SMTP server with the real worker command.
"""

import re
import time
from unittest import mock

import pytest
from django.core import mail, signing
from django.test import Client

from comments import subscriptions
from comments.forms import make_form_token
from comments.models import Comment, OutgoingEmail, Subscription

LINK = re.compile(r"https?://\S+")


def links_in(message):
    return LINK.findall(message.body)


def path_of(link, settings):
    return link.removeprefix(settings.SITE_URL)


SAME_ORIGIN = {"HTTP_SEC_FETCH_SITE": "same-origin"}


@pytest.fixture
def confirm_link(client, settings, run_mail_queue):
    """Open the confirmation link of the last email to ``address`` and press Confirm."""

    def confirm(address, browser=None):
        run_mail_queue()
        [message] = [each for each in mail.outbox if address in each.to][-1:]
        [link] = [each for each in links_in(message) if "/confirm/" in each]
        response = (browser or client).post(path_of(link, settings), **SAME_ORIGIN)
        assert response.status_code == 200
        return response

    return confirm


def test_the_form_has_two_unticked_boxes_for_emails(client, article):
    page = client.get(article.get_absolute_url()).content.decode()
    for name, label in [
        ("notify_replies", "Email me when someone replies to my comment."),
        ("notify_article", "Email me about new comments on this article."),
    ]:
        box = re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)
        assert 'type="checkbox"' in box and "checked" not in box
        assert label in page


def test_ticking_a_box_sends_one_confirmation_and_nothing_else(
    client, article, comment_post, run_mail_queue, make_comment, django_capture_on_commit_callbacks
):
    response = comment_post(article, notify_replies="on", follow=True)
    assert "we have sent it a link to confirm" in response.content.decode()
    comment = Comment.objects.get()
    subscription = Subscription.objects.get()
    assert (subscription.email, subscription.comment, subscription.is_confirmed) == (
        "ada@example.org",
        comment,
        False,
    )
    run_mail_queue()
    [message] = mail.outbox
    assert message.to == ["ada@example.org"]
    assert "Please confirm" in message.subject
    # A reply is published: an unconfirmed address hears nothing of it.
    with django_capture_on_commit_callbacks(execute=True):
        comment.approve()
        make_comment(article, parent=comment, body="An answer")
    run_mail_queue()
    assert len(mail.outbox) == 1


def test_no_box_ticked_no_subscription_and_no_email(client, article, comment_post, run_mail_queue):
    comment_post(article)
    run_mail_queue()
    assert not Subscription.objects.exists()
    assert mail.outbox == []


def test_a_spam_post_never_makes_the_site_email_anyone(
    client, article, comment_post, run_mail_queue
):
    comment_post(article, honeypot="bot", notify_replies="on", notify_article="on")
    run_mail_queue()
    assert not Subscription.objects.exists()
    assert mail.outbox == []


def test_confirmations_to_one_address_are_limited_per_day(
    client, article, comment_post, run_mail_queue, settings
):
    settings.COMMENTS_CONFIRMATIONS_PER_DAY = 2
    for number in range(4):
        comment_post(article, body=f"Comment {number}", notify_replies="on")
    run_mail_queue()
    assert len(mail.outbox) == 2
    assert Subscription.objects.count() == 4


def test_the_confirmation_page_confirms_only_on_its_button(
    client, article, comment_post, run_mail_queue, settings
):
    comment_post(article, notify_article="on")
    run_mail_queue()
    [link] = [each for each in links_in(mail.outbox[0]) if "/confirm/" in each]
    page = client.get(path_of(link, settings))
    assert page.status_code == 200
    assert "Sleep and Health" in page.content.decode()
    assert not Subscription.objects.get().is_confirmed  # a mail scanner's GET confirms nothing
    # No session, no CSRF token needed: the browser says it comes from the page itself.
    done = Client().post(path_of(link, settings), **SAME_ORIGIN)
    assert done.status_code == 200 and "confirmed" in done.content.decode()
    assert Subscription.objects.get().is_confirmed
    assert "cms_confirmed_email" in done.cookies


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "null"},  # a sandboxed page
        {"HTTP_SEC_FETCH_SITE": "same-site", "HTTP_ORIGIN": "http://other.127.0.0.1"},
        {"HTTP_ORIGIN": "https://evil.example"},  # a browser without Fetch Metadata
        {},  # no word of where it comes from
    ],
)
def test_another_site_cannot_confirm_a_link_or_plant_the_confirmed_cookie(
    article, comment_post, run_mail_queue, settings, headers
):
    comment_post(article, notify_article="on")
    run_mail_queue()
    [link] = [each for each in links_in(mail.outbox[0]) if "/confirm/" in each]
    forged = Client().post(path_of(link, settings), **headers)
    assert forged.status_code == 403
    assert "please press the button" in forged.content.decode()
    assert "cms_confirmed_email" not in forged.cookies
    assert not Subscription.objects.get().is_confirmed


@pytest.mark.parametrize("kind", ["confirm", "unsubscribe"])
def test_forged_altered_or_expired_links_get_a_plain_page(client, article, make_comment, kind):
    comment = make_comment(article)
    subscription = Subscription.objects.create(
        email="ada@example.org", kind="replies", article=article, comment=comment
    )
    salt = subscriptions.CONFIRM_SALT if kind == "confirm" else subscriptions.UNSUBSCRIBE_SALT
    data = (
        {"s": [subscription.pk]}
        if kind == "confirm"
        else {"s": subscription.pk, "t": subscription.created_at.isoformat()}
    )
    good = signing.dumps(data, salt=salt)
    forged = signing.dumps(data, salt=salt, key="not-our-secret-key")
    altered = good[:-3] + ("AAA" if not good.endswith("AAA") else "BBB")
    # An expired link: signed long ago (in 1970, as far as the signer knew).
    with mock.patch("time.time", return_value=0):
        expired = signing.dumps(data, salt=salt)
    for token in (forged, altered, expired, "nonsense", "%00"):
        for method in (client.get, client.post):
            response = method(f"/comments/emails/{kind}/{token}/")
            assert response.status_code == 400
            page = response.content.decode()
            assert "This link does not work" in page and "<footer" in page
    subscription.refresh_from_db()
    assert subscription.confirmed_at is None


def test_unsubscribing_twice_is_fine_and_says_the_same(
    client,
    article,
    comment_post,
    confirm_link,
    settings,
    make_comment,
    run_mail_queue,
    django_capture_on_commit_callbacks,
):
    comment_post(article, notify_article="on")
    confirm_link("ada@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        make_comment(article, body="Another reader's view", email="other@example.org")
    run_mail_queue()
    message = mail.outbox[-1]
    assert "Another reader's view" in message.body
    [link] = [each for each in links_in(message) if "/unsubscribe/" in each]
    assert message.extra_headers["List-Unsubscribe"] == f"<{link}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click", with no cookie or token.
    first = Client(enforce_csrf_checks=True).post(
        path_of(link, settings), {"List-Unsubscribe": "One-Click"}
    )
    second = Client(enforce_csrf_checks=True).post(path_of(link, settings))
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert not Subscription.objects.exists()
    assert "ada" not in link  # no address in a URL that access logs keep


def test_a_reply_notifies_the_parent_author_with_its_text_and_no_other_email(
    client,
    article,
    comment_post,
    confirm_link,
    moderator,
    make_comment,
    run_mail_queue,
    django_capture_on_commit_callbacks,
):
    comment_post(article, body="Is ketamine safe?", notify_replies="on")
    question = Comment.objects.get()
    confirm_link("ada@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        question.approve(by=moderator)
    answer = make_comment(
        article,
        parent=question,
        status=Comment.Status.PENDING,
        name="Dr Lee",
        email="dr.lee@example.org",
        body="Under medical supervision, yes.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        answer.approve(by=moderator)
    run_mail_queue()
    replies = [each for each in mail.outbox if "replied" in each.subject]
    [message] = replies
    assert message.to == ["ada@example.org"]
    assert "Under medical supervision, yes." in message.body
    assert f"#comment-{answer.pk}" in message.body
    assert "dr.lee@example.org" not in message.body + message.subject
    # The reply's author asked for nothing and gets nothing.
    assert not [each for each in mail.outbox if "dr.lee@example.org" in each.to]


def test_a_held_comment_approved_sends_its_subscribed_author_a_short_note(
    client,
    article,
    comment_post,
    confirm_link,
    moderator,
    run_mail_queue,
    django_capture_on_commit_callbacks,
):
    comment_post(article, notify_replies="on")
    confirm_link("ada@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        Comment.objects.get().approve(by=moderator)
    run_mail_queue()
    assert [each.subject for each in mail.outbox if "is published" in each.subject]


def test_article_subscribers_hear_of_each_new_comment_once_and_never_of_their_own(
    client,
    article,
    comment_post,
    confirm_link,
    make_comment,
    run_mail_queue,
    django_capture_on_commit_callbacks,
):
    comment_post(article, notify_article="on", notify_replies="on")
    confirm_link("ada@example.org")
    own = Comment.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        own.approve()
        make_comment(article, parent=own, body="A reply to Ada")
        make_comment(article, email="ADA@example.org", body="Ada again, other browser")
    run_mail_queue()
    to_ada = [each for each in mail.outbox if each.to == ["ada@example.org"]]
    # the confirmation, the note that her held comment is published, one email for the reply
    assert len(to_ada) == 3
    assert "Your comment on “Sleep and Health” is published" in to_ada[1].subject
    assert "replied to your comment" in to_ada[2].subject
    assert sum("A reply to Ada" in each.body for each in to_ada) == 1
    assert not any("Ada again" in each.body for each in to_ada)


def test_a_confirmed_address_is_trusted_only_in_the_browser_that_confirmed_it(
    client, article, comment_post, confirm_link
):
    comment_post(article, notify_replies="on")
    confirm_link("ada@example.org")  # with `client`: it now holds the signed cookie
    # The trust ladder: published at once after COMMENTS_TRUST_AFTER_APPROVED (1) approved.
    comment_post(article, body="Not yet", email="ada@example.org")
    assert Comment.objects.get(body="Not yet").hold_reasons == [
        {"code": "new_commenter", "detail": "0 of 1 approved comments"}
    ]
    Comment.objects.get(body="Very clear, thank you.").approve()
    # Another browser typing the same address is not trusted: an address is no proof.
    stranger = Client()
    stranger.post(
        f"/{article.slug}/comments/",
        {
            "body": "Pretending to be Ada",
            "name": "Ada Reader",
            "email": "ada@example.org",
            "token": make_form_token(article.pk, now=time.time() - 10),
        },
    )
    assert Comment.objects.get(body="Pretending to be Ada").status == Comment.Status.PENDING
    comment_post(article, body="Trusted now", email="Ada@Example.org")
    assert Comment.objects.get(body="Trusted now").status == Comment.Status.APPROVED


def test_the_confirmed_browser_subscribes_again_without_another_confirmation(
    client, article, comment_post, confirm_link, run_mail_queue
):
    comment_post(article, notify_article="on")
    confirm_link("ada@example.org")
    sent = len(mail.outbox)
    comment_post(article, body="A second comment", notify_replies="on")
    run_mail_queue()
    assert len(mail.outbox) == sent
    assert Subscription.objects.confirmed().count() == 2


def test_the_answer_is_the_same_whether_or_not_the_address_was_subscribed(
    client, article, comment_post, confirm_link
):
    first = comment_post(article, notify_article="on", follow=True).content.decode()
    confirm_link("ada@example.org", browser=Client())
    again = comment_post(article, body="More", notify_article="on", follow=True).content.decode()
    message = "If this address has not confirmed our emails yet"
    assert message in first and message in again
    assert OutgoingEmail.objects.filter(kind="confirmation").count() == 1


def test_a_staff_reply_from_the_admin_notifies_the_subscriber(
    client,
    article,
    comment_post,
    confirm_link,
    moderator,
    run_mail_queue,
    django_capture_on_commit_callbacks,
):
    comment_post(article, body="Which dose is usual?", notify_replies="on")
    confirm_link("ada@example.org")
    question = Comment.objects.get()
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/admin/comments/comment/{question.pk}/reply/",
            {"body": "Your doctor decides the dose.", "sign_as": "Well Informed"},
        )
    run_mail_queue()
    [message] = [each for each in mail.outbox if "replied" in each.subject]
    assert "Your doctor decides the dose." in message.body
    assert moderator.email not in message.body
