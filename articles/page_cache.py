"""The whole article page, from the shared cache, for readers who bring nothing of their own.

Most readers of a widely shared article arrive with no cookie but the CSRF
one, and for all of them the page is the same but for two values in the
comment form: the CSRF token and the signed form token (when the form was
shown). So the page is rendered once with placeholders for those two, kept
in the cache (Redis, shared by every app server, and a copy in each process's
memory), and each reader gets a copy with fresh tokens put in: one query, one
cache read, two replacements.

The key names everything the page shows: the article, its slug, its published
version, its comments stamp (bumped by every change to a comment), whether
comments are open, the comment page and the static files' manifest. A change
to any of them makes a new key, so no app server ever serves a stale page;
old entries just expire. The one query (the article and its published
version, as the view always reads it) checks on every request that the
article is still published and reads the version and the stamp.

Readers with any other cookie (a session, a message, their own comments,
saved details) and replies (?replyto=) get a page rendered for them, in which
the comment thread still comes from the cache (comments/thread_cache.py).
"""

import re
import secrets
import time
from datetime import timedelta

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache, caches
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.crypto import salted_hmac


def placeholder(name):
    """A stand-in for a per-reader value in a cached page. Derived from SECRET_KEY, so no
    reader can type one into a comment to have it replaced."""
    return "page-cache-" + salted_hmac("articles.page_cache", name).hexdigest()[:24]


FORM_TOKEN_TEMPLATE = "comments/_form_token.txt"
PAGE_NUMBER = re.compile(r"[1-9]\d{0,4}")


def is_shared_request(request):
    """True when the request shows the page every reader sees: a GET with at most a CSRF
    cookie, and no reply form. Other query parameters (campaign tags) change nothing."""
    return (
        request.method in ("GET", "HEAD")
        and set(request.COOKIES) <= {settings.CSRF_COOKIE_NAME}
        and "replyto" not in request.GET
        and (request.GET.get("cpage") in (None, "") or PAGE_NUMBER.fullmatch(request.GET["cpage"]))
    )


def page_key(article, comment_page):
    manifest = getattr(staticfiles_storage, "manifest_hash", "")
    return (
        f"articles:page-pieces:{article.pk}:{article.slug}:{article.published_version_id}:"
        f"{article.comments_stamp}:{int(article.comments_open)}:{comment_page}:{manifest}"
    )


def generations_in_use():
    """True when the page's freshness is checked in the shared cache instead of the database.

    Only a cache that every app server shares (Redis) can carry the news of a change to
    all of them; with per-process memory each request asks the database instead.
    """
    return settings.PAGE_CACHE_GENERATIONS


def _generation_key(slug):
    return f"articles:page-generation:{slug}"


def current_generation(slug):
    """The token naming the current state of the article at ``slug``, made when missing."""
    key = _generation_key(slug)
    generation = cache.get(key)
    if generation is None:
        cache.add(key, secrets.token_hex(8), timeout=None)
        generation = cache.get(key)
    return generation


def expire_pages(*slugs):
    """Give these articles a new generation once the current transaction commits.

    After the commit, so a reader who renders the page under the new generation
    reads the committed rows; a reader who rendered it before stored it under
    the old generation, which nobody asks for any more.
    """
    if not generations_in_use():
        return

    def renew():
        cache.set_many({_generation_key(slug): secrets.token_hex(8) for slug in slugs}, None)

    transaction.on_commit(renew)


def page_timeout(article, now=None):
    """Seconds to keep the page: PAGE_CACHE_SECONDS, but never past a scheduled update's
    time, nor the moment comments close by age (COMMENTS_CLOSE_AFTER_DAYS)."""
    timeout = settings.PAGE_CACHE_SECONDS
    now = now or timezone.now()
    if article.scheduled_at:
        # The page must be rendered again when a scheduled update goes live.
        timeout = min(timeout, max(1, int((article.scheduled_at - now).total_seconds()) + 1))
    days = settings.COMMENTS_CLOSE_AFTER_DAYS
    if days and article.comments_open and article.first_published_at:
        left = article.first_published_at + timedelta(days=days) - now
        if left.total_seconds() > 0:
            timeout = min(timeout, int(left.total_seconds()) + 1)
    return timeout


# Text where whitespace is content; everywhere else, indentation from the templates is not.
WHITESPACE_KEPT = re.compile(rb"(<pre\b.*?</pre>|<textarea\b.*?</textarea>)", re.S | re.I)
INDENTATION = re.compile(rb"\n\s+")


