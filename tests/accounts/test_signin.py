import logging
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts import throttle
from accounts.models import SignInThrottle
from tests.factories import PASSWORD, make_user

URL = reverse("accounts:login")
ADMIN_URL = reverse("admin:login")
LOCKED = "Too many failed sign-ins for this account from here"


def sign_in(client, email="alice@example.com", password=PASSWORD, address="198.51.100.7", url=URL, **extra):
    return client.post(url, {"username": email, "password": password, **extra}, REMOTE_ADDR=address)


def signed_in(client):
    return "_auth_user_id" in client.session


def test_it_signs_in_with_email_in_any_case(client, alice):
    response = sign_in(client, email="  ALICE@example.com")

    assert response.status_code == 302
    assert response.url == reverse("planner:today")
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_it_refuses_a_wrong_password_and_keeps_the_email(client, alice):
    response = sign_in(client, password="wrong password")

    assert response.status_code == 200
    assert "That email and password do not match an account" in response.text
    assert 'value="alice@example.com"' in response.text
    assert not signed_in(client)


def test_it_follows_next_on_this_site_only(client, alice):
    assert sign_in(client, next="/plans/").url == "/plans/"
    client.logout()
    assert sign_in(client, next="https://evil.example.com/").url == reverse("planner:today")


def test_it_rotates_the_session_key_on_sign_in(client, alice):
    client.get(URL)
    client.session.save()
    before = client.session.session_key

    sign_in(client)

    assert client.session.session_key != before


def test_sign_out_takes_post_only_and_ends_the_session(alice_client):
    assert alice_client.get(reverse("accounts:logout")).status_code == 405

    response = alice_client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert alice_client.get(reverse("planner:dashboard")).status_code == 302


def test_pages_need_sign_in(client, db):
    response = client.get(reverse("planner:dashboard"))

    assert response.status_code == 302
    assert response.url == f"{URL}?next=/dashboard/"


def test_an_email_longer_than_254_characters_is_refused_at_the_field(client, db):
    # On PostgreSQL the old throttle wrote the email to a 254-character column and answered 500.
    response = sign_in(client, email="a" * 10_000 + "@example.com")

    assert response.status_code == 200
    assert "Ensure this value has at most 254 characters" in response.text
    assert not SignInThrottle.objects.exists()


def test_the_throttle_keeps_no_email_address(client, alice):
    sign_in(client, email="Alice@Example.com", password="guess")

    assert SignInThrottle.objects.count() == 2
    assert not SignInThrottle.objects.filter(account__icontains="alice").exists()


@pytest.mark.clock("2026-11-21 10:00 +0000")
def test_it_locks_an_account_from_one_address_after_five_failures_in_fifteen_minutes(client, alice, clock):
    for _ in range(throttle.ACCOUNT_LIMIT):
        assert LOCKED not in sign_in(client, password="guess").text
        clock.shift(60)

    response = sign_in(client)  # the right password, but locked out

    assert response.status_code == 200
    assert LOCKED in response.text
    assert not signed_in(client)

    clock.shift(15 * 60)  # the window that began with the first failure is over
    assert sign_in(client).status_code == 302


def test_five_wrong_passwords_from_one_address_do_not_stop_the_right_password_from_another_address(alice):
    stranger, alice_browser = Client(), Client()
    for _ in range(throttle.ACCOUNT_LIMIT + 3):
        sign_in(stranger, password="guess", address="203.0.113.66")
    assert LOCKED in sign_in(stranger, address="203.0.113.66").text

    response = sign_in(alice_browser, address="198.51.100.7")

    assert response.status_code == 302
    assert signed_in(alice_browser)


def test_the_lock_counts_failures_per_account(client, alice, bob):
    for _ in range(throttle.ACCOUNT_LIMIT):
        sign_in(client, password="guess")

    assert sign_in(client, email="bob@example.com").status_code == 302


def test_an_unknown_email_is_locked_like_a_known_one(client, db):
    for _ in range(throttle.ACCOUNT_LIMIT):
        sign_in(client, email="nobody@example.com", password="guess")

    assert LOCKED in sign_in(client, email="nobody@example.com", password="guess").text


def test_a_successful_sign_in_clears_earlier_failures(client, alice):
    for _ in range(throttle.ACCOUNT_LIMIT - 1):
        sign_in(client, password="guess")
    assert sign_in(client).status_code == 302
    client.logout()

    for _ in range(throttle.ACCOUNT_LIMIT - 1):
        sign_in(client, password="guess")

    assert sign_in(client).status_code == 302


