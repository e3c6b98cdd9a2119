"""The moderation policy: small named rules, each reading its own setting.

A rule looks at a comment (and what we know of how it was posted) and returns a Decision
or None ("no opinion"). ``decide()`` asks the spam rules first (the first one wins: the
comment is kept but never shown, and the poster is not told); then every hold rule and
the reject rule, whose reasons are all recorded on the comment (Comment.hold_reasons, as
{"code": ..., "detail": ...} with the codes of REASONS); then the approve rule. A comment
nobody has an opinion on waits for a moderator as a "new_commenter".

The detectors that read only the text live in comments/rules/; what the site knows of
an address, in comments/commenters.py.
"""

import re
import time
from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property

from django.conf import settings
from django.utils import timezone

from . import blocklist, commenters, hold_reasons, subscriptions
from .identity import mailbox_key
from .models import Comment, Commenter, ModerationWord
from .rules.crisis import find_crisis
from .rules.personal_data import find_personal_data
from .rules.words import find_phrase

# One match per link: a link typed as HTML (with its address inside), or an address
# from its https:// or www. to the next space, so https://www. counts once. Addresses
# bleach would not make into links (an unknown top-level domain) still count.
LINK_PATTERN = re.compile(r"""<a\s[^>]*>|(?:https?://|www\.)[^\s<>"']+""", re.IGNORECASE)

# Every reason a comment can be held (or rejected) for, as recorded on it, and its label.
REASONS = hold_reasons.LABELS


@dataclass(frozen=True)
class Reason:
    """Why a rule held or rejected a comment: a code of REASONS and a detail for
    moderators ("3 links", the word matched)."""

    code: str
    detail: str = ""

    def as_dict(self):
        return {"code": self.code, "detail": self.detail}

    @property
    def label(self):
        return f"{REASONS[self.code]}: {self.detail}" if self.detail else REASONS[self.code]


@dataclass(frozen=True)
class Decision:
    status: str
    reason: str  # for the log
    reasons: tuple = ()  # Reason, recorded on the comment
    urgent: bool = False  # a possible crisis: first in the queue, moderators emailed at once

    def apply_to(self, comment):
        """Give ``comment`` this status, add these reasons to those it has (as
        Comment.hold_reasons stores them: an edit keeps why it was first held) and mark it
        urgent if need be; the caller saves it."""
        comment.status = self.status
        recorded = list(comment.hold_reasons or [])
        recorded += [each for each in map(Reason.as_dict, self.reasons) if each not in recorded]
        comment.hold_reasons = recorded
        comment.urgent = comment.urgent or self.urgent


def _held(code, detail, log, urgent=False):
    return Decision(Comment.Status.PENDING, log, (Reason(code, detail),), urgent)


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

    @classmethod
    def of_text(cls, text):
        """A submission of ``text`` alone, for the rules that read only the text."""
        comment = Comment(name="", email="", website="", body=text)
        return cls(comment=comment, form_shown_at=None, honeypot_filled=False)

    @cached_property
    def word_lists(self):
        """The moderators' word lists (ModerationWord), read once from the shared cache."""
        return ModerationWord.objects.lists()

    @cached_property
    def record(self):
        """What the site knows of the comment's address (comments/commenters.py), read
        once, and only by the rules that need it."""
        return commenters.record_of(self.comment.email)


def _words_text(comment):
    return "\n".join([comment.name, comment.email, comment.website, comment.body])


# Spam rules: the comment is kept but never shown, and the poster is not told.


def honeypot_filled(submission):
    if submission.honeypot_filled:
        return Decision(Comment.Status.SPAM, "the hidden honeypot field was filled in")


def form_token_forged(submission):
    if submission.token_sent and submission.form_shown_at is None:
        return Decision(Comment.Status.SPAM, "the form token was forged or for another article")


def form_too_old(submission):
    if submission.form_shown_at is None:
        return None
    if submission.now - submission.form_shown_at > settings.COMMENTS_MAX_FORM_AGE:
        return Decision(Comment.Status.SPAM, "the form was older than allowed")


