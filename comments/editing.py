"""A reader changing their mind: editing or deleting their own comment for a short while.

Ownership is proved by the signed cookie of comments/readers.py (the ids of
the comments posted from this browser), so it works without an account and a
reader cannot forge another's ids; the time limit is COMMENTS_EDIT_MINUTES. An edit
goes back through the moderation policy, and a substantive change of an approved
comment waits for a moderator (status_after_edit); edits are rate-limited in the view.
"""

import copy
import dataclasses
import difflib
import math
import re
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import moderation
from .markup import render_comment
from .models import Comment


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


def status_after_edit(comment, earlier_body, reader):
    """The status of ``comment`` after its author changed its text from ``earlier_body``,
    with the reason (issue 24).

    """
    before = moderation.decide(_as_posted(comment, earlier_body, reader))
    after = moderation.decide(_as_posted(comment, comment.body, reader))
    if after != before:
        worse = SEVERITY[after.status] > SEVERITY[comment.status]
        if worse or (after.urgent and not comment.urgent):
            # A possible crisis in the new text marks even a held comment urgent.
            return dataclasses.replace(after, status=after.status if worse else comment.status)
    if (
        comment.status == Comment.Status.APPROVED
        and settings.COMMENTS_EDITS_WAIT_FOR_MODERATOR
        and is_substantive(earlier_body, comment.body)
    ):
        return moderation.Decision(
            Comment.Status.PENDING, "a substantive change of an approved comment"
        )
    return moderation.Decision(comment.status, "the edited text passes the moderation rules")


# What an edit may make of a comment: it may only get worse.
SEVERITY = {
    Comment.Status.APPROVED: 0,
    Comment.Status.PENDING: 1,
    Comment.Status.SPAM: 2,
    Comment.Status.REMOVED: 3,
}
LINK_TARGET = re.compile(r'<a\s[^>]*href="([^"]*)"')


def _as_posted(comment, body, reader):
    """The comment with ``body``, as the policy sees a newly posted comment from this reader.

    An edit has no form token of its own, and the policy's timing rules judged the first
    post: the edit is timed as a form shown COMMENTS_MIN_SECONDS before the comment was
    first saved, so that those rules pass alike for the earlier and the new text and only
    the words, the links and the sender are judged again.
    """
    posted = copy.copy(comment)
    posted.body = body
    first_saved = comment.created_at.timestamp()
    return moderation.Submission(
        comment=posted,
        form_shown_at=int(first_saved) - settings.COMMENTS_MIN_SECONDS,
        honeypot_filled=False,
        now=first_saved,
        confirmed_email=reader.confirmed_email,
        own_comment_ids=reader.own_comment_ids,
    )


def is_substantive(earlier, now):
    """True when an edit changes more than COMMENTS_EDIT_MINOR_CHARACTERS characters (added,
    removed or replaced) or adds a link: an address the page would show as a link that the
    earlier text did not have. A typo or a word put right is not substantive."""
    if set(LINK_TARGET.findall(render_comment(now))) - set(
        LINK_TARGET.findall(render_comment(earlier))
    ):
        return True
    limit = settings.COMMENTS_EDIT_MINOR_CHARACTERS
    if abs(len(now) - len(earlier)) > limit:
        return True
    changes = difflib.SequenceMatcher(None, earlier, now).get_opcodes()
    changed = sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in changes if tag != "equal")
    return changed > limit


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