def test_one_address_guessing_across_many_accounts_is_stopped(client, alice):
    # Password spraying: one guess at each of many accounts never trips the per-account limit.
    for n in range(throttle.ADDRESS_LIMIT):
        assert "Too many" not in sign_in(client, email=f"person{n}@example.com", password="Summer2026!!").text

    response = sign_in(client)

    assert "Too many failed sign-ins from your network" in response.text
    assert not signed_in(client)
    assert sign_in(Client(), address="192.0.2.1").status_code == 302


def test_successful_sign_ins_do_not_count_towards_the_address_limit(alice):
    for _ in range(throttle.ADDRESS_LIMIT + 5):
        client = Client()
        assert sign_in(client).status_code == 302


def test_the_admin_login_locks_like_the_apps(client, db):
    admin = make_user("admin@example.com", is_staff=True, is_superuser=True)
    for _ in range(throttle.ACCOUNT_LIMIT):
        assert sign_in(client, email=admin.email, password="guess", url=ADMIN_URL).status_code == 200

    response = sign_in(client, email=admin.email, url=ADMIN_URL)

    assert response.status_code == 200
    assert LOCKED in response.text
    assert not signed_in(client)


def test_failures_on_the_admin_login_count_for_the_apps_sign_in_too(client, alice):
    for _ in range(throttle.ACCOUNT_LIMIT):
        sign_in(client, password="guess", url=ADMIN_URL)

    assert LOCKED in sign_in(client).text


def test_a_successful_password_reset_lifts_the_lock(client, alice):
    for _ in range(throttle.ACCOUNT_LIMIT):
        sign_in(client, password="guess")
    assert LOCKED in sign_in(client).text

    client.post(reverse("accounts:password_reset"), {"email": "alice@example.com"})
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    new = "a fresh and long passphrase"
    client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})

    assert sign_in(client, password=new).status_code == 302


def test_the_client_address_comes_from_x_forwarded_for_only_behind_the_proxy(client, alice, settings):
    def fail_from(forwarded_for):
        client.post(
            URL,
            {"username": "alice@example.com", "password": "guess"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=forwarded_for,
        )

    fail_from("1.2.3.4, 203.0.113.9")
    settings.BEHIND_TLS_PROXY = True
    fail_from("1.2.3.4, 203.0.113.9")

    # The proxy appends the address it saw; what comes before it is the client's own claim.
    assert sorted(SignInThrottle.objects.filter(account="").values_list("address", flat=True)) == [
        "10.0.0.2",
        "203.0.113.9",
    ]


def test_sign_ins_failures_and_lockouts_are_logged_with_the_account_and_address(client, alice, caplog):
    caplog.set_level(logging.INFO, logger="usmleprep.security")
    for _ in range(throttle.ACCOUNT_LIMIT + 1):
        sign_in(client, password="guess")
    sign_in(client, email="nobody@example.com", password="guess")
    sign_in(client, email="bob@example.com", password="guess")

    lines = [record.getMessage() for record in caplog.records if record.name == "usmleprep.security"]

    assert lines[0] == f"sign_in_failed account={alice.pk} address=198.51.100.7"
    assert lines[throttle.ACCOUNT_LIMIT] == f"sign_in_refused account={alice.pk} address=198.51.100.7 limit=account"
    assert lines[-2] == "sign_in_failed account=- address=198.51.100.7"
    assert not any("guess" in line or "@" in line for line in lines)


def test_a_successful_sign_in_is_logged(client, alice, caplog):
    caplog.set_level(logging.INFO, logger="usmleprep.security")

    sign_in(client)

    assert f"sign_in account={alice.pk} address=198.51.100.7" in caplog.messages


@pytest.mark.django_db
@pytest.mark.clock("2026-11-21 10:00 +0000")
def test_old_counts_are_removed_and_a_new_window_starts_at_one(db, clock):
    for _ in range(throttle.ACCOUNT_LIMIT):
        throttle.take_attempt("carol@example.com", "192.0.2.5")
    assert throttle.take_attempt("Carol@example.com", "192.0.2.5") == "account"

    clock.shift(throttle.WINDOW.total_seconds() + 1)

    assert throttle.take_attempt("carol@example.com", "192.0.2.5") is None
    assert SignInThrottle.objects.get(account=throttle.account_key("carol@example.com")).attempts == 1