def disallowed_words(submission):
    if find_phrase(settings.COMMENTS_DISALLOWED_WORDS, _words_text(submission.comment)):
        return Decision(Comment.Status.SPAM, "it contains a disallowed word")


def blocked_sender(submission):
    comment = submission.comment
    if blocklist.is_blocked(comment.email, comment.ip_address):
        return Decision(Comment.Status.SPAM, "the sender is on the block list")


# The reject rule: the comment is removed, and the poster told what a held one's is.


def banned_words(submission):
    """A word or phrase from the banned list rejects the comment (status "removed").

    The list is ModerationWord's, kept in the admin."""
    word = find_phrase(submission.word_lists["banned"], _words_text(submission.comment))
    if word:
        return Decision(
            Comment.Status.REMOVED, "it contains a banned word", (Reason("banned_word", word),)
        )


# Hold rules: a moderator decides. Each records its reason.


def crisis_language(submission):
    """Words of self-harm, suicidal intent or an overdose in progress: held as urgent, the
    moderators emailed at once, the reader shown the safety message.

    The phrases and their exceptions: comments/rules/crisis.py."""
    phrase = find_crisis(submission.comment.body)
    if phrase:
        return _held("crisis", phrase, "possible crisis", urgent=True)


def posted_without_script(submission):
    """The form's script fetches the token when the reader starts typing. Without it we
    cannot tell a person without JavaScript from a bot: a moderator decides."""
    if not submission.token_sent:
        return _held("no_js", "", "posted without a form token (no JavaScript)")


def posted_too_fast(submission):
    """Faster than a person types: a bot, or a reader whose browser filled in saved
    details for a short "Thanks!". Never silently spam: a moderator decides."""
    if submission.form_shown_at is None:
        return None
    seconds = submission.now - submission.form_shown_at
    if seconds < settings.COMMENTS_MIN_SECONDS:
        return _held("fast_post", f"{int(max(seconds, 0))} s after the form", "posted very quickly")


def too_many_links(submission):
    """More links than the setting COMMENTS_MAX_LINKS allows hold the comment."""
    links = len(LINK_PATTERN.findall(submission.comment.body))
    if links > settings.COMMENTS_MAX_LINKS:
        return _held("links", f"{links} links", f"it has {links} links")


def suspect_words(submission):
    """A word or phrase from the suspect list (or the setting COMMENTS_MODERATION_WORDS)
    holds the comment."""
    phrases = [*submission.word_lists["suspect"], *settings.COMMENTS_MODERATION_WORDS]
    word = find_phrase(phrases, _words_text(submission.comment))
    if word:
        return _held("suspect_word", word, "it contains a suspect word")


def personal_data(submission):
    """A phone number, an email address or a street address in the text."""
    found = find_personal_data(submission.comment.body)
    if found:
        kinds = ", ".join(kind for kind, _text in found)
        return _held("personal_data", kinds, "it contains personal data")


def always_held(submission):
    """A moderator flagged the address "always hold" (Commenter)."""
    if submission.record.standing == Commenter.Standing.ALWAYS_HOLD:
        return _held("always_hold", "", "the commenter is flagged always hold")


def often_rejected(submission):
    """Most of the address's latest decided comments (COMMENTS_REJECTED_WINDOW) were
    rejected or spam, two at least."""
    record = submission.record
    rejected = record.recent_rejected
    if rejected >= 2 and rejected * 2 > len(record.recent):
        detail = f"{rejected} of the last {len(record.recent)} rejected"
        return _held("often_rejected", detail, "the address is often rejected")


# Approve rule.


def approved_comment_from_this_browser(submission):
    """This browser posted an approved comment under the same mailbox (any spelling).

    The proof is the browser's signed cookie of its own comment ids, which nobody
    else can make; knowing someone's address is not enough.
    """
    if not submission.own_comment_ids:
        return False
    return (
        Comment.objects.approved()
        .filter(
            pk__in=list(submission.own_comment_ids),
            mailbox=mailbox_key(submission.comment.email),
        )
        .exists()
    )


