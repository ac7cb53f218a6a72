import os

import pytest
import redis

from conftest import require


@pytest.fixture
def redis_url():
    """The Redis of the PostgreSQL pass (.ci/run sets REDIS_URL). Without one these tests fail, as a
    missing browser does (conftest.require), so a green run means they ran."""
    url = os.environ.get("REDIS_URL", "")
    problem = "" if url else "REDIS_URL is not set"
    if url:
        try:
            redis.Redis.from_url(url, socket_connect_timeout=2).ping()
        except redis.RedisError as error:
            problem = f"Redis at {url} does not answer ({error})"
    if problem:
        message = f"{problem}: start redis-server and set REDIS_URL=redis://127.0.0.1:6379/1, as .ci/run does."
        require(message)
    return url
