"""Mail outside the request, with real parts: the worker command (`manage.py db_worker`) in a
process of its own against the test database, sending over TCP to a real SMTP server on
127.0.0.1 (aiosmtpd) named by the project's own EMAIL_HOST/EMAIL_PORT settings.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comments.mail import queue_email
from comments.models import Comment, OutgoingEmail, Subscription
from tests.mail_server import body_of, run_worker

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
LINK = re.compile(r"https?://\S+")


def link_in(message, part, settings):
    [link] = [each for each in LINK.findall(body_of(message)) if part in each]
    return link.removeprefix(settings.SITE_URL)


def test_a_post_queues_mail_and_the_worker_delivers_it_over_smtp(
    client, article, comment_post, smtp_server, settings
):
    settings.COMMENTS_MODERATORS = ["moira@example.org"]
    response = comment_post(article, body="Is it safe?", notify_replies="on")
    assert response.status_code == 303
    assert smtp_server.messages == []  # the request only queued it
    run_worker(smtp_server.port)
    [notice] = smtp_server.to("moira@example.org")
    [confirmation] = smtp_server.to("ada@example.org")
    assert "Is it safe?" in body_of(notice)
    assert "Please confirm" in confirmation["Subject"]
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {"sent"}


def test_confirmation_then_reply_notification_through_smtp_with_one_click_unsubscribe(
    client, article, comment_post, smtp_server, settings, moderator
):
    comment_post(article, body="Is it safe?", notify_replies="on")
    run_worker(smtp_server.port)
    [confirmation] = smtp_server.to("ada@example.org")
    confirm = link_in(confirmation, "/confirm/", settings)
    assert client.post(confirm, HTTP_SEC_FETCH_SITE="same-origin").status_code == 200

    question = Comment.objects.get()
    question.approve(by=moderator)
    reply = Comment.objects.create(
        article=article,
        parent=question,
        name="Dr Lee",
        email="dr.lee@example.org",
        body="Yes, under supervision.",
        status=Comment.Status.PENDING,
    )
    reply.approve(by=moderator)
    run_worker(smtp_server.port)

    [notification] = [m for m in smtp_server.to("ada@example.org") if "replied" in m["Subject"]]
    text = body_of(notification)
    assert "Yes, under supervision." in text and f"#comment-{reply.pk}" in text
    assert "dr.lee@example.org" not in notification.as_string()
    unsubscribe = link_in(notification, "/unsubscribe/", settings)
    # (a long header is folded onto a second line, hence the strip)
    assert notification["List-Unsubscribe"].strip() == f"<{settings.SITE_URL}{unsubscribe}>"
    assert notification["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # What a mail client does for RFC 8058 one-click: a bare POST, no cookie, no CSRF token.
    client.cookies.clear()
    response = client.post(
        unsubscribe,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert not Subscription.objects.exists()


def test_worker_down_then_up_delivers_every_queued_message_once(smtp_server):
    for number in range(3):
        queue_email(
            kind=OutgoingEmail.Kind.MODERATORS,
            recipients=["moira@example.org"],
            subject=f"Message {number}",
            body="Waiting for the worker.",
        )
    assert smtp_server.messages == []
    assert OutgoingEmail.objects.filter(status="queued").count() == 3
    run_worker(smtp_server.port)
    run_worker(smtp_server.port)  # a second run finds nothing left to send
    assert sorted(message["Subject"] for message in smtp_server.messages) == [
        "Message 0",
        "Message 1",
        "Message 2",
    ]
    assert OutgoingEmail.objects.filter(status="sent").count() == 3


def test_a_refusing_smtp_server_is_retried_later_with_a_growing_delay(smtp_server):
    smtp_server.refusing = True
    email = queue_email(
        kind=OutgoingEmail.Kind.MODERATORS, recipients=["m@example.org"], subject="S", body="B"
    )
    before = timezone.now()
    run_worker(smtp_server.port, EMAIL_RETRY_SECONDS="60")
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("queued", 1)
    assert "451" in email.last_error
    waiting = DBTaskResult.objects.ready()
    assert not waiting.exists()  # the retry waits its turn: a minute
    retry = DBTaskResult.objects.filter(status="READY").get()
    assert before + timedelta(seconds=55) < retry.run_after < before + timedelta(seconds=70)

    # The minute passes; the second failure waits twice as long.
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    before = timezone.now()
    run_worker(smtp_server.port, EMAIL_RETRY_SECONDS="60")
    email.refresh_from_db()
    assert email.attempts == 2
    assert email.next_attempt_at > before + timedelta(seconds=115)


def test_a_message_that_keeps_failing_is_shown_to_staff_and_can_be_sent_again(
    smtp_server, client, moderator
):
    smtp_server.refusing = True
    email = queue_email(
        kind=OutgoingEmail.Kind.NOTIFICATION,
        recipients=["ada@example.org"],
        subject="A reply to your comment",
        body="B",
    )
    run_worker(smtp_server.port, EMAIL_RETRY_SECONDS="0", EMAIL_MAX_ATTEMPTS="3")
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("failed", 3)
    assert smtp_server.messages == []

    client.force_login(moderator)
    page = client.get("/admin/comments/outgoingemail/?status__exact=failed").content.decode()
    assert "A reply to your comment" in page and "451" in page
    response = client.post(
        "/admin/comments/outgoingemail/",
        {"action": "send_again", "_selected_action": [email.pk]},
        follow=True,
    )
    assert "1 unsent email(s) queued again." in response.content.decode()
    smtp_server.refusing = False
    run_worker(smtp_server.port)
    assert [message["Subject"] for message in smtp_server.messages] == ["A reply to your comment"]
    email.refresh_from_db()
    assert email.status == "sent"
