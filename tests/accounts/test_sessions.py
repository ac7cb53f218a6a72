import logging
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from accounts.models import UserSession, describe_user_agent
from accounts.sessions import stored_key
from tests.factories import PASSWORD, make_user

PROFILE = reverse("accounts:profile")
DASHBOARD = reverse("planner:dashboard")
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1"
)


def browser(user_agent, email="alice@example.com"):
    client = Client(HTTP_USER_AGENT=user_agent)
    assert client.post(reverse("accounts:login"), {"username": email, "password": PASSWORD}).status_code == 302
    return client


def session_of(client):
    return UserSession.objects.get(session_id=stored_key(client.session.session_key))


def test_the_profile_lists_where_the_person_is_signed_in(alice, bob):
    laptop, phone = browser(FIREFOX), browser(IPHONE)
    browser(FIREFOX, email="bob@example.com")

    response = laptop.get(PROFILE)

    assert response.status_code == 200
    listed = list(response.context["sessions"])
    assert [session.device for session in listed] == ["Safari on iPhone", "Firefox on Linux"]
    assert response.text.count("This device") == 1
    assert session_of(phone) in listed


def test_signing_out_one_session_ends_it_and_only_it(alice, caplog):
    caplog.set_level(logging.INFO, logger="usmleprep.security")
    laptop, phone = browser(FIREFOX), browser(IPHONE)

    response = laptop.post(reverse("accounts:sign_out_session"), {"session": session_of(phone).pk})

    assert response.status_code == 302
    assert phone.get(DASHBOARD).status_code == 302
    assert laptop.get(DASHBOARD).status_code == 200
    assert alice.sessions.count() == 1
    assert any(message.startswith(f"session_revoked account={alice.pk} ") for message in caplog.messages)


def test_signing_out_this_session_signs_out(alice):
    laptop = browser(FIREFOX)

    response = laptop.post(reverse("accounts:sign_out_session"), {"session": session_of(laptop).pk})

    assert response.url == reverse("planner:landing")
    assert laptop.get(DASHBOARD).status_code == 302


def test_signing_out_everywhere_else_keeps_this_session(alice, bob):
    laptop, phone, tablet = browser(FIREFOX), browser(IPHONE), browser(IPHONE)
    bobs = browser(FIREFOX, email="bob@example.com")

    response = laptop.post(reverse("accounts:sign_out_other_sessions"), follow=True)

    assert "Signed out of 2 other sessions." in response.text
    assert [client.get(DASHBOARD).status_code for client in (laptop, phone, tablet, bobs)] == [200, 302, 302, 200]


def test_bob_cannot_sign_out_alices_session(alice, bob):
    alices = browser(FIREFOX)
    bobs = browser(FIREFOX, email="bob@example.com")

    response = bobs.post(reverse("accounts:sign_out_session"), {"session": session_of(alices).pk})

    assert response.status_code == 404
    assert alices.get(DASHBOARD).status_code == 200


@pytest.mark.parametrize("value", ["", "x", "1e3", "٣", "-1", "99999999999999999999999"])
def test_a_malformed_session_id_is_a_404(alice_client, value):
    assert alice_client.post(reverse("accounts:sign_out_session"), {"session": value}).status_code == 404


@pytest.mark.parametrize("url_name", ["accounts:sign_out_session", "accounts:sign_out_other_sessions"])
def test_signing_out_sessions_takes_post_only(alice_client, url_name):
    assert alice_client.get(reverse(url_name)).status_code == 405


def test_sessions_are_stored_under_a_hash_of_the_cookie(alice):
    laptop = browser(FIREFOX)
    key = laptop.session.session_key

    assert not Session.objects.filter(session_key=key).exists()
    assert Session.objects.filter(session_key=stored_key(key)).exists()


@pytest.mark.parametrize(
    "cookie", ["abc\x00def" * 5, "x" * 5000, "../../etc/passwd", "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"]
)
def test_a_malformed_session_cookie_is_no_session(db, cookie):
    client = Client()
    client.cookies["sessionid"] = cookie

    assert client.get(reverse("planner:landing")).status_code == 200
    assert client.get(DASHBOARD).status_code == 302