def without_indentation(content):
    """The page without the templates' indentation: the same page to a browser, 5% lighter."""
    parts = WHITESPACE_KEPT.split(content)
    return b"".join(
        part if number % 2 else INDENTATION.sub(b"\n", part) for number, part in enumerate(parts)
    )


def split_at_placeholders(content):
    """The rendered page as a list of byte strings: text, placeholder, text, placeholder, ...

    Kept in this form, a reader's copy is one join, not a search through the page.
    """
    names = "|".join(re.escape(placeholder(name)) for name in ("csrf-token", "form-token"))
    return re.split(f"({names})".encode(), content)


def form_token(article_id):
    """The signed "form shown at" token, made once a second per process: it names only the
    article and the second, so every reader in that second may share it."""
    second = int(time.time())
    key = f"articles:form-token:{article_id}:{second}"
    token = caches["local"].get(key)
    if token is None:
        rendered = render_to_string(FORM_TOKEN_TEMPLATE, {"article_id": article_id})
        token = rendered.strip().encode()
        caches["local"].set(key, token, 2)
    return token


def personalise(request, pieces, article_id):
    """A copy of the cached page with this reader's CSRF token and a fresh form token."""
    values = {placeholder("csrf-token").encode(): get_token(request).encode()}
    if len(pieces) > 3:
        values[placeholder("form-token").encode()] = form_token(article_id)
    return b"".join(values[piece] if number % 2 else piece for number, piece in enumerate(pieces))


class SharedPageCacheMixin:
    """For a DetailView of articles: serve readers without cookies from the page cache.

    The view's own rendering is used to fill the cache, with the placeholders in
    its context, so a cached page is exactly the page the view would render.
    """

    def get(self, request, *args, **kwargs):
        if not is_shared_request(request):
            return super().get(request, *args, **kwargs)
        if generations_in_use():
            return self.get_by_generation(request)
        # The one query of a cached page: is the article still published, as which version,
        # with which comments? Only those columns; the version's text is in the cached page.
        article = get_object_or_404(self.get_queryset().page_state(), slug=self.kwargs["slug"])
        article.promote_if_due()  # a scheduled update's time has come: a new version, a new key
        comment_page = int(request.GET.get("cpage") or 1)
        key = page_key(article, comment_page)
        pieces = caches["local"].get(key)
        if pieces is None:
            pieces = cache.get(key)
            if pieces is None:
                self.object = self.get_object()  # a miss renders from the whole article
                pieces, shown_page = self.render_for_cache()
                if shown_page != comment_page:
                    # A page past the end shows the last page: not worth an entry of its own.
                    return self.personalised_response(request, pieces, article)
                cache.set(key, pieces, page_timeout(article))
            caches["local"].set(key, pieces, page_timeout(article))
        return self.personalised_response(request, pieces, article)

    def get_by_generation(self, request):
        """The page named by the article's generation in the shared cache: no query at all
        while nothing changes. Every change renews the generation (expire_pages)."""
        slug = self.kwargs["slug"]
        comment_page = int(request.GET.get("cpage") or 1)
        manifest = getattr(staticfiles_storage, "manifest_hash", "")
        key = f"articles:page:{slug}:{current_generation(slug)}:{comment_page}:{manifest}"
        entry = caches["local"].get(key)
        if entry is not None:
            article_id, _expires_at, pieces = entry
            return self.personalised_response(request, pieces, article_id)
        entry = cache.get(key)
        if entry is None:
            self.object = article = self.get_object()
            pieces, shown_page = self.render_for_cache()
            entry = (article.pk, time.time() + page_timeout(article), pieces)
            if shown_page != comment_page:
                return self.personalised_response(request, pieces, article)
            cache.set(key, entry, page_timeout(article))
        article_id, expires_at, pieces = entry
        caches["local"].set(key, entry, max(1, int(expires_at - time.time())))
        return self.personalised_response(request, pieces, article_id)

    def personalised_response(self, request, pieces, article):
        article_id = article if isinstance(article, int) else article.pk
        response = HttpResponse(personalise(request, pieces, article_id))
        # The page holds this reader's CSRF token: no shared cache may keep it.
        patch_cache_control(response, private=True)
        patch_vary_headers(response, ["Cookie"])
        return response

    def render_for_cache(self):
        """The page split at the placeholders for the tokens, and the comment page it shows."""
        page_cache_info = {}
        context = self.get_context_data(object=self.object)
        context.update(
            csrf_token=placeholder("csrf-token"),
            page_cache_form_token=placeholder("form-token"),
            page_cache_info=page_cache_info,
        )
        response = self.render_to_response(context)
        pieces = split_at_placeholders(without_indentation(response.render().content))
        return pieces, page_cache_info.get("comment_page", 1)
