"""Sessions: stored under a hash of their key, listed per person, ended after 14 days idle or 30 days in all.

SESSION_ENGINE points here. The idle limit is Django's own expiry (SESSION_COOKIE_AGE), re-dated by
saving the session at most once a day rather than on every request. Each session is a database row with
a copy in the cache (Redis when REDIS_URL is set), so most requests read no session row.
"""

import hashlib
import re
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.sessions.backends import cached_db, db
from django.contrib.sessions.models import Session
from django.core.cache import cache, caches
from django.utils import timezone

from accounts.audit import log_event
from accounts.models import SESSION_MAX_AGE, UserSession

REFRESH_EVERY = timedelta(days=1)
TOUCH_EVERY = timedelta(minutes=5)
SIGNED_IN_AT = "accounts_signed_in_at"
REFRESHED_AT = "accounts_refreshed_at"
# A cached copy is read back from the table at least this often: a copy cached again by a request that
# raced a sign-out elsewhere (between the row's deletion and the copy's) works for minutes, not days.
CACHED_COPY_SECONDS = 5 * 60
# What Django's SessionBase generates: 32 characters from a-z and 0-9.
VALID_KEY = re.compile(r"[a-z0-9]{32}")


def stored_key(session_key):
    # 40 hex characters, the width of Session.session_key.
    return hashlib.blake2b(session_key.encode(), digest_size=20).hexdigest()


def cache_key(stored):
    return cached_db.KEY_PREFIX + stored


def forget(stored_keys):
    """Drop cached copies of sessions deleted from the table, or they would go on signing people in."""
    caches[settings.SESSION_CACHE_ALIAS].delete_many([cache_key(stored) for stored in stored_keys])


class SessionStore(cached_db.SessionStore):
    """Database sessions kept under a hash of the cookie's key, so the table holds no usable cookie, with a
    cached copy (SESSION_CACHE_ALIAS: Redis when configured) under the same hash, so a dump of the cache
    holds none either. A request whose session is cached reads no session row.

    A cookie that is not a key we could have made is no session: a NUL byte in it used to reach
    PostgreSQL's driver, which refuses it, and answer 500 on every page.
    """

    def _validate_session_key(self, key):
        return isinstance(key, str) and VALID_KEY.fullmatch(key) is not None

    @property
    def cache_key(self):
        return cache_key(stored_key(self._get_or_create_session_key()))

    def load(self):
        # The copy carries the row's expiry, checked against our clock as the database query is: the
        # cache's own timeout runs on the cache server's clock.
        expires, data = self._cache.get(self.cache_key) or (0, None)
        if expires > timezone.now().timestamp():
            return data
        session = self._get_session_from_db()
        if session is None:
            return {}
        data = self.decode(session.session_data)
        self._cache_copy(data, session.expire_date)
        return data

    def save(self, must_create=False):
        db.SessionStore.save(self, must_create)
        self._cache_copy(self._session, self.get_expiry_date())

    def _cache_copy(self, data, expire_date):
        timeout = min(self.get_expiry_age(expiry=expire_date), CACHED_COPY_SECONDS)
        self._cache.set(self.cache_key, (expire_date.timestamp(), data), timeout)

    def _get_session_from_db(self):
        try:
            return self.model.objects.get(session_key=stored_key(self.session_key), expire_date__gt=timezone.now())
        except self.model.DoesNotExist:
            self._session_key = None

    def exists(self, session_key):
        return db.SessionStore.exists(self, stored_key(session_key))

    def create_model_instance(self, data):
        instance = super().create_model_instance(data)
        instance.session_key = stored_key(instance.session_key)
        return instance

    def delete(self, session_key=None):
        session_key = session_key or self.session_key
        if session_key:
            db.SessionStore.delete(self, stored_key(session_key))
            forget([stored_key(session_key)])


def _seen_cache_key(key):
    return f"accounts:session-seen:{key}"


def on_sign_in(sender, request, user, **kwargs):
    # user_logged_in is the one hook every sign-in passes: ours, the admin's and the test client's.
    start(request, user)


def start(request, user):
    """List this browser's session and start its 30 days."""
    session = request.session
    if session.session_key is None:  # login() flushed the previous person's session
        session.save()
    now = timezone.now()
    session[SIGNED_IN_AT] = session[REFRESHED_AT] = now.timestamp()
    key = stored_key(session.session_key)
    user_agent = request.META.get("HTTP_USER_AGENT", "")[:200]
    UserSession.objects.update_or_create(
        session_id=key, defaults={"user": user, "user_agent": user_agent, "created_at": now, "last_seen_at": now}
    )
    cache.set(_seen_cache_key(key), now.timestamp(), TOUCH_EVERY.total_seconds())


def keep_alive(request):
    """A signed-in request. Past 30 days the session ends; otherwise its expiry is re-dated daily and its
    last-seen time every few minutes (per worker without Redis: the cache is then in-process)."""
    session = request.session
    now = timezone.now()
    signed_in_at = session.get(SIGNED_IN_AT)
    if signed_in_at is None or now.timestamp() - signed_in_at > SESSION_MAX_AGE.total_seconds():
        log_event(request, "session_expired", request.user)
        logout(request)
        return
    if now.timestamp() - session.get(REFRESHED_AT, 0) > REFRESH_EVERY.total_seconds():
        session[REFRESHED_AT] = now.timestamp()  # a modified session is saved with a new expiry date
    key = stored_key(session.session_key)
    # The time seen is compared on our clock, like the session's expiry, not left to the cache's timeout.
    if now.timestamp() - cache.get(_seen_cache_key(key), 0) >= TOUCH_EVERY.total_seconds():
        cache.set(_seen_cache_key(key), now.timestamp(), TOUCH_EVERY.total_seconds())
        UserSession.objects.filter(session_id=key).update(last_seen_at=now)


def current_key(request):
    return stored_key(request.session.session_key)


def end(user_session):
    Session.objects.filter(session_key=user_session.session_id).delete()
    forget([user_session.session_id])


def end_others(request):
    """Sign the person out on every other browser; returns how many sessions ended."""
    others = UserSession.objects.filter(user=request.user).exclude(session_id=current_key(request))
    return _end(others.values_list("session_id", flat=True))


def end_all(user):
    _end(UserSession.objects.filter(user=user).values_list("session_id", flat=True))


def _end(stored_keys):
    stored_keys = list(stored_keys)
    _, deleted = Session.objects.filter(session_key__in=stored_keys).delete()
    forget(stored_keys)
    return deleted.get("sessions.Session", 0)
