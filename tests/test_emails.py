"""Every email the site sends, word for word, with its headers: each is a text template
under templates/comments/email/ (comments/mail.py renders them).

The emails are made by the real flows (a post, a moderator's approval, the worker's
notification task) and read from the mail queue as the worker sends them.
"""

import pytest
from django.core import mail

from comments.models import Comment, OutgoingEmail, Subscription
from comments.notifications import notify_moderators
from comments.subscriptions import unsubscribe_token_is_valid


def unsubscribe_link(message, subscription):
    """The email's one-click unsubscribe address, checked to name ``subscription`` (its
    signature carries the second it was made, so it is read, not made again)."""
    link = message.body.rsplit("Stop these emails with one click: ", 1)[1].strip()
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert unsubscribe_token_is_valid(token) == (subscription.pk, subscription.created_at)
    return link


@pytest.fixture
def sent(run_mail_queue, django_capture_on_commit_callbacks):
    """Run what a change queues (its on-commit announcements, then the mail worker) and
    return the messages sent, oldest first."""

    def send(change):
        with django_capture_on_commit_callbacks(execute=True):
            change()
        run_mail_queue()  # the notification task, which queues the emails
        run_mail_queue()  # their delivery
        return list(mail.outbox)

    return send


@pytest.fixture
def confirmed(make_comment, article):
    """A comment whose author confirmed "Email me when someone replies" (the signed link's
    work, done here directly)."""

    def make(**fields):
        comment = make_comment(article, **fields)
        subscription = comment.subscriptions.create(
            email=comment.email, kind="replies", article=article
        )
        Subscription.objects.filter(pk=subscription.pk).update(confirmed_at=comment.created_at)
        return comment, subscription

    return make


def test_the_confirmation_email(article, comment_post, sent, settings):
    [message] = sent(lambda: comment_post(article, notify_replies="on", notify_article="on"))
    assert message.to == ["ada@example.org"]
    assert message.subject == f"[{settings.SITE_NAME}] Please confirm: emails about “{article}”"
    link = next(line for line in message.body.splitlines() if "/comments/emails/confirm/" in line)
    assert message.body == (
        f"Someone (we hope you) asked {settings.SITE_NAME} to email this address:\n\n"
        f"- when someone replies to your comment on “{article}”\n"
        f"- about new comments on “{article}”\n\n"
        f"To start these emails, open this link within {settings.COMMENTS_CONFIRM_LINK_DAYS} "
        f"days and press “Confirm”:\n{link}\n\n"
        "If it was not you, ignore this message: without confirmation we send nothing more.\n"
    )
    assert link.startswith(settings.SITE_URL)
    assert OutgoingEmail.objects.get().kind == OutgoingEmail.Kind.CONFIRMATION


def test_the_reply_email_quotes_the_reply_and_unsubscribes_in_one_click(
    article, make_comment, confirmed, sent, settings
):
    parent, subscription = confirmed(email="ada@example.org")
    mail.outbox.clear()
    [message] = sent(
        lambda: make_comment(
            article, parent=parent, name="Bo & Co", body="First line\n\n<b>second</b>"
        )
    )
    reply = Comment.objects.get(parent=parent)
    unsubscribe = unsubscribe_link(message, subscription)
    assert message.to == ["ada@example.org"]
    assert message.subject == (
        f"[{settings.SITE_NAME}] Bo & Co replied to your comment on “{article}”"
    )
    assert message.body == (
        f"Bo & Co replied to your comment on “{article}”:\n\n"
        "> First line\n> \n> <b>second</b>\n\n"
        f"Read it on the site:\n{settings.SITE_URL}{reply.get_absolute_url()}\n\n"
        f"-- \nYou get this email because you asked for it on {settings.SITE_NAME}.\n"
        f"Stop these emails with one click: {unsubscribe}\n"
    )
    headers = dict(message.extra_headers)
    # One Message-ID for every attempt at this email (comments/mail.py: sent once).
    assert headers.pop("Message-ID").startswith("<outgoing.")
    assert headers == {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    assert "ada@example.org" not in message.body


def test_the_new_comment_email(article, make_comment, sent, settings):
    subscriber = make_comment(article, email="cy@example.org")
    subscription = subscriber.subscriptions.create(
        email="cy@example.org", kind="article", article=article, comment=None
    )
    Subscription.objects.filter(pk=subscription.pk).update(confirmed_at=subscriber.created_at)
    [message] = sent(lambda: make_comment(article, name="Dee", body="Is it safe?"))
    new = Comment.objects.get(name="Dee")
    assert message.subject == f"[{settings.SITE_NAME}] New comment on “{article}”"
    assert message.body == (
        f"Dee commented on “{article}”:\n\n> Is it safe?\n\n"
        f"Read it on the site:\n{settings.SITE_URL}{new.get_absolute_url()}\n\n"
        f"-- \nYou get this email because you asked for it on {settings.SITE_NAME}.\n"
        f"Stop these emails with one click: {unsubscribe_link(message, subscription)}\n"
    )
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_approved_email_tells_the_author_their_held_comment_is_published(
    confirmed, moderator, sent, settings, article
):
    held, subscription = confirmed(status=Comment.Status.PENDING)
    [message] = sent(lambda: held.approve(by=moderator))
    assert message.to == [held.email]
    assert message.subject == f"[{settings.SITE_NAME}] Your comment on “{article}” is published"
    assert message.body == (
        f"Your comment on “{article}” was approved and is now on the article:\n\n"
        f"Read it on the site:\n{settings.SITE_URL}{held.get_absolute_url()}\n\n"
        f"-- \nYou get this email because you asked for it on {settings.SITE_NAME}.\n"
        f"Stop these emails with one click: {unsubscribe_link(message, subscription)}\n"
    )


def test_the_moderators_email(article, make_comment, sent, settings):
    settings.COMMENTS_MODERATORS = ["moira@example.org", "max@example.org"]
    held = make_comment(article, status=Comment.Status.PENDING, name="Eve <b>", body="Buy <now>")
    [message] = sent(lambda: notify_moderators(held, reason="it has 3 links"))
    assert message.to == ["moira@example.org", "max@example.org"]
    assert message.subject == (f"[{settings.SITE_NAME}] Comment awaiting moderation: {article}")
    assert message.body == (
        f"A comment on “{article}” is waiting for moderation (it has 3 links).\n\n"
        "Name: Eve <b>\n\nBuy <now>\n\n"
        f"Read and approve it in the admin:\n{settings.SITE_URL}{held.get_admin_url()}\n"
    )
    assert held.email not in message.body
