"""Health for load balancers, uptime monitors and operators.

``/healthz`` (liveness, what a load balancer probes): 200 while this app server can
serve pages, which means its database answers; 503 when it does not. It reads one row
and writes nothing, so probes may overlap as much as they like, and it does not ask the
cache: with Redis down, pages and comments still work (the cache fails open), so an app
server must not be taken out of the pool for it.

``/healthz/status`` (readiness and status, for operators and monitors): every part the
site leans on, each "ok", "degraded" (named, with what it means) or "unavailable":
the database, the cache (Redis), the HTTP cache nodes, and what the apps register with
``dependency`` (comments/mail.py: when the mail worker was last seen). It answers 200
while pages can be served, whatever is degraded, and 503 only when the database does
not answer.

Bodies name parts, never a host, a port or a password (the log has those).
"""

import logging
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)

# Each check must answer quickly even when its part hangs: a monitor gives up after seconds.
NODE_TIMEOUT_SECONDS = 0.5


@dataclass(frozen=True)
class Ok:
    """A part that works."""

    detail: str = ""
    state = "ok"


@dataclass(frozen=True)
class Degraded:
    """A part that is down or late, while pages can still be served: named, not failed."""

    detail: str = ""
    state = "degraded"


@dataclass(frozen=True)
class Unavailable:
    """A part without which no page can be served."""

    detail: str = ""
    state = "unavailable"


# The apps' own parts, in the order they registered: name -> function returning Ok/Degraded.
_dependencies = {}


def dependency(name):
    """Register ``function`` (no arguments, returns Ok or Degraded) as the status report's
    line ``name``. An app registers its parts here (comments/mail.py, the mail worker),
    so this module never imports the apps."""

    def register(function):
        _dependencies[name] = function
        return function

    return register


def database_answers():
    """True when the default database runs a trivial query (a read: nothing is written)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("Health check: the database does not answer")
        return False
    return True


def cache_status():
    """The shared cache (Redis) answers a PING; local memory always does. Read-only."""
    client = getattr(cache, "client", None)  # django-redis
    try:
        if client is not None and hasattr(client, "get_client"):
            client.get_client(write=False).ping()
        elif hasattr(cache, "_cache") and hasattr(cache._cache, "get_client"):
            cache._cache.get_client().ping()  # Django's own Redis backend
        else:
            return Ok("local memory")
    except Exception:
        logger.warning("Health check: the cache does not answer", exc_info=True)
        return Degraded(
            "does not answer: pages are served without it, rate limits are not enforced"
        )
    return Ok()


def cache_node_status(url):
    """One HTTP cache node (HTTP_CACHE_NODES) accepts a connection within half a second."""
    parts = urlsplit(url)
    try:
        with socket.create_connection(
            (parts.hostname, parts.port or 80), timeout=NODE_TIMEOUT_SECONDS
        ):
            return Ok()
    except OSError:
        logger.warning("Health check: HTTP cache node %s does not answer", url)
        return Degraded("does not answer: purges to it are lost until it returns")


def _guarded(check):
    try:
        return check()
    except Exception:
        logger.exception("Health check %s failed", getattr(check, "__name__", check))
        return Degraded("could not be checked")


@never_cache
def healthz(request):
    """Liveness: 200 while the database answers, else 503. What load balancers probe."""
    if database_answers():
        return JsonResponse({"status": "ok", "database": "ok"})
    return JsonResponse({"status": "unavailable", "database": "unavailable"}, status=503)


@never_cache
def status(request):
    """Readiness and status: each part named with its state; 503 only without a database."""
    parts = {
        "database": Ok() if database_answers() else Unavailable("does not answer"),
        "cache": _guarded(cache_status),
    }
    for number, url in enumerate(settings.HTTP_CACHE_NODES, start=1):
        parts[f"HTTP cache node {number}"] = _guarded(lambda url=url: cache_node_status(url))
    if parts["database"].state == "ok":
        for name, check in _dependencies.items():
            parts[name] = _guarded(check)
    states = {part.state for part in parts.values()}
    overall = next((s for s in ("unavailable", "degraded") if s in states), "ok")
    body = {
        "status": overall,
        "parts": {
            name: {"state": part.state, **({"detail": part.detail} if part.detail else {})}
            for name, part in parts.items()
        },
        "degraded": sorted(name for name, part in parts.items() if part.state != "ok"),
    }
    return JsonResponse(body, status=503 if overall == "unavailable" else 200)
