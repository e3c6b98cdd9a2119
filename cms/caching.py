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
- Inside Django, pieces every reader shares (the article, the comment thread)
  come from each process's fragment cache (``cached_fragment`` and the
  templates' ``{% cache %}`` blocks), keyed by the version and page stamp
  that every request reads from the database.
"""

import functools
import http.client
import logging
import math
import urllib.parse

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.utils import timezone
from django.utils.cache import patch_cache_control

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
    if is_personal(request) or response.status_code != 200 or response.cookies:
        keep_private(response)
        return
    seconds = settings.PAGE_CACHE_SECONDS
    until = getattr(request, "_shared_cache_until", None)
    if until is not None:
        # Rounded up: the page expires at most a second after the moment, never before.
        seconds = max(0, min(seconds, math.ceil((until - timezone.now()).total_seconds())))
    patch_cache_control(response, public=True, max_age=0, s_maxage=seconds)
    response["Surrogate-Key"] = " ".join([*keys, EVERY_PAGE])


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
    transaction commits (so the next reader's page is rendered from committed rows)."""
    if settings.HTTP_CACHE_NODES:
        transaction.on_commit(lambda: purge(*keys))


def purge_keys_after_commit(find_keys):
    """Purge the pages named by the keys ``find_keys()`` returns, once the current
    transaction commits: the keys are found from the committed rows (an article's topics
    after a change), and not looked for at all when there is no shared cache."""
    if settings.HTTP_CACHE_NODES:
        transaction.on_commit(lambda: purge(*find_keys()))


def purge(*keys):
    """Ask each node in HTTP_CACHE_NODES to drop the objects under ``keys`` right now.

    Returns the number of nodes that confirmed. A node that is down or refuses is
    logged, never raised: the change that asked for the purge has happened.
    """
    confirmed = 0
    for node in settings.HTTP_CACHE_NODES:
        address = urllib.parse.urlsplit(node)
        connection = http.client.HTTPConnection(
            address.hostname, address.port or 80, timeout=settings.HTTP_CACHE_PURGE_TIMEOUT
        )
        try:
            connection.request("PURGE", "/", headers={"xkey-purge": " ".join(keys)})
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
