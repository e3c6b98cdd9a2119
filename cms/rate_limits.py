"""Counters for the rate limits (comments per address, admin sign-in attempts), in Django's cache.

The cache is Redis in production, shared by every app server, so the counts are
too. Counting is atomic: ``cache.add`` starts a counter and ``cache.incr`` is one
Redis INCR, so parallel requests each get a count of their own and never more
than the limit get through.

A limit fails open: when the cache does not answer (Redis down, or hanging until
the socket timeout), the request goes on unlimited and a warning goes to the log.
Losing a reader's comment, or locking every editor out, would be worse than a
few minutes without a limit; /healthz says 503 meanwhile, so operators know.
"""

import logging

from django.core.cache import cache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# What a cache that does not answer raises: redis-py's errors, or the socket's own.
CACHE_UNAVAILABLE = (RedisError, OSError)


def count_hit(key, period, limit_name):
    """Add one to the counter ``key`` (kept ``period`` seconds from its first hit) and return
    the new count; None, with a warning naming ``limit_name``, when the cache does not answer."""
    try:
        if cache.add(key, 1, timeout=period):
            return 1
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=period)
            return 1
    except CACHE_UNAVAILABLE as error:
        count, reason = None, type(error).__name__
    else:
        # django-redis, set to ignore a Redis that does not answer, gives None instead.
        reason = "no answer"
    if count is None:
        logger.warning(
            "The cache does not answer (%s): the %s limit is not applied to this request",
            reason,
            limit_name,
        )
    return count


def forget_hit(key):
    """Take back one hit of ``key`` (a sign-in that succeeded). Best effort, never raises."""
    try:
        cache.decr(key)
    except ValueError:  # the counter has expired: nothing to take back
        pass
    except CACHE_UNAVAILABLE as error:
        logger.warning("The cache does not answer (%s): a hit is not taken back", error)
