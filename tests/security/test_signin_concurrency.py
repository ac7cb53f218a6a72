"""Guesses arriving at once, on PostgreSQL: no more reach a password check than the limit allows.

Each thread has its own client and, being a thread, its own database connection. The hasher counts
the password checks, whatever the throttle does to stop them.
"""

import threading
from functools import partial

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client
from django.urls import reverse

from accounts import throttle
from tests.factories import PASSWORD, make_user
from tests.threads import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


class CountingHasher(MD5PasswordHasher):
    checks = 0
    lock = threading.Lock()

    def verify(self, password, encoded):
        with CountingHasher.lock:
            CountingHasher.checks += 1
        return super().verify(password, encoded)


@pytest.fixture
def password_checks(settings):
    settings.PASSWORD_HASHERS = ["tests.security.test_signin_concurrency.CountingHasher"]
    CountingHasher.checks = 0
    return CountingHasher


def guess_at_once(emails, address):
    statuses = []

    def guess(email):
        login = {"username": email, "password": "guess"}
        statuses.append(Client(REMOTE_ADDR=address).post(reverse("accounts:login"), login).status_code)

    run_together(*[partial(guess, email) for email in emails])
    return statuses


def test_concurrent_guesses_at_one_account_check_at_most_the_limits_number_of_passwords(alice, password_checks):
    statuses = guess_at_once(["alice@example.com"] * 20, "203.0.113.50")

    assert statuses == [200] * 20
    assert password_checks.checks == throttle.ACCOUNT_LIMIT
    login = {"username": "alice@example.com", "password": PASSWORD}
    assert "Too many failed sign-ins" in Client(REMOTE_ADDR="203.0.113.50").post(reverse("accounts:login"), login).text


def test_concurrent_guesses_across_accounts_check_at_most_the_address_limit(db, password_checks):
    emails = [make_user(f"person{n}@example.com").email for n in range(throttle.ADDRESS_LIMIT + 10)]

    guess_at_once(emails, "203.0.113.51")

    assert password_checks.checks == throttle.ADDRESS_LIMIT
