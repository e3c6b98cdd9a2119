"""Emails about comments: to subscribers when a comment is published, to the moderators
when one waits for them.

Subscribers hear of every newly published comment (a moderator's approval, a trusted
reader's post, a staff reply): the model's verbs announce it (signals.comment_published)
once the change is committed, and ``announce_to_subscribers`` puts one row in the task
queue, so a moderator's click or a reader's post does no more than that. The worker finds
the subscribers and queues the emails (comments/mail.py).
"""

import logging

from django.conf import settings
from django.dispatch import receiver
from django_tasks import task

from .mail import MAIL_QUEUE, queue_email, render_email
from .models import Comment, OutgoingEmail, Subscription, normalise
from .signals import comment_published

logger = logging.getLogger(__name__)

# The email each reason for a notification sends (templates/comments/email/).
TEMPLATES = {"reply": "reply", "article": "new_comment", "approved": "approved"}


@receiver(comment_published, dispatch_uid="comments.notifications.announce")
def announce_to_subscribers(sender, *, comment_id, was_held, **kwargs):
    """Queue the notifications about a newly published comment (one task for the worker)."""
    notify_subscribers.enqueue(comment_id, was_held)


@task(queue_name=MAIL_QUEUE)
def notify_subscribers(comment_id, was_held):
    """Email the confirmed subscribers about a published comment.

    - the author of the comment it answers, if they asked for replies;
    - the article's subscribers (never twice, never the comment's own author);
    - the comment's own author, when a moderator published it after holding it.
    Each email has the comment's text and link, and nobody else's email address.
    """
    comment = (
        Comment.objects.approved()
        .select_related("article__published_version", "parent")
        .filter(pk=comment_id)
        .first()
    )
    if comment is None:
        return 0  # removed again before the worker came to it
    author = normalise(comment.email)
    confirmed = Subscription.objects.confirmed().exclude(email="")
    recipients = {}
    if comment.parent_id:
        for each in confirmed.filter(kind=Subscription.Kind.REPLIES, comment=comment.parent_id):
            if each.email != author:
                recipients.setdefault(each.email, (each, "reply"))
    for each in confirmed.filter(kind=Subscription.Kind.ARTICLE, article=comment.article_id):
        if each.email != author:
            recipients.setdefault(each.email, (each, "article"))
    if was_held:
        own = confirmed.filter(kind=Subscription.Kind.REPLIES, comment=comment).first()
        if own is not None:
            recipients.setdefault(own.email, (own, "approved"))
    for email, (subscription, reason) in recipients.items():
        _queue_notification(email, subscription, reason, comment)
    return len(recipients)


def _queue_notification(email, subscription, reason, comment):
    unsubscribe_url = subscription.unsubscribe_url()
    queue_email(
        kind=OutgoingEmail.Kind.NOTIFICATION,
        recipients=[email],
        **render_email(
            TEMPLATES[reason],
            {
                "comment": comment,
                "title": str(comment.article),
                "quoted_lines": comment.body.splitlines(),
                "link": settings.SITE_URL + comment.get_absolute_url(),
                "unsubscribe_url": unsubscribe_url,
            },
        ),
        headers={
            # RFC 8058: mail clients offer "Unsubscribe" and POST to this address themselves.
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def notify_moderators(comment, reason=""):
    """Queue an email to the moderators (COMMENTS_MODERATORS) about a waiting comment; the
    worker sends it. Never raises: posting must not fail."""
    recipients = settings.COMMENTS_MODERATORS
    if not recipients:
        return
    try:
        queue_email(
            kind=OutgoingEmail.Kind.MODERATORS,
            recipients=recipients,
            **render_email(
                "moderators",
                {
                    "comment": comment,
                    "title": str(comment.article),
                    "reason": reason,
                    "admin_link": settings.SITE_URL + comment.get_admin_url(),
                },
            ),
        )
    except Exception:
        logger.exception("Could not queue the moderators' email about comment %s", comment.pk)
