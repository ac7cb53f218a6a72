import logging
import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.factories import PASSWORD, make_user

URL = reverse("accounts:profile")
NEW = "a completely new passphrase"


def profile_data(**overrides):
    return {"name": "Alice Adams", "email": "alice@example.com", "time_zone": "Asia/Kolkata", "background": "img"} | (
        overrides
    )


def test_it_shows_the_profile(alice_client):
    response = alice_client.get(URL)

    assert response.status_code == 200
    assert 'value="Alice Adams"' in response.text
    assert '<option value="America/New_York" selected>' in response.text


def test_it_saves_name_time_zone_and_background_without_the_password(alice_client, alice):
    response = alice_client.post(URL, profile_data(name="Alice  B. Adams", email=" ALICE@example.com"))

    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.name == "Alice B. Adams"
    assert alice.time_zone == "Asia/Kolkata"
    assert alice.get_background_display() == "International medical graduate (IMG)"
    assert mail.outbox == []


def test_it_refuses_an_unknown_time_zone_and_keeps_the_rest(alice_client, alice):
    response = alice_client.post(URL, profile_data(time_zone="Mars/Olympus", name="Alice Z"))

    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert 'value="Alice Z"' in response.text
    alice.refresh_from_db()
    assert alice.time_zone == "America/New_York"


def test_it_refuses_an_email_another_account_uses(alice_client, bob):
    response = alice_client.post(URL, profile_data(email="BOB@example.com", current_password=PASSWORD))

    assert response.status_code == 200
    assert "Another account already uses this email." in response.text


def test_it_refuses_an_email_longer_than_254_characters(alice_client):
    response = alice_client.post(URL, profile_data(email="a" * 250 + "@example.com", current_password=PASSWORD))

    assert response.status_code == 200
    assert "Ensure this value has at most 254 characters" in response.text


def test_changing_the_email_needs_the_current_password(alice_client, alice):
    for password in ["", "not my password"]:
        response = alice_client.post(URL, profile_data(email="alice@new.example.com", current_password=password))

        assert response.status_code == 200
        assert "Enter your current password to change your email." in response.text
    alice.refresh_from_db()
    assert alice.email == "alice@example.com"
    assert mail.outbox == []


def test_changing_the_email_tells_the_old_address_and_asks_the_new_one_to_confirm(alice_client, alice, caplog):
    caplog.set_level(logging.INFO, logger="usmleprep.security")
    alice.email_verified_at = alice.date_joined
    alice.save()

    response = alice_client.post(URL, profile_data(email="Alice@New.example.com", current_password=PASSWORD))

    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.email == "alice@new.example.com"
    assert alice.email_verified_at is None
    assert [message.to for message in mail.outbox] == [["alice@example.com"], ["alice@new.example.com"]]
    assert "was just changed from this address" in mail.outbox[0].body
    assert "/accounts/verify/" in mail.outbox[1].body
    assert any(message.startswith(f"email_changed account={alice.pk} ") for message in caplog.messages)


def test_an_unconfirmed_email_can_be_confirmed_from_a_new_link(alice_client, alice):
    page = alice_client.get(URL)
    assert "is not confirmed yet" in page.text

    alice_client.post(reverse("accounts:resend_verification"))
    link = re.search(r"http://testserver(/\S+)", mail.outbox[0].body).group(1)
    response = alice_client.post(link, follow=True)

    assert "Your email address is confirmed." in response.text
    assert "alice@example.com is confirmed." in response.text


def test_resending_the_link_takes_post_only(alice_client):
    assert alice_client.get(reverse("accounts:resend_verification")).status_code == 405
    assert mail.outbox == []


def test_a_confirmation_link_works_signed_out_once(client, alice):
    client.force_login(alice)
    client.post(reverse("accounts:resend_verification"))
    client.logout()
    link = re.search(r"http://testserver(/\S+)", mail.outbox[0].body).group(1)

    response = client.post(link)

    assert response.url == reverse("accounts:login")
    alice.refresh_from_db()
    assert alice.email_verified
    assert "This link no longer works" in client.get(link).text


