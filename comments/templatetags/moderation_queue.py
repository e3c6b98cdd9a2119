"""The moderators' work waiting, for the admin index page."""

from django import template
from django.db.models import Exists, OuterRef

from comments.models import Comment, Report

register = template.Library()


@register.simple_tag
def pending_comment_count():
    """How many comments wait for a moderator (one COUNT query)."""
    return Comment.objects.pending().count()


@register.simple_tag
def reported_published_count():
    """How many comments readers reported are still on the site (one query): the queue's
    "Reported" filter with the status "approved" lists them."""
    reported = Report.objects.filter(comment=OuterRef("pk"))
    return Comment.objects.approved().filter(Exists(reported)).count()
