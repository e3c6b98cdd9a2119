"""A reader changing their mind: editing or deleting their own comment for a short while.

Ownership is proved by the signed cookie of comments/readers.py (the ids of
the comments posted from this browser), so it works without an account and a
reader cannot forge another's ids; the time limit is COMMENTS_EDIT_MINUTES.
"""

from datetime import timedelta

from django import forms
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import moderation
from .forms import cleaned_submission
from .models import Comment
from .readers import own_comment_ids

# The rules that read only the text. The form-token rules judge how a comment was
# first posted, which an edit does not repeat.
EDIT_RULES = [moderation.disallowed_words, moderation.too_many_links, moderation.moderation_words]


def editable_since(now=None):
    """Comments created after this moment may still be changed by their author."""
    return (now or timezone.now()) - timedelta(minutes=settings.COMMENTS_EDIT_MINUTES)


def can_change(request, comment, now=None):
    """True when this browser posted ``comment`` and the edit window is still open."""
    return (
        comment.pk in own_comment_ids(request)
        and comment.created_at > editable_since(now)
        and comment.status != Comment.Status.REMOVED
    )


def status_after_edit(comment):
    """The status of an edited comment, with the reason.

    An approved comment stays approved unless the policy would hold its new
    text (too many links, a moderation word) or call it spam (a disallowed word);
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
            comment.save()
        else:
            comment.delete()  # Comment.delete() refreshes the article's pages


class CommentEditForm(forms.ModelForm):
    """Only the text can change; name, email and website stay as they were posted."""

    class Meta:
        model = Comment
        fields = ["body"]
        labels = {"body": "Comment"}
        widgets = {"body": forms.Textarea(attrs={"rows": 8, "maxlength": 5000})}
        error_messages = {"body": {"required": "Please write a comment."}}

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(cleaned_submission(data), *args, **kwargs)

    def save(self, commit=True):
        """The comment with its new text; ``edited_at`` marks it "(edited)" for readers
        when the words really changed (sending the same text again is no edit)."""
        comment = super().save(commit=False)
        if comment.body != self.initial.get("body"):
            comment.edited_at = timezone.now()
        if commit:
            comment.save()
        return comment
