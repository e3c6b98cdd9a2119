"""The Redis cache backend (cms/cache.py): Django's own, with one redis-py client per pool."""

import os

import pytest

from cms.cache import ReusingRedisCache

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/13"


@pytest.fixture
def redis_cache():
    backend = ReusingRedisCache(REDIS_URL, {"KEY_PREFIX": "cache-backend-test"})
    try:
        backend.get("probe")
    except Exception as error:  # noqa: BLE001 - any connection failure means no Redis here
        pytest.skip(f"no Redis answers at {REDIS_URL}: {error}")
    yield backend
    backend.delete_many(["key", "counter", "added"])


def test_it_behaves_as_a_django_cache(redis_cache):
    redis_cache.set("key", {"page": b"bytes"}, 30)
    assert redis_cache.get("key") == {"page": b"bytes"}
    assert redis_cache.add("added", 1) is True
    assert redis_cache.add("added", 2) is False
    redis_cache.set("counter", 1)
    assert redis_cache.incr("counter") == 2
    redis_cache.delete("key")
    assert redis_cache.get("key") is None


def test_one_client_serves_every_call(redis_cache):
    client = redis_cache._cache.get_client()
    assert redis_cache._cache.get_client() is client
    assert redis_cache._cache.get_client(write=True) is redis_cache._cache.get_client(write=True)