@pytest.mark.clock("2026-11-01 09:00 +0000")
def test_a_session_ends_after_fourteen_days_without_a_visit(alice, clock):
    laptop = browser(FIREFOX)

    clock.shift(timedelta(days=14, minutes=1))

    assert laptop.get(DASHBOARD).status_code == 302


@pytest.mark.clock("2026-11-01 09:00 +0000")
def test_each_visit_keeps_the_session_another_fourteen_days(alice, clock):
    laptop = browser(FIREFOX)
    clock.shift(timedelta(days=7))
    assert laptop.get(DASHBOARD).status_code == 200

    clock.shift(timedelta(days=13))  # 20 days after signing in

    assert laptop.get(DASHBOARD).status_code == 200


@pytest.mark.clock("2026-11-01 09:00 +0000")
def test_the_expiry_is_re_dated_at_most_once_a_day(alice, clock):
    laptop = browser(FIREFOX)
    key = stored_key(laptop.session.session_key)
    first = Session.objects.get(pk=key).expire_date
    clock.shift(timedelta(hours=20))
    laptop.get(DASHBOARD)
    assert Session.objects.get(pk=key).expire_date == first

    clock.shift(timedelta(hours=5))
    laptop.get(DASHBOARD)
    assert Session.objects.get(pk=key).expire_date == first + timedelta(hours=25)


@pytest.mark.clock("2026-11-01 09:00 +0000")
def test_a_session_ends_thirty_days_after_sign_in_however_busy(alice, caplog, clock):
    caplog.set_level(logging.INFO, logger="usmleprep.security")
    laptop = browser(FIREFOX)
    for _ in range(29):
        clock.shift(timedelta(days=1))
        assert laptop.get(DASHBOARD).status_code == 200

    clock.shift(timedelta(days=1, minutes=1))

    assert laptop.get(DASHBOARD).status_code == 302
    assert alice.sessions.count() == 0
    assert f"session_expired account={alice.pk} address=127.0.0.1" in caplog.messages


@pytest.mark.clock("2026-11-01 09:00 +0000")
def test_last_seen_is_updated_at_most_every_few_minutes(alice, clock):
    laptop = browser(FIREFOX)
    signed_in = session_of(laptop).last_seen_at
    clock.shift(timedelta(minutes=2))
    laptop.get(DASHBOARD)
    assert session_of(laptop).last_seen_at == signed_in

    clock.shift(timedelta(minutes=4))
    laptop.get(DASHBOARD)
    assert session_of(laptop).last_seen_at == signed_in + timedelta(minutes=6)


def test_signing_in_as_someone_else_in_the_same_browser_lists_the_new_session_only(alice):
    admin = make_user("admin@example.com", is_staff=True, is_superuser=True)
    laptop = browser(FIREFOX)

    response = laptop.post(reverse("admin:login"), {"username": admin.email, "password": PASSWORD})

    assert response.status_code == 302
    assert alice.sessions.count() == 0
    assert [session.device for session in admin.sessions.all()] == ["Firefox on Linux"]


def test_signing_out_removes_the_session_from_the_list(alice):
    laptop = browser(FIREFOX)

    laptop.post(reverse("accounts:logout"))

    assert alice.sessions.count() == 0


def test_a_password_change_signs_out_the_other_sessions_and_keeps_this_one_listed(alice):
    laptop, phone = browser(FIREFOX), browser(IPHONE)
    new = "a completely new passphrase"

    laptop.post(
        reverse("accounts:password_change"), {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )

    assert phone.get(DASHBOARD).status_code == 302
    assert [session.device for session in alice.sessions.all()] == ["Firefox on Linux"]
    assert laptop.get(PROFILE).text.count("This device") == 1


@pytest.mark.parametrize(
    ("user_agent", "device"),
    [
        (FIREFOX, "Firefox on Linux"),
        (IPHONE, "Safari on iPhone"),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0",
            "Edge on Windows",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36",
            "Chrome on Android",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Version/17.5 Safari/605.1.15",
            "Safari on macOS",
        ),
        ("curl/8.5.0", "Unknown device"),
        ("", "Unknown device"),
    ],
)
def test_the_device_is_named_in_a_few_words(user_agent, device):
    assert describe_user_agent(user_agent) == device
