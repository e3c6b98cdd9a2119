"""Reply notifications, with double opt-in.

A reader who ticks "Email me when someone replies" or "Email me about new comments on
this article" gets one confirmation email with a signed link; nothing else is ever sent
to the address until the link is opened and confirmed. Every later email carries a
one-click unsubscribe link and the RFC 8058 List-Unsubscribe headers.

Confirming also leaves a signed cookie in that browser naming the address
(comments/readers.py): a comment posted from that browser with that address is trusted
by the known-commenter rule (comments/moderation.py), since it proves control of the
mailbox, which an address typed into a form does not.

Pages never say whether an address was subscribed or confirmed already.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from .mail import queue_email, render_email
from .models import OutgoingEmail, Subscription, normalise
from .models.subscription import UNSUBSCRIBE_SALT

logger = logging.getLogger(__name__)

CONFIRM_SALT = "comments.subscription.confirm"


class InvalidLink(Exception):
    """A confirmation or unsubscribe link that was forged, altered or has expired."""


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

    Spam and a rejected comment get nothing: a bot must not be able to make the site email
    an address.
    """
    if comment.status in (comment.Status.SPAM, comment.Status.REMOVED) or not (replies or article):
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
    queue_email(
        kind=OutgoingEmail.Kind.CONFIRMATION,
        recipients=[email],
        **render_email(
            "confirmation",
            {
                "title": str(comment.article),
                "subscriptions": subscriptions,
                "link": settings.SITE_URL + reverse("comments:confirm", args=[token]),
                "link_days": settings.COMMENTS_CONFIRM_LINK_DAYS,
            },
        ),
    )


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
