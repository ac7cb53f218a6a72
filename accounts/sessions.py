"""Sessions: stored under a hash of their key, listed per person, ended after 14 days idle or 30 days in all.

SESSION_ENGINE points here. The idle limit is Django's own expiry (SESSION_COOKIE_AGE), re-dated by
saving the session at most once a day rather than on every request.
"""

import hashlib
import re
from datetime import timedelta

from django.contrib.auth import logout
from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.utils import timezone

from accounts.audit import log_event
from accounts.models import SESSION_MAX_AGE, UserSession

REFRESH_EVERY = timedelta(days=1)
TOUCH_EVERY = timedelta(minutes=5)
SIGNED_IN_AT = "accounts_signed_in_at"
REFRESHED_AT = "accounts_refreshed_at"
# What Django's SessionBase generates: 32 characters from a-z and 0-9.
VALID_KEY = re.compile(r"[a-z0-9]{32}")


def stored_key(session_key):
    # 40 hex characters, the width of Session.session_key.
    return hashlib.blake2b(session_key.encode(), digest_size=20).hexdigest()


class SessionStore(db.SessionStore):
    """Database sessions kept under a hash of the cookie's key, so the table holds no usable cookie.

    A cookie that is not a key we could have made is no session: a NUL byte in it used to reach
    PostgreSQL's driver, which refuses it, and answer 500 on every page.
    """

    def _validate_session_key(self, key):
        return isinstance(key, str) and VALID_KEY.fullmatch(key) is not None

    def _get_session_from_db(self):
        try:
            return self.model.objects.get(session_key=stored_key(self.session_key), expire_date__gt=timezone.now())
        except self.model.DoesNotExist:
            self._session_key = None

    def exists(self, session_key):
        return super().exists(stored_key(session_key))

    def create_model_instance(self, data):
        instance = super().create_model_instance(data)
        instance.session_key = stored_key(instance.session_key)
        return instance

    def delete(self, session_key=None):
        session_key = session_key or self.session_key
        if session_key:
            super().delete(stored_key(session_key))


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
    cache.set(_seen_cache_key(key), True, TOUCH_EVERY.total_seconds())


def keep_alive(request):
    """A signed-in request. Past 30 days the session ends; otherwise its expiry is re-dated daily and its
    last-seen time every few minutes (per worker: the cache is in-process)."""
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
    if cache.add(_seen_cache_key(key), True, TOUCH_EVERY.total_seconds()):
        UserSession.objects.filter(session_id=key).update(last_seen_at=now)


def current_key(request):
    return stored_key(request.session.session_key)


def end(user_session):
    Session.objects.filter(session_key=user_session.session_id).delete()


def end_others(request):
    """Sign the person out on every other browser; returns how many sessions ended."""
    others = UserSession.objects.filter(user=request.user).exclude(session_id=current_key(request))
    _, deleted = Session.objects.filter(session_key__in=others.values("session_id")).delete()
    return deleted.get("sessions.Session", 0)


def end_all(user):
    Session.objects.filter(session_key__in=UserSession.objects.filter(user=user).values("session_id")).delete()
