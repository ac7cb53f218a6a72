"""Sign-in throttling, counted in the database so every gunicorn worker sees the same numbers.

Two limits per 15-minute window: 5 attempts at one account from one address, so a stranger elsewhere
cannot lock anyone out, and 30 failed attempts from one address across accounts (password spraying).
Each attempt takes its place in both counts *before* the password is checked, with one atomic upsert
per count, so concurrent guesses cannot slip past the limit; a successful sign-in gives its places back.

django-axes was the alternative. It compares every lockout parameter with the same AXES_FAILURE_LIMIT,
so it cannot have a pair limit and a higher address limit, and it counts a failure only after the
password check, so concurrent guesses all pass its check.
"""

from datetime import timedelta

from django.db import connection
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.fields import normalise_email
from accounts.models import SignInThrottle

ACCOUNT_LIMIT = 5
ADDRESS_LIMIT = 30
WINDOW = timedelta(minutes=15)

_UPSERT = """
INSERT INTO {table} (account, address, attempts, window_ends) VALUES (%s, %s, 1, %s)
ON CONFLICT (account, address) DO UPDATE SET
    attempts = CASE WHEN {table}.window_ends <= %s THEN 1 ELSE {table}.attempts + 1 END,
    window_ends = CASE WHEN {table}.window_ends <= %s THEN excluded.window_ends ELSE {table}.window_ends END
RETURNING attempts
"""


def account_key(email):
    return salted_hmac("accounts.throttle.account", normalise_email(email), algorithm="sha256").hexdigest()


def _count_attempt(account, address, now):
    ops = connection.ops
    sql = _UPSERT.format(table=ops.quote_name(SignInThrottle._meta.db_table))
    window_ends, now = ops.adapt_datetimefield_value(now + WINDOW), ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(sql, [account, address, window_ends, now, now])
        return cursor.fetchone()[0]


def take_attempt(email, address):
    """Count one sign-in attempt; return "account" or "address" when it is over a limit, else None."""
    now = timezone.now()
    SignInThrottle.objects.filter(window_ends__lte=now).delete()
    over_account = _count_attempt(account_key(email), address, now) > ACCOUNT_LIMIT
    over_address = _count_attempt("", address, now) > ADDRESS_LIMIT
    return "account" if over_account else "address" if over_address else None


def give_back(email, address):
    """A successful sign-in: its account's failures from here are forgiven and it does not count for the address."""
    SignInThrottle.objects.filter(account=account_key(email), address=address).delete()
    SignInThrottle.objects.filter(account="", address=address, attempts__gt=0).update(attempts=F("attempts") - 1)


def clear_account(email):
    """After a password reset, the account may be tried again from everywhere."""
    SignInThrottle.objects.filter(account=account_key(email)).delete()


WRONG_PASSWORD, TOO_MANY_TRIES = "wrong", "too_many"
TOO_MANY_TRIES_MESSAGE = "Too many wrong passwords. For your security, wait 15 minutes and try again."


def check_current_password(user, password, address):
    """A signed-in person's password typed again to confirm a change (email, password, deleting the account).

    Counted in the sign-in limits, so a session left open on a shared computer cannot be used to guess it.
    Returns None when it is right, else WRONG_PASSWORD or TOO_MANY_TRIES.
    """
    if take_attempt(user.email, address):
        return TOO_MANY_TRIES
    if not user.check_password(password or ""):
        return WRONG_PASSWORD
    give_back(user.email, address)
    return None
