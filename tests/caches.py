"""Caches for the tests: ones that do not answer, as the tests of failing open need them,
and the real shared cache (Varnish) in front of the app servers."""

import os
import runpy
import socket
import time
import urllib.parse
from pathlib import Path

import pytest
from django.db import connection

from cms.caching import EVERY_PAGE, purge
from deploy.stack import Stack, find_varnishd, get

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


# The real shared cache: Varnish in front of gunicorn (deploy/stack.py), for the tests that
# read pages as readers do (tests/test_varnish.py, tests/test_varnish_readers.py).


def cache_required():
    return os.environ.get("REQUIRE_CACHE", "").strip().lower() in {"1", "true", "yes", "on"}


def database_url_of_this_session():
    """The address of the database this test session runs on, for the app servers."""
    database = connection.settings_dict
    if database["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{database['NAME']}"
    url = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    return url._replace(path=f"/{database['NAME']}").geturl()


def varnish_or_skip():
    """Skip the test without Varnish, or fail it with REQUIRE_CACHE=1 (as .ci/run sets it)."""
    if find_varnishd() is None:
        reason = "Varnish is not installed: apt-get install varnish varnish-modules"
        if cache_required():
            pytest.fail(f"REQUIRE_CACHE=1: {reason}", pytrace=False)
        pytest.skip(reason)


def app_server_environment(workdir, **settings):
    """The environment of an app server a test starts: the production settings on this
    session's database (no kept connections: the test database is flushed between tests),
    static files collected into ``workdir``. ``settings`` add or override; None removes."""
    environment = {
        **{key: value for key, value in os.environ.items() if not key.startswith("PYTEST")},
        "DEBUG": "0",
        "HTTPS": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url_of_this_session(),
        "DB_CONN_MAX_AGE": "0",
        "STATIC_ROOT": str(workdir / "static"),
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "cms.settings",
        **settings,
    }
    return {key: value for key, value in environment.items() if value is not None}


def varnish_stack(django_db_blocker, tmp_path_factory):
    """Yield a Stack: Varnish in front of one gunicorn (two workers) on the test database,
    with the production settings. Skips without Varnish, or fails with REQUIRE_CACHE=1."""
    varnish_or_skip()
    workdir = tmp_path_factory.mktemp("stack")
    environment = app_server_environment(
        workdir,
        WEB_CONCURRENCY="2",
        COMMENTS_MIN_SECONDS="0",
        REDIS_URL=None,  # each server's own memory: threads are named by stamp
    )
    with django_db_blocker.unblock(), Stack(environment, workdir) as stack:
        stack.manage("collectstatic", "--no-input", "--verbosity", "0")
        stack.start_app_server()
        stack.start_cache()
        yield stack


def purges_reach(settings, stack):
    """This process changes the data: its purges go to the stack's Varnish. Each test starts
    with an empty database (flushed, not deleted through the models, which would purge): so
    it starts with an empty cache too."""
    settings.HTTP_CACHE_NODES = [f"http://127.0.0.1:{stack.cache_port}"]
    settings.HTTP_CACHE_PURGE_TIMEOUT = 20  # a loaded test machine is slow, not down
    assert purge(EVERY_PAGE, soft=False) == 1


def read(stack, path, cookie=None):
    """GET ``path`` through the cache: (status, headers, page)."""
    return get(stack.cache_port, path, headers={"Cookie": cookie} if cookie else {})


def read_after_change(stack, path, cookie=None, within=1.0):
    """GET ``path`` after a change purged it. Purges are soft: a reader who comes while the
    new copy renders gets the old one (X-Cache: grace) instead of waiting; the new copy
    must be there within ``within`` seconds."""
    deadline = time.monotonic() + within
    while True:
        status, headers, page = read(stack, path, cookie)
        if headers.get("X-Cache") != "grace" or time.monotonic() > deadline:
            return status, headers, page
        time.sleep(0.01)


def cached_page(stack, path, cookie=None):
    """The page at ``path``, read twice: the second time it must come from the cache."""
    status, _, first = read_after_change(stack, path, cookie)
    assert status == 200, path
    status, headers, second = read(stack, path, cookie)
    assert headers["X-Cache"] == "hit", path
    assert second == first
    return second
