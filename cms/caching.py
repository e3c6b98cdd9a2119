"""What readers' pages may be kept where, and telling the shared HTTP cache when they change.

The one read path (docs/http-cache.md):

    reader -> Varnish (deploy/varnish) -> gunicorn -> Django view -> template -> database
                 ^                                        |
                 +------ PURGE by surrogate key, after the commit (purge_after_commit)

- A page that is the same for every reader says so: ``Cache-Control: public,
  max-age=0, s-maxage=N`` and a ``Surrogate-Key`` header naming what it shows
  (``share``). Browsers revalidate it every time (its ETag makes that a 304);
  the shared cache keeps it until it expires or is purged.
- A reader who carries one of this site's own cookies (PERSONAL_COOKIES: a
  signed-in editor, a commenter's own pending comments or saved details, a
  message after posting) gets a page rendered for them alone:
  ``Cache-Control: private, no-store``. The cache passes those requests to
  Django without looking.
- The models call ``purge_after_commit`` from the methods that change what
  readers see (publishing, approving a comment, ...). A purge that fails is
  logged and never fails the change: the page then expires after
  PAGE_CACHE_SECONDS at the latest.
- A page with a part of its own for each reader (the article page: their
  pending comments, saved details, messages, an editor's links) says so with
  ``personal_part``. Behind Varnish, which says it assembles pages
  (``Surrogate-Capability: varnish="ESI/1.0"``, set only by the VCL), the page
  holds an ``<esi:include>`` instead of that part and is shared with every
  reader, cookies or not; the part comes from its own address, kept per reader
  (``keep_for_this_reader``). Without Varnish (runserver, the test client) the
  part is rendered in the page, which is then private as before.
- Inside Django, pieces every reader shares (the article, the comment thread)
  come from each process's fragment cache (``cached_fragment`` and the
  templates' ``{% cache %}`` blocks), keyed by the version and page stamp
  that every request reads from the database.
"""

import functools
import http.client
import logging
import math
import threading
import urllib.parse

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers

logger = logging.getLogger(__name__)

# Every page the shared cache keeps carries this key: purging it empties the cache
# (a deployment with new static files: `manage.py purge_http_cache`).
EVERY_PAGE = "site"
# Pages that list articles: the front page, the feeds, the sitemap.
ARTICLE_LISTS = "articles"


def article_key(article_id):
    """The surrogate key of every page that shows this article or its comments."""
    return f"article-{article_id}"


def is_personal(request):
    """True when the request carries one of this site's own cookies (PERSONAL_COOKIES):
    its page may hold something of this reader's and is rendered for them alone."""
    return not settings.PERSONAL_COOKIES.isdisjoint(request.COOKIES)


def assembles_pages(request):
    """True when the request came through the shared cache, which puts each reader's part
    into the shared page itself (ESI). Varnish sets the header for readers with one of
    PERSONAL_COOKIES, and drops any that a client sends (deploy/varnish/default.vcl)."""
    return "ESI/1.0" in request.headers.get("Surrogate-Capability", "")


def personal_part(request):
    """Record that the page being rendered has a part of its own for each reader, and say
    whether that part must be left to the shared cache (True: render an ``<esi:include>``
    of it and nothing of this reader's) or rendered in the page (False)."""
    request._has_personal_part = True
    return assembles_pages(request)


def valid_until(request, moment):
    """Record that what this response shows changes by itself at ``moment`` (a scheduled
    update going live, comments closing): the shared cache must not keep it longer."""
    if moment is None:
        return
    current = getattr(request, "_shared_cache_until", None)
    if current is None or moment < current:
        request._shared_cache_until = moment


def share(request, response, keys):
    """Mark ``response`` as the same for every reader, to be kept by the shared cache
    under ``keys`` (plus EVERY_PAGE); personal requests get ``keep_private`` instead.

    Only successful answers are shared: an error page or a redirect stays
    uncached, so that a missing article never takes a place in the cache. A
    template response is marked once rendered, when its template has said how
    long it stays true (``valid_until``).
    """
    if getattr(response, "is_rendered", True):
        _mark(request, response, keys)
    else:
        response.add_post_render_callback(lambda rendered: _mark(request, rendered, keys))
    return response


def _mark(request, response, keys):
    has_part = getattr(request, "_has_personal_part", False)
    if has_part:
        # One copy for readers without the site's cookies, one with the include for those
        # with them: the cache keeps both under the same address.
        patch_vary_headers(response, ["Surrogate-Capability"])
    # With the reader's part left to an include, the page holds nothing of theirs.
    leaves_part_apart = has_part and assembles_pages(request)
    personal = is_personal(request) and not leaves_part_apart
    if personal or response.status_code != 200 or response.cookies:
        keep_private(response)
        return
    if leaves_part_apart:
        response["Surrogate-Control"] = 'content="ESI/1.0"'
    seconds = settings.PAGE_CACHE_SECONDS
    until = getattr(request, "_shared_cache_until", None)
    if until is not None:
        # Rounded up: the page expires at most a second after the moment, never before.
        seconds = max(0, min(seconds, math.ceil((until - timezone.now()).total_seconds())))
    patch_cache_control(response, public=True, max_age=0, s_maxage=seconds)
    response["Surrogate-Key"] = " ".join([*keys, EVERY_PAGE])


