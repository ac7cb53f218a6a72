"""The cache and the sessions: Redis when REDIS_URL is set, shared by every server; without it a cache in
each process, and sessions read from the database."""

import json
import pickle
import subprocess
import sys
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.sessions import cache_key, stored_key
from tests.factories import NOW
from tests.servers import ROOT

DASHBOARD = reverse("planner:dashboard")
LOCAL_SESSION_CACHE = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "sessions": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "sessions"},
}


def configured(**env):
    """The cache settings a fresh process makes of this environment."""
    script = (
        "import json; from django.conf import settings; "
        "print(json.dumps({'caches': settings.CACHES, 'sessions': settings.SESSION_CACHE_ALIAS}))"
    )
    base = {"PATH": "/usr/bin:/bin", "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "usmleprep.settings"}
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        cwd=ROOT,
        env=base | env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout)


def test_with_redis_url_the_cache_and_the_sessions_cache_are_redis():
    settings = configured(REDIS_URL="redis://cache.internal:6379/2")

    assert settings["caches"]["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert settings["caches"]["default"]["LOCATION"] == "redis://cache.internal:6379/2"
    assert settings["sessions"] == "default"


def test_without_redis_url_the_cache_is_local_and_sessions_are_read_from_the_database():
    settings = configured()

    assert settings["caches"]["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    # Per-process copies would outlive a sign-out in the other workers.
    assert settings["caches"][settings["sessions"]]["BACKEND"] == "django.core.cache.backends.dummy.DummyCache"


@pytest.fixture
def shared_session_cache(settings):
    """Redis in the PostgreSQL pass; elsewhere a local-memory stand-in for it."""
    if not isinstance(caches[settings.SESSION_CACHE_ALIAS], RedisCache):
        settings.CACHES = LOCAL_SESSION_CACHE
        settings.SESSION_CACHE_ALIAS = "sessions"
    return caches[settings.SESSION_CACHE_ALIAS]


def session_queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return [query["sql"] for query in queries if "django_session" in query["sql"]]


def test_a_signed_in_request_reads_its_session_from_the_cache(shared_session_cache, alice_client):
    assert session_queries(alice_client, DASHBOARD) == []


def test_the_cache_holds_no_working_cookie(shared_session_cache, alice_client):
    key = alice_client.cookies["sessionid"].value

    cached = shared_session_cache.get(cache_key(stored_key(key)))

    assert cached is not None
    assert shared_session_cache.get(cache_key(key)) is None
    assert key.encode() not in pickle.dumps(cached)


def test_signing_out_elsewhere_drops_the_cached_copy(shared_session_cache, alice):
    laptop, phone = Client(), Client()
    laptop.force_login(alice)
    phone.force_login(alice)
    assert phone.get(DASHBOARD).status_code == 200

    laptop.post(reverse("accounts:sign_out_other_sessions"))

    assert phone.get(DASHBOARD).status_code == 302
    assert shared_session_cache.get(cache_key(stored_key(phone.cookies["sessionid"].value))) is None


@pytest.mark.clock(NOW)
def test_a_cached_copy_goes_back_to_the_table_within_five_minutes(settings, alice_client, clock):
    settings.CACHES, settings.SESSION_CACHE_ALIAS = LOCAL_SESSION_CACHE, "sessions"
    assert alice_client.get(DASHBOARD).status_code == 200
    # What a sign-out elsewhere leaves when a request re-caches the session as its row is deleted.
    Session.objects.all().delete()
    assert alice_client.get(DASHBOARD).status_code == 200

    clock.shift(timedelta(minutes=5, seconds=1))

    assert alice_client.get(DASHBOARD).status_code == 302
