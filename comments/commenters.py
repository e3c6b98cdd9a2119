"""What the site knows of one commenter, keyed on their email address: the record the
trust ladder reads (comments/moderation.py) and the history moderators see on a comment's
admin page. Nothing here is ever shown on a public page.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q

from .identity import mailbox_key
from .models import Comment, Commenter

REJECTED = (Comment.Status.REMOVED, Comment.Status.SPAM)


def comments_of(email):
    """Every comment posted under any spelling of ``email``'s mailbox (comments/identity.py);
    none for an empty address (an erased comment's), which would otherwise gather every
    erased commenter's."""
    key = mailbox_key(email)
    if not key:
        return Comment.objects.none()
    return Comment.objects.filter(mailbox=key)


@dataclass(frozen=True)
class Record:
    """What the moderation rules know of an address before its new comment is saved."""

    approved: int = 0
    recent: tuple = ()  # statuses of its latest decided comments, newest first
    standing: str = Commenter.Standing.NORMAL

    @property
    def recent_rejected(self):
        return sum(status in REJECTED for status in self.recent)


def record_of(email):
    """The Record of ``email`` (three small queries, on indexes)."""
    comments = comments_of(email)
    approved = comments.filter(status=Comment.Status.APPROVED).count()
    recent = tuple(
        comments.exclude(status=Comment.Status.PENDING)
        .order_by("-created_at", "-pk")
        .values_list("status", flat=True)[: settings.COMMENTS_REJECTED_WINDOW]
    )
    standing = (
        Commenter.objects.filter(email=mailbox_key(email))
        .values_list("standing", flat=True)
        .first()
    )
    return Record(approved=approved, recent=recent, standing=standing or Commenter.Standing.NORMAL)


@dataclass
class History:
    """A commenter's history, for moderators: counts by status, the latest comments, the
    moderators' notes and standing (``commenter`` is None until someone sets them)."""

    email: str
    counts: dict = field(default_factory=dict)
    latest: list = field(default_factory=list)
    commenter: Commenter | None = None


def history_of(email, latest=5):
    """The History of ``email``: only comments under this very address (any case)."""
    comments = comments_of(email)
    counts = comments.aggregate(
        total=Count("pk"),
        approved=Count("pk", filter=Q(status=Comment.Status.APPROVED)),
        pending=Count("pk", filter=Q(status=Comment.Status.PENDING)),
        rejected=Count("pk", filter=Q(status=Comment.Status.REMOVED)),
        spam=Count("pk", filter=Q(status=Comment.Status.SPAM)),
    )
    recent = list(
        comments.select_related("article__published_version").order_by("-created_at", "-pk")[
            :latest
        ]
    )
    commenter = Commenter.objects.filter(email=mailbox_key(email)).first() if email else None
    return History(email=mailbox_key(email), counts=counts, latest=recent, commenter=commenter)
