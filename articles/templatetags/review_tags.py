"""Template tags of the admin's home page: how much medical review work waits."""

from django import template

from ..models import Article, ArticleVersion

register = template.Library()


@register.simple_tag
def versions_awaiting_review_count():
    """How many versions wait for a medical reviewer's decision (one query)."""
    return ArticleVersion.objects.awaiting_review().count()


@register.simple_tag
def reviews_due_count():
    """How many live articles are due for medical review within 30 days, or overdue."""
    return len(Article.objects.review_schedule())