def address_confirmed_from_this_browser(submission):
    """This browser confirmed the comment's address by email (its signed cookie) and the
    address still has a confirmed subscription (comments/subscriptions.py)."""
    return subscriptions.is_trusted_address(submission.comment.email, submission.confirmed_email)


# Where proof that the commenter owns the address may come from: each source answers True
# or False for a submission. Never the email address alone: anyone can know or guess it,
# and a different answer would tell them that this address has commented here.
TRUST_SOURCES = [approved_comment_from_this_browser, address_confirmed_from_this_browser]


def known_commenter(submission):
    """The trust ladder: a commenter who proves the address (TRUST_SOURCES) and has
    COMMENTS_TRUST_AFTER_APPROVED approved comments under it, or whom a moderator flagged
    trusted, is published at once."""
    if not settings.COMMENTS_APPROVE_KNOWN_EMAILS:
        return None
    for source in TRUST_SOURCES:
        if source(submission):
            record = submission.record
            if (
                record.standing == Commenter.Standing.TRUSTED
                or record.approved >= settings.COMMENTS_TRUST_AFTER_APPROVED
            ):
                return Decision(Comment.Status.APPROVED, f"trusted: {source.__name__}")
            return None
    return None


def new_commenter(submission):
    """Nobody has an opinion: a moderator decides. Says what the ladder still needs."""
    needed = settings.COMMENTS_TRUST_AFTER_APPROVED
    if not settings.COMMENTS_APPROVE_KNOWN_EMAILS:
        detail = "every comment is moderated"
    elif submission.record.approved < needed:
        detail = f"{submission.record.approved} of {needed} approved comments"
    else:
        detail = "the address was not proved from this browser"
    return _held("new_commenter", detail, "new comments wait for a moderator")


SPAM_RULES = [honeypot_filled, form_token_forged, form_too_old, disallowed_words, blocked_sender]
REJECT_RULES = [banned_words]
HOLD_RULES = [
    crisis_language,
    posted_without_script,
    posted_too_fast,
    too_many_links,
    suspect_words,
    personal_data,
    always_held,
    often_rejected,
]
APPROVE_RULES = [known_commenter]
# The rules that read only the text: an edit runs them again, and so does the admin's
# "Test a text" page.
TEXT_RULES = [banned_words, crisis_language, too_many_links, suspect_words, personal_data]


def _combined(decisions, status):
    return Decision(
        status,
        "; ".join(decision.reason for decision in decisions),
        tuple(reason for decision in decisions for reason in decision.reasons),
        any(decision.urgent for decision in decisions),
    )


def decide(submission):
    """The status a newly posted comment gets, with its reasons.

    A banned word rejects the comment, unless it also reads as a crisis: then a moderator
    sees it first, whatever else it says.
    """
    for rule in SPAM_RULES:
        decision = rule(submission)
        if decision:
            return decision
    rejections = [decision for rule in REJECT_RULES if (decision := rule(submission))]
    holds = [decision for rule in HOLD_RULES if (decision := rule(submission))]
    if rejections and not any(decision.urgent for decision in holds):
        return _combined([*rejections, *holds], Comment.Status.REMOVED)
    if holds or rejections:
        return _combined([*holds, *rejections], Comment.Status.PENDING)
    for rule in APPROVE_RULES:
        decision = rule(submission)
        if decision:
            return decision
    return new_commenter(submission)


def run_text_rules(text):
    """Every rule that reads only the text, run on ``text``: [(rule, Decision or None)],
    for the admin's "Test a text" page."""
    submission = Submission.of_text(text)
    return [(rule, rule(submission)) for rule in TEXT_RULES]


def comments_are_open(article, now=None):
    """False when the article's comments are switched off or it is older than allowed."""
    if not article.comments_open:
        return False
    days = settings.COMMENTS_CLOSE_AFTER_DAYS
    if days and article.first_published_at:
        return (now or timezone.now()) - article.first_published_at < timedelta(days=days)
    return True
