"""The reader's own part of the article page: what this reader alone sees.

- the confirmation after posting, editing or deleting a comment (messages);
- their comments awaiting moderation, and those they may still edit or delete;
- the "Leave a Reply" form, with their saved name, email and website;
- a signed-in editor's links to the article and its comments in the admin.

Everything else on the page (the article, the thread) is the same for every reader
and comes from the caches. This part is rendered apart, in a fixed number of
queries and never with the thread: in the page itself when Django serves it
directly (runserver, the test client), or at its own address
(``comments:reader_part``), which Varnish fetches with the reader's cookies and
puts into the shared page where the page says ``<esi:include>``
(cms/caching.py, docs/http-cache.md).
"""

import re
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.messages import get_messages
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html

from cms.caching import valid_until

from .editing import editable_since
from .forms import CommentForm
from .markup import quote_of
from .models import Comment
from .moderation import comments_are_open
from .readers import Reader

TEMPLATE = "comments/_reader_part.html"
PAGE_NUMBER = re.compile(r"[1-9]\d{0,4}")


def comments_open_on(request, article):
    """Whether readers may comment on ``article`` now; when comments will close by
    themselves, a kept copy of the page (or of its reader's part) must not outlive that
    moment (``valid_until``)."""
    is_open = comments_are_open(article)
    if is_open and settings.COMMENTS_CLOSE_AFTER_DAYS and article.first_published_at:
        days = timedelta(days=settings.COMMENTS_CLOSE_AFTER_DAYS)
        valid_until(request, article.first_published_at + days)
    return is_open


def page_number(page_parameter):
    """The thread page asked for, as the links print it ("1" for the first or an odd one)."""
    if page_parameter and PAGE_NUMBER.fullmatch(page_parameter):
        return page_parameter
    return "1"


def answered_comment(article, comment_id):
    """The approved comment of ``article`` a reply form answers, with only what the form
    shows of it (its name and text); None when there is none. One query."""
    if comment_id is None:
        return None
    return (
        Comment.objects.approved()
        .filter(article=article, pk=comment_id)
        .only("pk", "name", "body_html")
        .first()
    )


def include_tag(article, reply_to_id=None, page="1"):
    """The ``<esi:include>`` that stands for the reader's part in the shared page."""
    query = {}
    if page != "1":
        query["cpage"] = page
    if reply_to_id is not None:
        query["replyto"] = reply_to_id
    address = reverse("comments:reader_part", args=[article.pk])
    if query:
        address = f"{address}?{urlencode(query)}"
    return format_html('<esi:include src="{}"/>', address)


def _own_comments(reader, article, since):
    """This reader's comments on ``article`` that only they see (awaiting moderation) and
    those they may still change (approved, within the edit window): one query, none
    without the cookie."""
    if not reader.own_comment_ids:
        return [], []
    mine = (
        Comment.objects.for_display()
        .filter(article=article, pk__in=list(reader.own_comment_ids))
        .filter(
            Q(status=Comment.Status.PENDING)
            | Q(status=Comment.Status.APPROVED, created_at__gt=since)
        )
        .order_by("created_at", "pk")
    )
    pending, editable = [], []
    for comment in mine:
        comment.earlier_version = None  # the reader's own words need no such note here
        if comment.is_approved:
            comment.quote = quote_of(comment.body_html)
            editable.append(comment)
        else:
            pending.append(comment)
    return pending, editable


def _editor_links(request, article):
    """Links to this article and its comments in the admin, for a signed-in editor who may
    change them; none otherwise (and no query without a session cookie)."""
    if "sessionid" not in request.COOKIES:
        return []
    user = request.user
    if not (user.is_active and user.is_staff):
        return []
    links = []
    if user.has_perm("articles.change_article"):
        links.append(
            ("Edit this article", reverse("admin:articles_article_change", args=[article.pk]))
        )
    if user.has_perm("comments.change_comment"):
        queue = reverse("admin:comments_comment_changelist")
        links.append(
            ("Its comments awaiting moderation", f"{queue}?article={article.pk}&status=pending")
        )
    return links


def render_reader_part(request, article, *, comments_open, form=None, reply_to=None, page="1"):
    """The reader's part of the article page as HTML: their messages, their own comments,
    an editor's links and the form (with their saved details, under ``reply_to`` when it
    answers a comment). ``form`` is a posted form to show again with its errors.

    Records when the part stops being true by itself (an Edit link's window closing) with
    ``valid_until``, for whoever keeps it."""
    reader = Reader.from_request(request)
    since = editable_since()
    pending, editable = _own_comments(reader, article, since)
    window = since - editable_since(since)  # COMMENTS_EDIT_MINUTES
    for comment in [*pending, *editable]:
        if comment.created_at > since:
            valid_until(request, comment.created_at + window)
    if comments_open and form is None:
        initial = dict(reader.saved_details)
        initial["save_details"] = bool(initial)
        if reply_to is not None:
            initial["replyto"] = reply_to.pk
        form = CommentForm(article=article, initial=initial)
    context = {
        "article": article,
        "messages": get_messages(request),
        "editor_links": _editor_links(request, article),
        "own_pending": pending,
        "own_editable": editable,
        "own_comment_ids": reader.own_comment_ids,
        "editable_since": since,
        "comments_open": comments_open,
        "form": form,
        "reply_to": reply_to,
    }
    if reply_to is not None:
        context.update(
            reply_quote=quote_of(reply_to.body_html),
            cancel_url=f"{article.get_absolute_url()}"
            f"{f'?cpage={page}' if page != '1' else ''}#respond",
        )
    return render_to_string(TEMPLATE, context, request=None)
