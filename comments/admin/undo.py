"""Undo for every moderation decision: the message that reports a decision carries a form
whose signed token holds each changed comment's moderation fields before and after it.

Undoing puts the "before" back exactly (status, who decided and when, the rejection
reason) through Comment.undo_decision, so readers' pages change back as they changed, and
the shared cache is purged again. A comment someone changed since is left alone: the
token's "after" no longer matches it.
"""

from django.core import signing
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.html import format_html

from ..models import moderation_state

SALT = "comments.admin.undo"
# Undo is for a slip noticed at once, not a way back to last week.
UNDO_SECONDS = 60 * 60
# The token travels in the message, and messages in a cookie (MESSAGE_STORAGE) of at most
# 2 KB: a page of the queue's decisions fits, "select all 1,000" would not, and a message
# too big for its cookie is dropped whole.
MOST_UNDONE = 50


def states_before(comments):
    """{comment id: its moderation fields} before a decision changes them."""
    return {comment.pk: moderation_state(comment) for comment in comments}


def undo_form(request, before, changed, filters=""):
    """The Undo button for a decision that changed ``changed`` (from the states ``before``),
    as HTML for the decision's message ("" when nothing changed)."""
    states = [
        {"id": comment.pk, "before": before[comment.pk], "after": moderation_state(comment)}
        for comment in changed
        if comment.pk in before
    ]
    if not states:
        return ""
    if len(states) > MOST_UNDONE:
        return f"(Undo is offered for at most {MOST_UNDONE} comments at once.)"
    token = signing.dumps(states, salt=SALT, compress=True)
    return format_html(
        '<form method="post" action="{}" class="undo-form">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<input type="hidden" name="undo" value="{}">'
        '<input type="hidden" name="_changelist_filters" value="{}">'
        '<button type="submit" class="button undo-button">Undo</button></form>',
        reverse("admin:comments_comment_undo"),
        get_token(request),
        token,
        filters,
    )


def read_undo(token):
    """The [{"id", "before", "after"}] a token holds; BadSignature if forged or too old."""
    return signing.loads(token, salt=SALT, max_age=UNDO_SECONDS)
