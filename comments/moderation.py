"""The moderation policy: small named rules, each reading its own setting.

A rule looks at a comment (and what we know of how it was posted) and
returns a Decision or None ("no opinion"). ``decide()`` asks the spam rules,
then the hold rules, then the approve rules; the first decision wins and a
comment nobody has an opinion on waits for a moderator.
"""

import re
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from . import blocklist, subscriptions
from .models import Comment

# One match per link: a link typed as HTML (with its address inside), or an address
# from its https:// or www. to the next space, so https://www. counts once. Addresses
# bleach would not make into links (an unknown top-level domain) still count.
LINK_PATTERN = re.compile(r"""<a\s[^>]*>|(?:https?://|www\.)[^\s<>"']+""", re.IGNORECASE)


@dataclass(frozen=True)
class Decision:
    status: str
    reason: str


@dataclass
class Submission:
    """What the policy knows of a posted comment beyond its fields."""

    comment: Comment
    form_shown_at: int | None  # from the signed form token; None when missing or forged
    honeypot_filled: bool
    # False when no token came at all: a browser without JavaScript, or a bot.
    token_sent: bool = True
    now: float = 0.0
    # The address this browser confirmed by email (its signed cookie), or "".
    confirmed_email: str = ""
    # Comments posted from this browser, from its signed cookie (comments/readers.py).
    own_comment_ids: tuple = ()

    def __post_init__(self):
        self.now = self.now or time.time()

    @classmethod
    def of(cls, form, comment, reader):
        """What the policy knows of ``comment``, posted through the valid CommentForm
        ``form`` by ``reader`` (comments/readers.py)."""
        return cls(
            comment=comment,
            form_shown_at=form.form_shown_at,
            honeypot_filled=form.honeypot_filled,
            token_sent=form.token_sent,
            confirmed_email=reader.confirmed_email,
            own_comment_ids=reader.own_comment_ids,
        )


def _word_pattern(words):
    words = [re.escape(word.strip()) for word in words if word.strip()]
    return re.compile(r"\b(" + "|".join(words) + r")\b", re.IGNORECASE) if words else None


def _mentions(words, comment):
    pattern = _word_pattern(words)
    text = " ".join([comment.name, comment.email, comment.website, comment.body])
    return bool(pattern and pattern.search(text))


# Spam rules: the comment is kept but never shown, and the poster is not told.


def honeypot_filled(submission):
    if submission.honeypot_filled:
        return Decision(Comment.Status.SPAM, "the hidden honeypot field was filled in")


def form_token_forged(submission):
    if submission.token_sent and submission.form_shown_at is None:
        return Decision(Comment.Status.SPAM, "the form token was forged or for another article")


def posted_too_fast(submission):
    if submission.form_shown_at is None:
        return None
    if submission.now - submission.form_shown_at < settings.COMMENTS_MIN_SECONDS:
        return Decision(Comment.Status.SPAM, "posted faster than a person can type")


def form_too_old(submission):
    if submission.form_shown_at is None:
        return None
    if submission.now - submission.form_shown_at > settings.COMMENTS_MAX_FORM_AGE:
        return Decision(Comment.Status.SPAM, "the form was older than allowed")


def disallowed_words(submission):
    if _mentions(settings.COMMENTS_DISALLOWED_WORDS, submission.comment):
        return Decision(Comment.Status.SPAM, "it contains a disallowed word")


def blocked_sender(submission):
    comment = submission.comment
    if blocklist.is_blocked(comment.email, comment.ip_address):
        return Decision(Comment.Status.SPAM, "the sender is on the block list")


# Hold rules: a moderator decides.


def posted_without_script(submission):
    """The form's script fetches the token when the reader starts typing. Without it we
    cannot tell a person without JavaScript from a bot: a moderator decides."""
    if not submission.token_sent:
        return Decision(Comment.Status.PENDING, "posted without a form token (no JavaScript)")


def too_many_links(submission):
    links = len(LINK_PATTERN.findall(submission.comment.body))
    if links > settings.COMMENTS_MAX_LINKS:
        return Decision(Comment.Status.PENDING, f"it has {links} links")


def moderation_words(submission):
    if _mentions(settings.COMMENTS_MODERATION_WORDS, submission.comment):
        return Decision(Comment.Status.PENDING, "it contains a word on the moderation list")


# Approve rules.


def approved_comment_from_this_browser(submission):
    """This browser posted an approved comment under the same email (any case).

    The proof is the browser's signed cookie of its own comment ids, which nobody
    else can make; knowing someone's address is not enough.
    """
    if not submission.own_comment_ids:
        return False
    return (
        Comment.objects.approved()
        .filter(pk__in=list(submission.own_comment_ids), email__iexact=submission.comment.email)
        .exists()
    )


def address_confirmed_from_this_browser(submission):
    """This browser confirmed the comment's address by email (its signed cookie) and the
    address still has a confirmed subscription (comments/subscriptions.py)."""
    return subscriptions.is_trusted_address(submission.comment.email, submission.confirmed_email)


# Where trust in a commenter may come from: each source answers True or False for a
# submission. Never the email address alone: anyone can know or guess it, and a different
# answer would tell them that this address has commented here. Add a source to this list.
TRUST_SOURCES = [approved_comment_from_this_browser, address_confirmed_from_this_browser]


def known_commenter(submission):
    """A commenter we have reason to trust (TRUST_SOURCES) is approved at once."""
    if not settings.COMMENTS_APPROVE_KNOWN_EMAILS:
        return None
    for source in TRUST_SOURCES:
        if source(submission):
            return Decision(Comment.Status.APPROVED, f"trusted: {source.__name__}")
    return None


SPAM_RULES = [
    honeypot_filled,
    form_token_forged,
    posted_too_fast,
    form_too_old,
    disallowed_words,
    blocked_sender,
]
HOLD_RULES = [posted_without_script, too_many_links, moderation_words]
APPROVE_RULES = [known_commenter]


def decide(submission):
    """The status a newly posted comment gets, with the reason (for the log)."""
    for rule in [*SPAM_RULES, *HOLD_RULES, *APPROVE_RULES]:
        decision = rule(submission)
        if decision:
            return decision
    return Decision(Comment.Status.PENDING, "new comments wait for a moderator")


def comments_are_open(article, now=None):
    """False when the article's comments are switched off or it is older than allowed."""
    if not article.comments_open:
        return False
    days = settings.COMMENTS_CLOSE_AFTER_DAYS
    if days and article.first_published_at:
        return (now or timezone.now()) - article.first_published_at < timedelta(days=days)
    return True
