"""Reply notifications, with double opt-in.

A reader who ticks "Email me when someone replies" or "Email me about new comments on
this article" gets one confirmation email with a signed link; nothing else is ever sent
to the address until the link is opened and confirmed. Every later email carries a
one-click unsubscribe link and the RFC 8058 List-Unsubscribe headers.

Confirming also leaves a signed cookie in that browser naming the address: a comment
posted from that browser with that address is trusted by the known-commenter rule
(comments/moderation.py), since it proves control of the mailbox, which an address
typed into a form does not.

Pages never say whether an address was subscribed or confirmed already.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from articles.models import Article

from .mail import MAIL_QUEUE, OutgoingEmail, queue_email

logger = logging.getLogger(__name__)

CONFIRM_SALT = "comments.subscription.confirm"
UNSUBSCRIBE_SALT = "comments.subscription.unsubscribe"
CONFIRMED_COOKIE = "cms_confirmed_email"
CONFIRMED_COOKIE_SALT = "comments.subscription.confirmed-address"
CONFIRMED_COOKIE_MAX_AGE = 60 * 60 * 24 * 365


class InvalidLink(Exception):
    """A confirmation or unsubscribe link that was forged, altered or has expired."""


class SubscriptionQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def of(self, email):
        """The subscriptions of ``email``, whatever its case."""
        return self.filter(email=normalise(email))


class Subscription(models.Model):
    """An address that asked for email about replies to one comment, or about one article.

    ``confirmed_at`` stays empty until the address's owner opens the confirmation link;
    until then nothing but that one confirmation is sent to it. Unsubscribing deletes
    the row.
    """

    class Kind(models.TextChoices):
        REPLIES = "replies", "Replies to a comment"
        ARTICLE = "article", "New comments on an article"

    email = models.EmailField(max_length=254, help_text="Stored in lower case.")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey(
        "comments.Comment",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subscriptions",
        help_text="For replies: the subscriber's own comment.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        app_label = "comments"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["email", "comment"],
                condition=models.Q(kind="replies"),
                name="one_reply_subscription_per_comment",
            ),
            models.UniqueConstraint(
                fields=["email", "article"],
                condition=models.Q(kind="article"),
                name="one_article_subscription_per_address",
            ),
        ]
        indexes = [models.Index(fields=["email"], name="subscription_by_email")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.article}"

    @property
    def is_confirmed(self):
        return self.confirmed_at is not None

    def unsubscribe_url(self):
        # The id and the creation time name the subscription (an id alone may come back
        # on SQLite after a deletion); no address, since URLs end up in access logs.
        token = signing.dumps(
            {"s": self.pk, "t": self.created_at.isoformat()}, salt=UNSUBSCRIBE_SALT
        )
        return settings.SITE_URL + reverse("comments:unsubscribe", args=[token])


def normalise(email):
    return (email or "").strip().lower()


# The confirmed-address cookie: proof, in one browser, that its reader reads that mailbox.


def confirmed_address(request):
    """The address this browser confirmed by email (lower case), or ""."""
    value = request.COOKIES.get(CONFIRMED_COOKIE)
    if not value:
        return ""
    try:
        email = signing.loads(value, salt=CONFIRMED_COOKIE_SALT, max_age=CONFIRMED_COOKIE_MAX_AGE)
    except signing.BadSignature:
        return ""
    return email if isinstance(email, str) else ""


def remember_confirmed_address(response, email):
    response.set_cookie(
        CONFIRMED_COOKIE,
        signing.dumps(normalise(email), salt=CONFIRMED_COOKIE_SALT),
        max_age=CONFIRMED_COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def is_trusted_address(email, browser_confirmed_address):
    """True when this browser confirmed ``email`` by email and it still has a subscription.

    For the known-commenter rule: the address alone is never enough, the signed cookie
    of the confirming browser is; unsubscribing from everything ends the trust.
    """
    email = normalise(email)
    if not email or email != normalise(browser_confirmed_address):
        return False
    return Subscription.objects.of(email).confirmed().exists()


# Subscribing from the comment form.


def subscribe(comment, *, replies, article, browser_confirmed_address=""):
    """Record what the commenter asked for; send a confirmation unless this browser proved
    the address already. Returns the new unconfirmed subscriptions.

    Spam gets nothing: a bot must not be able to make the site email an address.
    """
    if comment.status == comment.Status.SPAM or not (replies or article):
        return []
    email = normalise(comment.email)
    trusted = email == normalise(browser_confirmed_address)
    now = timezone.now()
    wanted = []
    if replies:
        wanted.append({"kind": Subscription.Kind.REPLIES, "comment": comment})
    if article:
        wanted.append({"kind": Subscription.Kind.ARTICLE, "comment": None})
    waiting = []
    with transaction.atomic():
        for fields in wanted:
            subscription, created = Subscription.objects.get_or_create(
                email=email,
                article_id=comment.article_id,
                **fields,
                defaults={"confirmed_at": now if trusted else None},
            )
            if not subscription.is_confirmed:
                if trusted:
                    subscription.confirmed_at = now
                    subscription.save(update_fields=["confirmed_at"])
                else:
                    waiting.append(subscription)
        if waiting:
            _queue_confirmation(email, waiting, comment)
    return waiting


def _confirmations_sent_today(email):
    since = timezone.now() - timedelta(days=1)
    return OutgoingEmail.objects.filter(
        kind=OutgoingEmail.Kind.CONFIRMATION, recipients=[email], created_at__gte=since
    ).count()


def _queue_confirmation(email, subscriptions, comment):
    if _confirmations_sent_today(email) >= settings.COMMENTS_CONFIRMATIONS_PER_DAY:
        logger.info(
            "Confirmation for subscriptions %s not sent: daily limit reached",
            [each.pk for each in subscriptions],
        )
        return
    token = signing.dumps({"s": [each.pk for each in subscriptions]}, salt=CONFIRM_SALT)
    link = settings.SITE_URL + reverse("comments:confirm", args=[token])
    title = str(comment.article)
    asked = "\n".join(f"- {_describe(each, title)}" for each in subscriptions)
    body = (
        f"Someone (we hope you) asked {settings.SITE_NAME} to email this address:\n\n"
        f"{asked}\n\n"
        f"To start these emails, open this link within {settings.COMMENTS_CONFIRM_LINK_DAYS} "
        f"days and press “Confirm”:\n{link}\n\n"
        "If it was not you, ignore this message: without confirmation we send nothing more.\n"
    )
    queue_email(
        kind=OutgoingEmail.Kind.CONFIRMATION,
        recipients=[email],
        subject=f"[{settings.SITE_NAME}] Please confirm: emails about “{title}”",
        body=body,
    )


def _describe(subscription, title):
    if subscription.kind == Subscription.Kind.REPLIES:
        return f"when someone replies to your comment on “{title}”"
    return f"about new comments on “{title}”"


def subscriptions_to_confirm(token):
    """The subscriptions a confirmation link names; InvalidLink if forged, altered or expired.

    The list may be empty (unsubscribed or erased since): the page says the same then.
    """
    try:
        data = signing.loads(
            token, salt=CONFIRM_SALT, max_age=timedelta(days=settings.COMMENTS_CONFIRM_LINK_DAYS)
        )
        ids = [int(each) for each in data["s"]]
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise InvalidLink from error
    return list(
        Subscription.objects.filter(pk__in=ids).select_related("article__published_version")
    )


def confirm(token):
    """Confirm the subscriptions a link names; returns them (InvalidLink if it is bad)."""
    subscriptions = subscriptions_to_confirm(token)
    Subscription.objects.filter(
        pk__in=[each.pk for each in subscriptions], confirmed_at__isnull=True
    ).update(confirmed_at=timezone.now())
    return subscriptions


def unsubscribe_token_is_valid(token):
    """The (subscription id, creation time) an unsubscribe link names; InvalidLink if bad."""
    try:
        data = signing.loads(
            token,
            salt=UNSUBSCRIBE_SALT,
            max_age=timedelta(days=settings.COMMENTS_UNSUBSCRIBE_LINK_DAYS),
        )
        created_at = datetime.fromisoformat(data["t"])
        return int(data["s"]), created_at
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise InvalidLink from error


def unsubscribe(token):
    """End the subscription an unsubscribe link names; True if it still existed.

    Unsubscribing twice is fine. InvalidLink when the link is forged, altered or expired.
    """
    pk, created_at = unsubscribe_token_is_valid(token)
    deleted, _ = Subscription.objects.filter(pk=pk, created_at=created_at).delete()
    if deleted:
        logger.info("Subscription %s ended by its unsubscribe link", pk)
    return bool(deleted)


# Notifications, after a comment is published.


def comment_published(comment_id, *, was_held):
    """Queue the notifications about a newly published comment (called after commit).

    One row in the task queue; the worker finds the subscribers and writes the emails,
    so a moderator's click or a reader's post does no more than that.
    """
    notify_subscribers.enqueue(comment_id, was_held)


@task(queue_name=MAIL_QUEUE)
def notify_subscribers(comment_id, was_held):
    """Email the confirmed subscribers about a published comment.

    - the author of the comment it answers, if they asked for replies;
    - the article's subscribers (never twice, never the comment's own author);
    - the comment's own author, when a moderator published it after holding it.
    Each email has the comment's text and link, and nobody else's email address.
    """
    from .models import Comment

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
    title = str(comment.article)
    link = settings.SITE_URL + comment.get_absolute_url()
    unsubscribe_url = subscription.unsubscribe_url()
    if reason == "approved":
        subject = f"[{settings.SITE_NAME}] Your comment on “{title}” is published"
        opening = f"Your comment on “{title}” was approved and is now on the article:"
        quoted = ""
    else:
        if reason == "reply":
            subject = f"[{settings.SITE_NAME}] {comment.name} replied to your comment on “{title}”"
            opening = f"{comment.name} replied to your comment on “{title}”:"
        else:
            subject = f"[{settings.SITE_NAME}] New comment on “{title}”"
            opening = f"{comment.name} commented on “{title}”:"
        quoted = "\n".join(f"> {line}" for line in comment.body.splitlines()) + "\n\n"
    body = (
        f"{opening}\n\n{quoted}Read it on the site:\n{link}\n\n"
        f"-- \nYou get this email because you asked for it on {settings.SITE_NAME}.\n"
        f"Stop these emails with one click: {unsubscribe_url}\n"
    )
    queue_email(
        kind=OutgoingEmail.Kind.NOTIFICATION,
        recipients=[email],
        subject=subject,
        body=body,
        headers={
            # RFC 8058: mail clients offer "Unsubscribe" and POST to this address themselves.
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
