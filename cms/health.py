"""/healthz: can this app server answer readers? For load balancers and uptime monitors.

200 when the database and the cache both answer, 503 when either does not. The
body names what failed and nothing else: never a host, a port or a password
(those go to the log, which only the operators read).
"""

import logging
import secrets

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)

CACHE_PROBE_KEY = "healthz:probe"


def database_answers():
    """True when the default database runs a trivial query."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("Health check: the database does not answer")
        return False
    return True


def cache_answers():
    """True when the cache stores a value and gives it back."""
    value = secrets.token_hex(8)
    try:
        cache.set(CACHE_PROBE_KEY, value, timeout=10)
        return cache.get(CACHE_PROBE_KEY) == value
    except Exception:
        logger.exception("Health check: the cache does not answer")
        return False


@never_cache
def healthz(request):
    checks = {"database": database_answers(), "cache": cache_answers()}
    healthy = all(checks.values())
    body = {name: "ok" if passed else "unavailable" for name, passed in checks.items()}
    body["status"] = "ok" if healthy else "unavailable"
    return JsonResponse(body, status=200 if healthy else 503)
