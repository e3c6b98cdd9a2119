"""The size of the moderation queue, for the admin index page."""

from django import template

from comments.models import Comment

register = template.Library()


@register.simple_tag
def pending_comment_count():
    """How many comments wait for a moderator (one COUNT query)."""
    return Comment.objects.pending().count()
