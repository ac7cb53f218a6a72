"""Guesses arriving at once, on PostgreSQL: no more reach a password check than the limit allows.

Each thread has its own client and, being a thread, its own database connection. The hasher counts
the password checks, whatever the throttle does to stop them.
"""

import threading

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts import throttle
from conftest import PASSWORD, make_user

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
    barrier = threading.Barrier(len(emails))
    statuses, errors = [], []

    def guess(email):
        try:
            client = Client(REMOTE_ADDR=address)
            barrier.wait()
            statuses.append(
                client.post(reverse("accounts:login"), {"username": email, "password": "guess"}).status_code
            )
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=guess, args=(email,)) for email in emails]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
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
