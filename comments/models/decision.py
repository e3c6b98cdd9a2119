"""What a moderator's decision records on a comment besides its status: the reason of a
rejection, and the snapshot of the moderation fields that lets a decision be undone."""

from django.db import models
from django.utils.dateparse import parse_datetime

# The fields a decision changes; undoing it puts exactly these back.
MODERATION_FIELDS = ("status", "moderated_at", "moderated_by_id", "rejection_reason")


class RejectionReason(models.TextChoices):
    """Why a comment was rejected (status "removed"): shown in History, the monthly report
    and, if the moderator chooses, the email to its author."""

    SPAM = "spam", "Spam"
    ABUSE = "abuse", "Abuse"
    OFF_TOPIC = "off_topic", "Off topic"
    MISINFORMATION = "misinformation", "Misinformation (please cite a source)"
    PERSONAL_DATA = "personal_data", "Personal data"
    CRISIS_HANDLED = "crisis_handled", "Crisis handled"
    OTHER = "other", "Other"


def moderation_state(comment):
    """The comment's moderation fields as plain values (JSON and signing safe)."""
    state = {field: getattr(comment, field) for field in MODERATION_FIELDS}
    if state["moderated_at"] is not None:
        state["moderated_at"] = state["moderated_at"].isoformat()
    return state


def put_back(comment, state):
    """Set the comment's moderation fields from ``state`` (moderation_state()'s form)."""
    for field in MODERATION_FIELDS:
        setattr(comment, field, state[field])
    if state["moderated_at"]:
        comment.moderated_at = parse_datetime(state["moderated_at"])