def keep_for_this_reader(request, response, keys):
    """Mark ``response``, one reader's part of a page, to be kept by Varnish for this reader
    alone: the VCL keys it by the values of their PERSONAL_COOKIES. ``Surrogate-Control``
    gives Varnish the seconds (PERSONAL_PART_SECONDS, or less: ``valid_until``), and
    ``keys`` let a purge drop it with the page; ``Cache-Control`` keeps every other cache,
    and the browser, from storing it."""
    keep_private(response)
    if response.status_code != 200:
        return response
    seconds = settings.PERSONAL_PART_SECONDS
    until = getattr(request, "_shared_cache_until", None)
    if until is not None:
        seconds = max(0, min(seconds, math.ceil((until - timezone.now()).total_seconds())))
    response["Surrogate-Control"] = f"max-age={seconds}"
    response["Surrogate-Key"] = " ".join([*keys, EVERY_PAGE])
    return response


def keep_private(response):
    """Mark ``response`` as this reader's alone: no cache, shared or not, may store it."""
    patch_cache_control(response, private=True, no_store=True)
    return response


def shared(keys):
    """A view decorator: the view's answers are shared under ``keys`` (see ``share``)."""

    def decorate(view):
        @functools.wraps(view)
        def view_with_cache_headers(request, *args, **kwargs):
            return share(request, view(request, *args, **kwargs), keys)

        return view_with_cache_headers

    return decorate


def purge_after_commit(*keys):
    """Purge the pages named by ``keys`` from every shared cache node, once the current
    transaction commits (so the next reader's page is rendered from committed rows), and
    once more a moment later (``repeat_later``)."""
    if settings.HTTP_CACHE_NODES:
        transaction.on_commit(lambda: _purge_now_and_later(keys))


def purge_keys_after_commit(find_keys):
    """Purge the pages named by the keys ``find_keys()`` returns, once the current
    transaction commits: the keys are found from the committed rows (an article's topics
    after a change), and not looked for at all when there is no shared cache."""
    if settings.HTTP_CACHE_NODES:
        transaction.on_commit(lambda: _purge_now_and_later(find_keys()))


def _purge_now_and_later(keys):
    purge(*keys)
    repeat_later(keys)


class RepeatedPurges:
    """Keys to purge once more, HTTP_CACHE_REPURGE_SECONDS after their purge.

    A page that Varnish was rendering when the purge came (from rows read before the
    change committed) is stored after the purge, untouched by it, and would show the old
    rows until its s-maxage. A second purge, later than any render, drops it. Keys asked
    for while one is waiting go with it: one repeat per interval, however many changes
    (a moderator approving five comments a second costs one).
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._keys = set()
        self._timer = None

    def add(self, keys, seconds):
        with self._lock:
            self._keys.update(keys)
            if self._timer is None:
                self._timer = threading.Timer(seconds, self._send)
                self._timer.daemon = True  # a process that stops loses it: s-maxage bounds that
                self._timer.start()

    def _send(self):
        with self._lock:
            keys, self._keys, self._timer = self._keys, set(), None
        if keys:
            purge(*sorted(keys))


# One per process: the waiting keys of its changes (a queue, not a cache of anything).
_repeated_purges = RepeatedPurges()


def repeat_later(keys):
    """Purge ``keys`` once more after HTTP_CACHE_REPURGE_SECONDS (none when 0)."""
    seconds = settings.HTTP_CACHE_REPURGE_SECONDS
    if seconds > 0 and keys:
        _repeated_purges.add(keys, seconds)


def purge(*keys, soft=True):
    """Ask each node in HTTP_CACHE_NODES to drop the objects under ``keys`` right now.

    A soft purge (the default) marks them stale: the next reader still gets the old copy,
    at once, while the new one renders, so that nobody queues behind that render; a
    second later a stale copy is never served (the VCL's grace). ``soft=False`` drops
    them outright (after a deployment, whose old pages may name static files gone).

    Returns the number of nodes that confirmed. A node that is down or refuses is
    logged, never raised: the change that asked for the purge has happened.
    """
    header = "xkey-softpurge" if soft else "xkey-purge"
    confirmed = 0
    for node in settings.HTTP_CACHE_NODES:
        address = urllib.parse.urlsplit(node)
        connection = http.client.HTTPConnection(
            address.hostname, address.port or 80, timeout=settings.HTTP_CACHE_PURGE_TIMEOUT
        )
        try:
            connection.request("PURGE", "/", headers={header: " ".join(keys)})
            response = connection.getresponse()
            response.read()
        except OSError as error:
            logger.warning("Could not purge %s from the cache at %s: %s", keys, node, error)
            continue
        finally:
            connection.close()
        if response.status == 200:
            confirmed += 1
        else:
            logger.warning(
                "The cache at %s refused to purge %s: %s %s",
                node,
                keys,
                response.status,
                response.reason,
            )
    return confirmed


def cached_fragment(key, render, timeout=None):
    """The HTML fragment cached under ``key``, rendered with ``render()`` when missing.

    The key must name everything the fragment shows (e.g. an article's comments
    stamp): a change makes a new key and the old entry simply expires. Fragments
    live in each process's memory (CACHES["fragments"]), as the templates' own
    ``{% cache ... using="fragments" %}`` blocks do: no round trip to Redis, and
    nothing lost when Redis is down.
    """
    fragments = caches["fragments"]
    html = fragments.get(key)
    if html is None:
        html = render()
        fragments.set(key, html, settings.PAGE_CACHE_SECONDS if timeout is None else timeout)
    return html


# The topics A–Z (/topics/): purged when a topic is added, renamed, moved or removed.
TOPIC_INDEX = "topics"


def topic_key(topic_id):
    """The surrogate key of a topic's pages (its list of articles, its feed)."""
    return f"topic-{topic_id}"


def tag_key(tag_id):
    """The surrogate key of a tag's pages."""
    return f"tag-{tag_id}"
