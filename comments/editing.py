"""A reader changing their mind: editing or deleting their own comment for a short while.

Ownership is proved by the signed cookie of comments/readers.py (the ids of
the comments posted from this browser), so it works without an account and a
reader cannot forge another's ids; the time limit is COMMENTS_EDIT_MINUTES.
"""

import math
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import moderation
from .models import Comment

# The rules that read only the text, a crisis first. The form-token rules judge how a
# comment was first posted, which an edit does not repeat.
EDIT_RULES = [
    moderation.disallowed_words,
    moderation.crisis_language,
    moderation.banned_words,
    moderation.too_many_links,
    moderation.suspect_words,
    moderation.personal_data,
]


def editable_since(now=None):
    """Comments created after this moment may still be changed by their author."""
    return (now or timezone.now()) - timedelta(minutes=settings.COMMENTS_EDIT_MINUTES)


def can_change(reader, comment, now=None):
    """True when this reader's browser posted ``comment`` and the edit window is still open."""
    return (
        comment.pk in reader.own_comment_ids
        and comment.created_at > editable_since(now)
        and comment.status != Comment.Status.REMOVED
    )


def minutes_left(comment, now=None):
    """Whole minutes left of ``comment``'s edit window, rounded up (a window with 20 seconds
    left says 1 minute); 0 once it has closed."""
    closes = comment.created_at + timedelta(minutes=settings.COMMENTS_EDIT_MINUTES)
    seconds = (closes - (now or timezone.now())).total_seconds()
    return max(0, math.ceil(seconds / 60))


def status_after_edit(comment):
    """The status of an edited comment, with the reason.

    An approved comment stays approved unless the policy would hold its new text (a
    possible crisis, too many links, a suspect word, personal data), reject it (a banned
    word) or call it spam (a disallowed word);
    a comment already held or marked as spam keeps its status unless it gets worse.
    """
    submission = moderation.Submission(comment=comment, form_shown_at=None, honeypot_filled=False)
    for rule in EDIT_RULES:
        decision = rule(submission)
        if decision and comment.status != Comment.Status.SPAM:
            return decision
    return moderation.Decision(comment.status, "the edited text passes the moderation rules")


def delete_own_comment(comment):
    """Delete a comment for its author; one with replies is removed instead, its text erased.

    Replies belong to other readers, and deleting the row would delete them with it.
    """
    with transaction.atomic():
        if comment.replies.exists():
            comment.body = "Deleted by its author."
            comment.status = Comment.Status.REMOVED
            comment.save_edit()
        else:
            comment.delete()  # Comment.delete() refreshes the article's pages
