"""Editors' picks: approved comments a moderator features, listed above the thread with a
link to each where it stands in it (Coral Talk's "featured comments").

A pick is a mark on the comment (Comment.featured_at), set and cleared by the queue's
actions (comments/admin/featuring.py). Only an approved comment can be featured; one that
is later held or removed keeps its mark but drops out of the list, since the list shows
what every reader sees (CommentQuerySet.seen_by_readers). The list is the same for every
reader: rendered once per change of the article's comments (its page stamp) and kept in
the fragment cache (templatetags/editors_picks.py).
"""

from django.db import transaction
from django.utils import timezone

from articles.models import Article

from .markup import quote_of
from .models import Comment

# A short list: the picks, not a second thread.
MOST_PICKS = 5
# The words of each pick the list quotes; the whole comment is in the thread.
PICK_QUOTE_LENGTH = 160


def feature(comments):
    """Make the approved ones of ``comments`` (a queryset) editors' picks; returns them.
    Their articles' pages show the change."""
    with transaction.atomic():
        chosen = list(comments.approved().filter(featured_at__isnull=True))
        Comment.objects.filter(pk__in=[each.pk for each in chosen]).update(
            featured_at=timezone.now()
        )
        _expire_pages_of(chosen)
    return chosen


def unfeature(comments):
    """Take ``comments`` (a queryset) off the editors' picks; returns those that were on."""
    with transaction.atomic():
        dropped = list(comments.filter(featured_at__isnull=False))
        Comment.objects.filter(pk__in=[each.pk for each in dropped]).update(featured_at=None)
        _expire_pages_of(dropped)
    return dropped


def _expire_pages_of(comments):
    article_ids = {each.article_id for each in comments}
    if article_ids:
        Article.objects.filter(pk__in=article_ids).expire_pages()


def editors_picks(article):
    """The editors' picks readers see on ``article``, in the thread's order, each with
    ``quote`` (its first words, plain text). One query on the picks' index; a second, which
    checks that readers see them (no hidden comment above), only when there are any."""
    featured = Comment.objects.filter(
        article=article.pk,
        featured_at__isnull=False,
        status=Comment.Status.APPROVED,
        hidden_after_reports_at__isnull=True,
    )
    candidates = list(featured.values_list("pk", flat=True))
    if not candidates:
        return []
    picks = list(
        Comment.objects.seen_by_readers(article.pk)
        .filter(pk__in=candidates)
        .only("pk", "name", "body_html", "created_at")
        .order_by("created_at", "pk")[:MOST_PICKS]
    )
    for pick in picks:
        pick.quote = quote_of(pick.body_html, PICK_QUOTE_LENGTH)
    return picks
