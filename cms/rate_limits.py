"""The rate limits (comments per address, reports, previews, admin sign-in attempts).

One limiter for them all: ``limit_exceeded(name, who, limit=, period=)`` counts a hit
for ``who`` (an address, a user name) under the limit ``name`` and says whether more
than ``limit`` hits came in the last ``period`` seconds.

How the window counts. Each period is cut into SLOTS slots (tenths); a hit adds one
to its slot's counter in Django's cache, and the count is the hits in the current
slot and the SLOTS slots before it. That window is never shorter than the period, so
no burst escapes by straddling a boundary: in any ``period`` seconds at most
``limit`` hits get through. It is at most one slot longer, so a hit stops counting
between ``period`` and ``period + period / SLOTS`` seconds after it came. A refused
hit is taken back: a client who keeps knocking is not kept out longer, and "try again
in N minutes" stays true.

The cache is Redis in production, shared by every app server, so the counts are
too. A slot's counter is one Redis INCR (``cache.incr``), so parallel requests in one
slot each get a count of their own and never more than the limit get through. The
earlier slots are read apart (one ``cache.get_many``), so a burst that lands on both
sides of a slot's start can let a hit or two more through; a limit against floods,
not an exact quota, and no lock on the hot path.

A limit fails open: when the cache does not answer (Redis down, or hanging until the
socket timeout), whether it raises (redis-py's errors, the socket's OSError) or
answers None (django-redis with IGNORE_EXCEPTIONS, as in production), the request
goes on unlimited and a warning naming the limit goes to the log. Losing a reader's
comment, or locking every editor out, would be worse than a few minutes without a
limit; /healthz says 503 meanwhile, so operators know.
"""

import hashlib
import logging
import math
import time

from django.core.cache import cache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# What a cache that does not answer raises: redis-py's errors, or the socket's own.
CACHE_UNAVAILABLE = (RedisError, OSError)

SLOTS = 10  # each period is counted in tenths


class _NoAnswer(Exception):
    """django-redis, set to ignore a Redis that does not answer, gave None instead."""


def limit_exceeded(name, who, *, limit, period, now=None):
    """Count one hit for ``who`` under the limit ``name``; True once more than ``limit``
    hits came in the last ``period`` seconds (that hit included; it is then taken back).

    ``limit`` 0 or None: no limit, nothing counted. ``now``: the time, for tests.
    False, with a warning naming the limit, when the cache does not answer.
    """
    if not limit:
        return False
    now = time.time() if now is None else now
    slot = _slot(now, period)
    keys = [_key(name, who, period, each) for each in range(slot - SLOTS, slot + 1)]
    try:
        count = _add_one(keys[-1], _timeout(period))
        earlier = cache.get_many(keys[:-1])  # {} from django-redis when Redis stops answering
        count += sum(int(value) for value in earlier.values())
    except (*CACHE_UNAVAILABLE, _NoAnswer) as error:
        _warn(error, f"the {name} limit is not applied to this request")
        return False
    if count <= limit:
        return False
    _take_back(keys[-1], name)  # refused: not counted
    return True


def take_back(name, who, *, period, now=None):
    """Take back a hit that ``limit_exceeded`` counted (a sign-in whose password was right).

    Give the same ``now`` as that call, if any. Best effort: never raises.
    """
    now = time.time() if now is None else now
    _take_back(_key(name, who, period, _slot(now, period)), name)


def _take_back(key, name):
    try:
        if cache.decr(key) is None:
            raise _NoAnswer
    except ValueError:  # the counter has expired: nothing to take back
        pass
    except (*CACHE_UNAVAILABLE, _NoAnswer) as error:
        _warn(error, f"a hit on the {name} limit is not taken back")


def _slot(now, period):
    return math.floor(now * SLOTS / period)


def _timeout(period):
    """How long a slot's counter is kept: until it leaves the window, a slot after its start."""
    return math.ceil(period + period / SLOTS) + 1


def _key(name, who, period, slot):
    # Hashed: any name and address make a valid key, and none is kept in the cache as such.
    limit = hashlib.sha256(f"{name}\0{who}\0{period}".encode()).hexdigest()[:32]
    return f"rate-limit:{limit}:{slot}"


def _add_one(key, timeout):
    """One atomic INCR of the counter ``key``, made with ``timeout`` when it is new."""
    try:
        count = cache.incr(key)
    except ValueError:  # a new slot
        added = cache.add(key, 1, timeout=timeout)
        if added is None:  # no answer: do not wait for a second timeout
            raise _NoAnswer from None
        # Another request made it first: add to its count.
        count = 1 if added else cache.incr(key)
    if count is None:
        raise _NoAnswer
    return count


def _warn(error, consequence):
    reason = "no answer" if isinstance(error, _NoAnswer) else type(error).__name__
    logger.warning("The cache does not answer (%s): %s", reason, consequence)
