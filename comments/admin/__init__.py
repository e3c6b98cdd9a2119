"""The moderation queue in Django's admin, and the lists around it.

The Comment changelist opens on the pending comments, newest first. Bulk
actions and the one-click buttons on the change page call the model's own
approve/mark_spam/remove/restore, so every decision records who made it and when;
each is also written to the comment's History (Django's LogEntry), whoever decided it
and however (a row's button, a bulk action, the change page, a staff reply).
The queue's rows carry Approve, Reject (with a reason), Spam and Reply, submit buttons
that post, with the changelist form's CSRF token, to the same one-comment views as the
change page's buttons, and come back to the same filtered page of the queue. Every
decision's message carries Undo.
A reply is never published under a parent readers cannot see: approving it
approves the parents too, after the moderator has confirmed that.

The package: comment_admin.py (the queue's ModelAdmin), columns.py (what it shows),
filters.py, changelist.py (History entries, the way back to the queue, the order),
decisions.py (the one-comment decisions, the staff reply, the rejection email), undo.py
(the signed Undo of a decision), report.py (the monthly report), privacy.py (its export
and erasure actions), lists.py (outgoing emails, subscriptions, reports, the block list),
rules.py (the word lists and "Test a text", commenters' standing and notes, the crisis
texts and reply).
"""

from . import (
    lists,  # noqa: F401 (registers the lists around the queue)
    rules,  # noqa: F401 (registers the word lists, commenters and crisis texts)
)
from .comment_admin import CommentAdmin

__all__ = ["CommentAdmin"]
