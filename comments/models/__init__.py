"""The comments app's models and querysets, and nothing else: the behaviour that uses them
(the moderation policy, notifications, reports, the block list, mail) lives in the app's
modules above them."""

from .block import BlockedSender
from .comment import Comment
from .comment_queryset import CommentQuerySet
from .decision import RejectionReason, moderation_state
from .outgoing_email import MailWorker, OutgoingEmail
from .report import Report
from .rules import Commenter, CrisisTexts, ModerationWord
from .subscription import Subscription, normalise
from .thread_sql import LONGEST_CHAIN, hidden_subtrees_sql, shown_condition

__all__ = [
    "LONGEST_CHAIN",
    "BlockedSender",
    "Comment",
    "CommentQuerySet",
    "Commenter",
    "CrisisTexts",
    "ModerationWord",
    "MailWorker",
    "OutgoingEmail",
    "RejectionReason",
    "Report",
    "Subscription",
    "hidden_subtrees_sql",
    "moderation_state",
    "normalise",
    "shown_condition",
]
