from django.urls import reverse

from accounts.models import User
from conftest import PASSWORD, make_user

URL = reverse("accounts:profile")


def profile_data(**overrides):
    return {"name": "Alice Adams", "email": "alice@example.com", "time_zone": "Asia/Kolkata", "background": "img"} | (
        overrides
    )


def test_it_shows_the_profile(alice_client):
    response = alice_client.get(URL)

    assert response.status_code == 200
    assert 'value="Alice Adams"' in response.text
    assert '<option value="America/New_York" selected>' in response.text


def test_it_saves_name_time_zone_and_background(alice_client, alice):
    response = alice_client.post(URL, profile_data(name="Alice  B. Adams"))

    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.name == "Alice B. Adams"
    assert alice.time_zone == "Asia/Kolkata"
    assert alice.get_background_display() == "International medical graduate (IMG)"


def test_it_refuses_an_unknown_time_zone_and_keeps_the_rest(alice_client, alice):
    response = alice_client.post(URL, profile_data(time_zone="Mars/Olympus", name="Alice Z"))

    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert 'value="Alice Z"' in response.text
    alice.refresh_from_db()
    assert alice.time_zone == "America/New_York"


def test_it_refuses_an_email_another_account_uses(alice_client, bob):
    response = alice_client.post(URL, profile_data(email="BOB@example.com"))

    assert response.status_code == 200
    assert "Another account already uses this email." in response.text


def test_it_requires_sign_in(client, db):
    assert client.get(URL).status_code == 302


def test_password_change_works_and_keeps_the_person_signed_in(alice_client, alice):
    new = "a completely new passphrase"
    response = alice_client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )

    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(new)
    assert alice_client.get(URL).status_code == 200


def test_password_change_refuses_a_wrong_old_password(alice_client):
    response = alice_client.post(
        reverse("accounts:password_change"),
        {"old_password": "nope", "new_password1": "x" * 12, "new_password2": "x" * 12},
    )

    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in response.text


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


def test_emails_are_stored_lower_case(db):
    assert make_user("Dana@Example.com").email == "dana@example.com"
