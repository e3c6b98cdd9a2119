"""The rendered comment thread of a page, kept in the shared cache.

Rendering a few hundred comments costs far more than one cache lookup, and
every reader sees the same thread, except readers who have posted comments
(their pending ones and their Edit links are theirs alone): they get their
own. The key names everything the thread shows: the article, its published
version ("written about an earlier version"), its comments stamp (bumped by
every save or delete of a comment, see Comment.save), whether comments are
open (the Reply links) and the page. Any change makes a new key, so every app
server sharing the cache shows it at once and the old entry simply expires.
"""

import re

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string

from .editing import editable_since
from .readers import own_comment_ids
from .threads import comment_thread

THREAD_TEMPLATE = "comments/_thread.html"
# Indentation from the templates, repeated for every comment, is a fifth of the thread's bytes.
INDENTATION = re.compile(r"\n\s+")


def thread_cache_key(article, page_number, comments_open):
    return (
        f"comments:thread:{article.pk}:{article.published_version_id}:"
        f"{article.comments_stamp}:{int(comments_open)}:{page_number}"
    )


def requested_page(page_parameter):
    """The page number asked for, when it is a plain page number worth a cache entry."""
    if page_parameter in (None, ""):
        return 1
    if re.fullmatch(r"[1-9]\d{0,4}", page_parameter):
        return int(page_parameter)
    return None


def render_thread(request, article, page_parameter, comments_open):
    """The thread's HTML and the page of top-level comments it shows (one query)."""
    page, approved_count = comment_thread(request, article, page_parameter)
    html = render_to_string(
        THREAD_TEMPLATE,
        {
            "article": article,
            "page_obj": page,
            "comments": page.object_list,
            "approved_count": approved_count,
            "comments_open": comments_open,
            # The author may edit or delete their own comment for a while (comments/editing.py).
            "own_comment_ids": own_comment_ids(request),
            "editable_since": editable_since(),
        },
    )
    return INDENTATION.sub("\n", html), page


def thread_html(request, article, page_parameter, comments_open):
    """The thread as this reader sees it: from the cache unless it is theirs alone.

    Returns (html, page): ``page`` is None when the HTML came from the cache.
    """
    wanted = requested_page(page_parameter)
    if wanted is None or own_comment_ids(request):
        # A reader who has posted sees their pending comments and Edit links: render
        # theirs, in the same one query (no extra query to ask which of theirs are here).
        return render_thread(request, article, page_parameter, comments_open)
    key = thread_cache_key(article, wanted, comments_open)
    html = cache.get(key)
    if html is not None:
        return html, None
    html, page = render_thread(request, article, page_parameter, comments_open)
    if page.number == wanted:
        # A page past the end shows the last one: not worth an entry of its own.
        cache.set(key, html, settings.PAGE_CACHE_SECONDS)
    return html, page
