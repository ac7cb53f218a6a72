import os

import pytest
from hypothesis import HealthCheck, settings

# Property tests run a few examples locally and many in CI (.ci/run sets HYPOTHESIS_PROFILE=ci).
# They post through the Django test client inside one test's transaction, so there is no deadline
# and the function-scoped fixtures (the database, the client) are shared by the examples on purpose.
_SHARED = {"deadline": None, "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]}
settings.register_profile("default", max_examples=12, **_SHARED)
settings.register_profile("ci", max_examples=30, print_blob=True, **_SHARED)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(autouse=True)
def empty_cache():
    # Pages cache their figures by plan id and version (planner/figures.py); on SQLite a rolled-back
    # test's ids come round again, so a test must not meet the figures another test left.
    from django.core.cache import cache

    yield
    cache.clear()
