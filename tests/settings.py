"""The test run's settings: the project's, with the development defaults (DEBUG on) unless the environment
sets DEBUG. pyproject.toml points pytest-django here, so this runs before the settings load."""

import os
from urllib.parse import urlsplit, urlunsplit

os.environ.setdefault("DEBUG", "1")
# The SQLite pass runs on a cache in memory, the PostgreSQL pass on Redis (.ci/run sets REDIS_URL).
_sqlite = os.environ.get("DATABASE_URL", "sqlite").startswith("sqlite")
if _sqlite:
    os.environ.pop("REDIS_URL", None)
elif os.environ.get("REDIS_URL") and os.environ.get("PYTEST_XDIST_WORKER"):
    # Each test ends by emptying the cache (tests/conftest.py), which on Redis empties its whole database:
    # each parallel worker takes a database of its own (the next ones after REDIS_URL's), so one worker
    # never wipes the sessions of a test running in another. Servers the tests start inherit it.
    _url = urlsplit(os.environ["REDIS_URL"])
    _worker = int(os.environ["PYTEST_XDIST_WORKER"].removeprefix("gw"))
    _database = (int(_url.path.strip("/") or 0) + 1 + _worker) % 16
    os.environ["REDIS_URL"] = urlunsplit(_url._replace(path=f"/{_database}"))

from usmleprep.settings import *  # noqa: E402, F403

if _sqlite:
    # The tests run in one process, so the memory cache may hold the sessions too: both passes then read
    # sessions the same way, and a page's query count is the same in both.
    SESSION_CACHE_ALIAS = "default"