def test_it_requires_sign_in(client, db):
    assert client.get(URL).status_code == 302


def test_password_change_works_keeps_the_person_signed_in_and_sends_a_notice(alice_client, alice):
    response = alice_client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )

    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(NEW)
    assert alice_client.get(URL).status_code == 200
    assert [message.to for message in mail.outbox] == [["alice@example.com"]]
    assert "password of your USMLE Prep Planner account was just changed" in mail.outbox[0].body


def test_password_change_refuses_a_wrong_old_password(alice_client):
    response = alice_client.post(
        reverse("accounts:password_change"),
        {"old_password": "nope", "new_password1": "x" * 12, "new_password2": "x" * 12},
    )

    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in response.text


@pytest.mark.parametrize(
    ("password", "message"),
    [("eleven char", "at least 12 characters"), ("1q2w3e4r5t6y", "This password is too common.")],
)
def test_password_change_refuses_a_short_or_common_password_next_to_the_field(alice_client, password, message):
    response = alice_client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": password, "new_password2": password},
    )

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["new_password2"])


def test_delete_account_asks_for_the_password(alice_client, alice):
    response = alice_client.post(reverse("accounts:delete"), {"password": "wrong"})

    assert response.status_code == 200
    assert "That is not your current password." in response.text
    assert User.objects.filter(pk=alice.pk).exists()


def test_delete_account_removes_the_user_and_signs_out(alice_client, alice, bob):
    response = alice_client.post(reverse("accounts:delete"), {"password": PASSWORD})

    assert response.status_code == 302
    assert not User.objects.filter(pk=alice.pk).exists()
    assert User.objects.filter(pk=bob.pk).exists()
    assert alice_client.get(reverse("planner:dashboard")).status_code == 302


def test_delete_account_shows_a_confirmation_page_on_get(alice_client, alice):
    response = alice_client.get(reverse("accounts:delete"))

    assert response.status_code == 200
    assert "Delete your account" in response.text
    assert User.objects.filter(pk=alice.pk).exists()


def test_emails_are_stored_and_looked_up_lower_case(db):
    assert make_user("Dana@Example.com").email == "dana@example.com"
    assert User.objects.get(email=" DANA@example.COM").email == "dana@example.com"


def test_a_name_with_control_characters_is_refused_and_nothing_changes(alice_client, alice):
    response = alice_client.post(URL, profile_data(name="Alice\x07 Adams"))

    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [
        "This text contains invisible control characters. Type it again without them."
    ]
    alice.refresh_from_db()
    assert alice.name == "Alice Adams"


# A session left open on a shared computer must not become a way to guess the password.
CONFIRMING_FORMS = [
    (reverse("accounts:delete"), "password", {}),
    (reverse("accounts:password_change"), "old_password", {"new_password1": NEW, "new_password2": NEW}),
    (URL, "current_password", profile_data(email="alice.new@example.com")),
]


@pytest.mark.parametrize(("url", "field", "data"), CONFIRMING_FORMS)
def test_confirming_with_the_password_is_throttled_like_a_sign_in(alice_client, alice, url, field, data):
    for _ in range(5):
        wrong = alice_client.post(url, {**data, field: "not the password"})
        assert "Too many wrong passwords" not in str(wrong.context["form"].errors[field])

    right_but_too_late = alice_client.post(url, {**data, field: PASSWORD})

    assert right_but_too_late.context["form"].errors[field] == [
        "Too many wrong passwords. For your security, wait 15 minutes and try again."
    ]
    alice.refresh_from_db()
    assert User.objects.filter(pk=alice.pk).exists()
    assert alice.email == "alice@example.com"
    assert alice.check_password(PASSWORD)


def test_the_right_password_forgives_the_wrong_ones_before_it(alice_client, alice):
    url = reverse("accounts:delete")
    for _ in range(4):
        alice_client.post(url, {"password": "not the password"})
    alice_client.post(URL, {**profile_data(email="alice.new@example.com"), "current_password": PASSWORD})

    response = alice_client.post(url, {"password": "still not it"})

    assert response.context["form"].errors["password"] == ["That is not your current password."]
