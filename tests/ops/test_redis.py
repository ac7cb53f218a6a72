"""The PostgreSQL pass runs with Redis (.ci/run): the app's cache must be Redis, and Redis must answer."""

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

pytestmark = pytest.mark.postgres


def test_redis_answers_and_holds_the_cache_and_the_sessions(redis_url):
    cache = caches["default"]
    assert isinstance(cache, RedisCache), f"REDIS_URL={redis_url} is set but the cache is {type(cache).__name__}"
    assert settings.SESSION_CACHE_ALIAS == "default"
    cache.set("ops:ping", "pong", 10)
    assert cache.get("ops:ping") == "pong"
