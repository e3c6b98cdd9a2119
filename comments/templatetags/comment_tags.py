"""The comments block of the article page, so that articles never imports comments."""

import re
from dataclasses import dataclass

from django import template
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.safestring import mark_safe

from cms.caching import cached_fragment, personal_part

from ..forms import comment_id_from
from ..models import Comment
from ..reader_part import (
    PAGE_NUMBER,
    answered_comment,
    comments_open_on,
    include_tag,
    page_number,
    render_reader_part,
)
from ..readers import Reader
from ..threads import comment_thread

register = template.Library()

THREAD_TEMPLATE = "comments/_thread.html"
# Indentation from the templates, repeated for every comment, is a fifth of the thread's bytes.
INDENTATION = re.compile(r"\n\s+")
# The thread is rendered as a reader with no comments of their own sees it: their own are
# the reader's part (comments/reader_part.py).
EVERY_READER = Reader()


@register.inclusion_tag("comments/_section.html", takes_context=True)
def comment_section(context, article):
    """The thread, the count and the reader's part: their messages and own comments, and the
    "Leave a Reply" form (or "Comments are closed.").

    The thread is the same for every reader (from the fragment cache). The reader's part
    (comments/reader_part.py) is rendered here when Django serves the page directly; behind
    Varnish, the page holds an ``<esi:include>`` of it instead and nothing of this reader's,
    so that it is shared by every reader, cookies or not (cms/caching.py).

    With ``?replyto=<id>`` (or a posted form that answers a comment) the form opens under
    that comment, quoting it: the thread is cut at the comment's marker, so only the
    comment's name and text are read (one query). A comment that is not on this page of the
    thread as readers see it (held, removed, under a hidden one, or no comment at all)
    leaves the form where it always is.
    """
    request = context["request"]
    page_parameter = request.GET.get("cpage")
    is_open = comments_open_on(request, article)
    html = thread_html(article, page_parameter, is_open)
    form = context.get("comment_form")
    reply = None
    if is_open:
        wanted = request.GET.get("replyto", "") if form is None else form["replyto"].value()
        reply = _reply_slot(html, article, comment_id_from(wanted or ""))
    page = page_number(page_parameter)
    reply_to = reply.comment if reply else None
    if personal_part(request) and form is None:
        part = include_tag(article, reply_to.pk if reply_to else None, page)
    else:
        part = mark_safe(  # noqa: S308 (rendered by our templates, escaped there)
            render_reader_part(
                request, article, comments_open=is_open, form=form, reply_to=reply_to, page=page
            )
        )
    section = {
        "article": article,
        "thread_html": mark_safe(html),  # noqa: S308 (rendered by our templates, escaped there)
        "comments_open": is_open,
        "reply_to": reply_to,
        "reader_part": part,
    }
    if reply:
        section.update(
            thread_before=mark_safe(reply.before),  # noqa: S308 (cut from the thread above)
            thread_after=mark_safe(reply.after),  # noqa: S308
        )
    return section


@dataclass
class ReplySlot:
    comment: Comment
    before: str  # the thread up to the comment's body and actions
    after: str  # its replies and the rest of the thread


def _reply_slot(html, article, comment_id):
    """Where the thread's HTML opens for a reply to ``comment_id``, and that comment; None when
    this page of the thread shows no Reply link for it (its marker, from _comment.html, is
    printed only under approved comments the reader sees, while comments are open)."""
    if comment_id is None:
        return None
    marker = f"<!--reply:{comment_id}-->"
    # Readers' text cannot fake a marker: bleach drops HTML comments from the text, and
    # names are escaped.
    at = html.find(marker)
    if at < 0:
        return None
    comment = answered_comment(article, comment_id)
    if comment is None:  # removed since the thread was cached
        return None
    cut = at + len(marker)
    return ReplySlot(comment, html[:cut], html[cut:])


def render_thread(article, page_parameter, comments_open):
    """The thread's HTML as every reader sees it, and the page of comments it shows."""
    page, approved_count = comment_thread(EVERY_READER, article, page_parameter)
    html = render_to_string(
        THREAD_TEMPLATE,
        {
            "article": article,
            "page_obj": page,
            "comments": page.object_list,
            "approved_count": approved_count,
            "comments_open": comments_open,
        },
    )
    return INDENTATION.sub("\n", html), page


def thread_html(article, page_parameter, comments_open):
    """The thread's HTML, the same for every reader: from the fragment cache.

    The key names everything the thread shows: the article, its published
    version ("written about an earlier version"), its page stamp (bumped
    by every change readers see), whether comments are open (the Reply links)
    and the page. A page number that is not a plain one is rendered, not cached.
    """
    if not (page_parameter in (None, "") or PAGE_NUMBER.fullmatch(page_parameter)):
        return render_thread(article, page_parameter, comments_open)[0]
    key = (
        f"comments:thread:{article.pk}:{article.published_version_id}:"
        f"{article.page_stamp}:{int(comments_open)}:{page_parameter or 1}"
    )
    return cached_fragment(key, lambda: render_thread(article, page_parameter, comments_open)[0])


@register.filter
def comment_date(moment):
    """``moment`` in words, as ``|date:"j F Y \\a\\t H:i T"`` prints it ("4 December 2026 at
    20:15 UTC"), in the current time zone: printed once or twice for every comment of a
    thread page, where Django's date formatting took a quarter of the page's rendering."""
    local = timezone.localtime(moment)
    return f"{local.day} {MONTHS[local.month]} {local.year} at {local:%H:%M} {local.tzname()}"


@register.simple_tag
def approved_comment_count(article):
    """The number of comments every reader sees on ``article``, for the article's header:
    stored on the article whenever a comment changes (CommentQuerySet.refresh_threads),
    counted as the thread counts them. No query."""
    return article.approved_comment_count


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
