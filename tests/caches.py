"""Caches that do not answer, as the tests of failing open need them."""

import runpy
import socket
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def closed_port():
    """A loopback port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_cache(monkeypatch, location):
    """The default cache as cms/settings.py makes it in production (with REDIS_URL)."""
    monkeypatch.setenv("REDIS_URL", location)
    production = runpy.run_path(str(ROOT / "cms" / "settings.py"))
    default = production["CACHES"]["default"]
    assert default["BACKEND"] == "django_redis.cache.RedisCache"
    assert default["OPTIONS"]["IGNORE_EXCEPTIONS"] is True
    return default


def plain_redis_cache(monkeypatch, location):
    """Django's own Redis backend: it raises when Redis does not answer."""
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": location,
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
