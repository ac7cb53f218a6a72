"""The test run's settings: the project's, with the development defaults (DEBUG on) unless the environment
sets DEBUG. pyproject.toml points pytest-django here, so this runs before the settings load."""

import os

os.environ.setdefault("DEBUG", "1")
# The SQLite pass runs on a cache in memory, the PostgreSQL pass on Redis (.ci/run sets REDIS_URL).
_sqlite = os.environ.get("DATABASE_URL", "sqlite").startswith("sqlite")
if _sqlite:
    os.environ.pop("REDIS_URL", None)

from usmleprep.settings import *  # noqa: E402, F403

if _sqlite:
    # The tests run in one process, so the memory cache may hold the sessions too: both passes then read
    # sessions the same way, and a page's query count is the same in both.
    SESSION_CACHE_ALIAS = "default"
