"""Template tags of the admin's home page: how much medical review work waits, and what
waits for the person signed in."""

from django import template

from ..models import Article, ArticleVersion
from ..reviewing import waiting_for

register = template.Library()


@register.simple_tag
def versions_awaiting_review_count():
    """How many versions wait for a medical reviewer's decision (one query)."""
    return ArticleVersion.objects.awaiting_review().count()


@register.simple_tag
def reviews_due_count():
    """How many live articles are due for medical review within 30 days, or overdue."""
    return len(Article.objects.review_schedule())


@register.simple_tag
def waiting_for_you(user):
    """What waits for ``user`` (articles/reviewing.py waiting_for): reviews to do and
    decisions to act on. Two queries."""
    return waiting_for(user)
