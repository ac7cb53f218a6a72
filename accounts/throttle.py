"""Throttling of repeated failed sign-ins, counted per account email in the database.

The database (not the cache) holds the count so every gunicorn worker sees the same number.
"""

from datetime import timedelta

from django.utils import timezone

from accounts.models import SignInFailure

FAILURE_LIMIT = 5
WINDOW = timedelta(minutes=15)


def normalise_email(email):
    return (email or "").strip().lower()


def is_locked_out(email):
    since = timezone.now() - WINDOW
    return SignInFailure.objects.filter(email=normalise_email(email), failed_at__gt=since).count() >= FAILURE_LIMIT


def record_failure(email):
    SignInFailure.objects.create(email=normalise_email(email))
    # Old rows serve no purpose; removing them here keeps the table small without a cron job.
    SignInFailure.objects.filter(failed_at__lte=timezone.now() - WINDOW).delete()


def clear_failures(email):
    SignInFailure.objects.filter(email=normalise_email(email)).delete()
