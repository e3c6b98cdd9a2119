"""Django's own Redis cache backend, keeping its redis-py client instead of making one per call.

Django's RedisCacheClient builds a new redis.Redis object around the same
connection pool for every cache operation; building one costs about as much
as the whole cached article page (its table of response callbacks). The
client is safe to share, so each connection pool keeps one.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(
                connection_pool=self._get_connection_pool(write)
            )
        return client


class ReusingRedisCache(RedisCache):
    """The CACHES backend for REDIS_URL: Django's RedisCache with ReusingRedisCacheClient."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
