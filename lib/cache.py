"""The shared Redis cache, made to forgive Redis being down.

Everything the app keeps in the cache can be worked out again (a report's body HTML) or
is a courtesy limit (password reset emails), so when Redis cannot be reached a page is
served without it rather than failing: a read is a miss, a write is dropped, and each
is logged. Django's own RedisCache raises instead.
"""

import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

_DOWN = (RedisConnectionError, RedisTimeoutError)


class ForgivingRedisCache(RedisCache):
    def _down(self, operation: str, key, error: Exception) -> None:
        logger.warning("Cache unavailable (%s %s): %s", operation, key, error)

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except _DOWN as error:
            self._down("get", key, error)
            return default

    def set(self, key, value, timeout=None, version=None):  # noqa: A003
        try:
            super().set(key, value, timeout, version)
        except _DOWN as error:
            self._down("set", key, error)

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except _DOWN as error:
            self._down("get_many", list(keys)[:3], error)
            return {}

    def set_many(self, data, timeout=None, version=None):
        try:
            return super().set_many(data, timeout, version)
        except _DOWN as error:
            self._down("set_many", list(data)[:3], error)
            return list(data)

    def delete_many(self, keys, version=None):
        try:
            return super().delete_many(keys, version)
        except _DOWN as error:
            self._down("delete_many", list(keys)[:3], error)
            return None

    def add(self, key, value, timeout=None, version=None):
        """True, as if the key were new: a limit counted in the cache lapses while it
        is down rather than refusing everyone."""
        try:
            return super().add(key, value, timeout, version)
        except _DOWN as error:
            self._down("add", key, error)
            return True

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except _DOWN as error:
            self._down("delete", key, error)
            return False
