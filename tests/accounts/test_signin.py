import pytest
import time_machine
from django.urls import reverse

from accounts import throttle
from conftest import PASSWORD

URL = reverse("accounts:login")


def sign_in(client, email="alice@example.com", password=PASSWORD, **extra):
    return client.post(URL, {"username": email, "password": password, **extra})


def test_it_signs_in_with_email_in_any_case(client, alice):
    response = sign_in(client, email="  ALICE@example.com")

    assert response.status_code == 302
    assert response.url == reverse("planner:dashboard")
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_it_refuses_a_wrong_password_and_keeps_the_email(client, alice):
    response = sign_in(client, password="wrong password")

    assert response.status_code == 200
    assert "That email and password do not match an account" in response.text
    assert 'value="alice@example.com"' in response.text
    assert "_auth_user_id" not in client.session


def test_it_follows_next_on_this_site_only(client, alice):
    assert sign_in(client, next="/plans/").url == "/plans/"
    client.logout()
    assert sign_in(client, next="https://evil.example.com/").url == reverse("planner:dashboard")


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


def test_it_locks_an_account_after_five_failures_in_fifteen_minutes(client, alice):
    with time_machine.travel("2026-11-21 10:00 +0000", tick=False) as clock:
        for _ in range(throttle.FAILURE_LIMIT):
            assert sign_in(client, password="guess").status_code == 200
            clock.shift(60)

        response = sign_in(client)  # the right password, but locked out

        assert response.status_code == 200
        assert "Too many failed sign-ins for this account" in response.text
        assert "_auth_user_id" not in client.session

        clock.shift(15 * 60)  # the first failures have left the window
        assert sign_in(client).status_code == 302


def test_the_lock_counts_failures_per_account(client, alice, bob):
    for _ in range(throttle.FAILURE_LIMIT):
        sign_in(client, password="guess")

    assert sign_in(client, email="bob@example.com").status_code == 302


def test_a_successful_sign_in_clears_earlier_failures(client, alice):
    for _ in range(throttle.FAILURE_LIMIT - 1):
        sign_in(client, password="guess")
    assert sign_in(client).status_code == 302
    client.logout()

    for _ in range(throttle.FAILURE_LIMIT - 1):
        sign_in(client, password="guess")

    assert sign_in(client).status_code == 302


@pytest.mark.django_db
def test_failures_older_than_the_window_do_not_count(client):
    with time_machine.travel("2026-11-21 10:00 +0000", tick=False) as clock:
        for _ in range(throttle.FAILURE_LIMIT):
            throttle.record_failure("carol@example.com")
        assert throttle.is_locked_out("Carol@example.com")

        clock.shift(throttle.WINDOW.total_seconds() + 1)

        assert not throttle.is_locked_out("carol@example.com")
