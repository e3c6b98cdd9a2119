"""Turning one flat query of comments into a thread, and finding a comment's page."""

from django.conf import settings
from django.core.paginator import Paginator

from .models import Comment
from .readers import own_comment_ids


def build_thread(comments):
    """Attach each comment's replies as ``thread_replies`` and return the top-level comments.

    ``comments`` come oldest first from a single query; a reply whose parent is
    not among them (not approved, or removed) is left out with its own replies.
    """
    by_id = {comment.pk: comment for comment in comments}
    roots = []
    for comment in comments:
        comment.thread_replies = []
    for comment in comments:
        if comment.parent_id is None:
            roots.append(comment)
        elif comment.parent_id in by_id:
            by_id[comment.parent_id].thread_replies.append(comment)
    return roots


def comment_thread(request, article, page_number=None):
    """The page of the thread this reader sees, with the count of approved comments.

    One query, whatever the number of comments: the reader's own pending
    comments come with the approved ones.
    """
    own_ids = own_comment_ids(request)
    comments = list(Comment.objects.filter(article=article).visible_to(own_ids).for_display())
    approved_count = sum(comment.status == Comment.Status.APPROVED for comment in comments)
    paginator = Paginator(build_thread(comments), settings.COMMENTS_PER_PAGE)
    page = paginator.get_page(page_number)
    return page, approved_count


def page_of(comment):
    """The thread page number that shows ``comment`` (found through its top-level ancestor)."""
    root = comment
    while root.parent_id is not None:
        root = root.parent
    earlier = (
        Comment.objects.approved()
        .filter(article_id=comment.article_id, parent__isnull=True, created_at__lt=root.created_at)
        .count()
    )
    return earlier // settings.COMMENTS_PER_PAGE + 1


def location_of(comment):
    """The address of ``comment`` on its article: the thread page that shows it, and its anchor."""
    page = page_of(comment)
    query = f"?cpage={page}" if page > 1 else ""
    return f"{comment.article.get_absolute_url()}{query}#comment-{comment.pk}"
