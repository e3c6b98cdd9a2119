"""The comments block of the article page, so that articles never imports comments."""

from django import template

from ..forms import CommentForm
from ..moderation import comments_are_open
from ..readers import saved_author_details
from ..threads import comment_thread

register = template.Library()


@register.inclusion_tag("comments/_section.html", takes_context=True)
def comment_section(context, article):
    """The thread, the count and the "Leave a Reply" form (or "Comments are closed.")."""
    request = context["request"]
    page, approved_count = comment_thread(request, article, request.GET.get("cpage"))
    is_open = comments_are_open(article)
    form = context.get("comment_form")
    reply_to = None
    if is_open and form is None:
        initial = saved_author_details(request)
        initial["save_details"] = bool(initial)
        replyto = request.GET.get("replyto", "")
        if replyto.isdigit():
            initial["replyto"] = int(replyto)
        form = CommentForm(article=article, initial=initial)
    if form is not None:
        reply_id = form["replyto"].value()
        reply_to = _find(page.object_list, reply_id)
    return {
        "request": request,
        "article": article,
        "page_obj": page,
        "comments": page.object_list,
        "approved_count": approved_count,
        "comments_open": is_open,
        "form": form,
        "reply_to": reply_to,
        "csrf_token": context.get("csrf_token"),
    }


def _find(comments, comment_id):
    """The comment with this id among a page of threads, or None."""
    try:
        wanted = int(comment_id)
    except (TypeError, ValueError):
        return None
    stack = list(comments)
    while stack:
        comment = stack.pop()
        if comment.pk == wanted:
            return comment
        stack.extend(comment.thread_replies)
    return None
