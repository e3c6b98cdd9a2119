"""Email subscriptions: an address that asked to hear about replies or new comments."""

from django.conf import settings
from django.core import signing
from django.db import models
from django.urls import reverse
from django.utils import timezone

from articles.models import Article

from ..identity import mailbox_key

# The unsubscribe link's signature; comments/subscriptions.py reads the links back.
UNSUBSCRIBE_SALT = "comments.subscription.unsubscribe"


def normalise(email):
    """An email address as subscriptions store and compare it: the key of its mailbox
    (comments/identity.py), so that one mailbox has one set of subscriptions whatever
    the spelling. Confirmations and notifications are sent to it: it is deliverable."""
    return mailbox_key(email) or (email or "").strip().lower()


class SubscriptionQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def of(self, email):
        """The subscriptions of ``email``, whatever its spelling (comments/identity.py)."""
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

    email = models.EmailField(
        max_length=254, help_text="Stored as the key of its mailbox (comments/identity.py)."
    )
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
