"""The comments block of the article page, so that articles never imports comments."""

from django import template
from django.utils.safestring import mark_safe

from ..forms import CommentForm, comment_id_from, make_form_token
from ..models import Comment
from ..moderation import comments_are_open
from ..readers import saved_author_details
from ..thread_cache import render_thread, requested_page, thread_html

register = template.Library()


@register.inclusion_tag("comments/_section.html", takes_context=True)
def comment_section(context, article):
    """The thread, the count and the "Leave a Reply" form (or "Comments are closed.").

    The thread usually comes from the shared cache (comments/thread_cache.py).
    When the page is rendered for the page cache (articles/page_cache.py), the
    context brings a placeholder for the form token, replaced per request, and
    a dict in which this tag says which comment page it showed.
    """
    request = context["request"]
    page_parameter = request.GET.get("cpage")
    is_open = comments_are_open(article)
    form = context.get("comment_form")
    if is_open and form is None:
        initial = saved_author_details(request)
        initial["save_details"] = bool(initial)
        replyto = comment_id_from(request.GET.get("replyto", ""))
        if replyto:
            initial["replyto"] = replyto
        if "page_cache_form_token" in context:
            initial["token"] = context["page_cache_form_token"]
        form = CommentForm(article=article, initial=initial)
    reply_id = form["replyto"].value() if form is not None else None
    reply_to = None
    if reply_id:
        # "Reply to <name>" needs the comment itself, from this reader's own render.
        html, page = render_thread(request, article, page_parameter, is_open)
        reply_to = _find(page, reply_id)
    else:
        html, page = thread_html(request, article, page_parameter, is_open)
    page_cache_info = context.get("page_cache_info")
    if page_cache_info is not None:
        page_cache_info["comment_page"] = page.number if page else requested_page(page_parameter)
    return {
        "request": request,
        "article": article,
        "thread_html": mark_safe(html),  # noqa: S308 (rendered by our templates, escaped there)
        "comments_open": is_open,
        "form": form,
        "reply_to": reply_to,
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag
def credit_comments(corrections):
    """Give each correction (an ArticleVersion) ``credited_comments``: the approved comments
    linked to it as having led to it, oldest first. One query for all; prints nothing.

    The article page uses it to thank the readers whose comments led to a correction,
    without articles knowing about comments.
    """
    by_version = {correction.pk: correction for correction in corrections}
    for correction in corrections:
        correction.credited_comments = []
    credited = (
        Comment.objects.approved()
        .filter(led_to_version__in=list(by_version))
        .only("id", "name", "led_to_version_id")
        .order_by("created_at", "pk")
    )
    for comment in credited:
        by_version[comment.led_to_version_id].credited_comments.append(comment)
    return ""


@register.simple_tag
def comment_form_token(article_id):
    """A fresh signed form token: what the page cache puts into each copy of a cached page."""
    return make_form_token(article_id)


def _find(page, comment_id):
    """The comment with this id on a page of the thread, or None."""
    try:
        wanted = int(comment_id)
    except (TypeError, ValueError):
        return None
    for item in page.thread_items:
        if item.comment.pk == wanted:
            return item.comment
    return None
