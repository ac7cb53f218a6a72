import re

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import User
from tests.factories import PASSWORD, make_user

URL = reverse("accounts:signup")
DONE = reverse("accounts:signup_done")


def signup_data(**overrides):
    return {
        "name": "Carol Chen",
        "email": "carol@example.com",
        "password1": PASSWORD,
        "password2": PASSWORD,
    } | overrides


def link_in(message):
    return re.search(r"http://testserver(/\S+)", message.body).group(1)


@pytest.mark.django_db
def test_it_creates_an_inactive_account_and_emails_a_link_to_confirm_it(client):
    response = client.post(URL, signup_data(email="  Carol@Example.COM "))

    assert response.status_code == 302
    assert response.url == DONE
    user = User.objects.get()
    assert (user.email, user.name, user.is_active, user.email_verified_at) == (
        "carol@example.com",
        "Carol Chen",
        False,
        None,
    )
    assert user.check_password(PASSWORD)
    assert "_auth_user_id" not in client.session
    assert [message.to for message in mail.outbox] == [["carol@example.com"]]
    assert "/accounts/verify/" in mail.outbox[0].body


@pytest.mark.django_db
def test_the_link_confirms_the_address_and_then_the_password_signs_in(client):
    client.post(URL, signup_data())
    login = {"username": "carol@example.com", "password": PASSWORD}
    assert client.post(reverse("accounts:login"), login).status_code == 200  # not before confirming

    page = client.get(link_in(mail.outbox[0]))
    assert "Confirm my email" in page.text
    confirmed = client.post(link_in(mail.outbox[0]), follow=True)

    assert "Your email address is confirmed." in confirmed.text
    assert User.objects.get().email_verified
    assert client.post(reverse("accounts:login"), login).url == reverse("planner:today")


@pytest.mark.django_db
def test_it_shows_the_form(client):
    response = client.get(URL)

    assert response.status_code == 200
    assert 'for="id_email"' in response.text
    assert 'for="id_password2"' in response.text


@pytest.mark.django_db
def test_sign_up_with_a_taken_address_looks_the_same_and_emails_that_address(client):
    carol = make_user("carol@example.com", name="Carol Chen")
    new = client.post(URL, signup_data(email="dana@example.com"), follow=True)
    mail.outbox.clear()

    taken = client.post(URL, signup_data(email="CAROL@example.com", name="<b>Mallory</b>"), follow=True)

    assert (taken.status_code, taken.redirect_chain) == (new.status_code, new.redirect_chain)
    assert taken.content == new.content
    assert User.objects.count() == 2
    carol.refresh_from_db()
    assert carol.name == "Carol Chen"
    assert carol.check_password(PASSWORD)
    assert [message.to for message in mail.outbox] == [["carol@example.com"]]
    body = mail.outbox[0].body
    assert "tried to create a USMLE Prep Planner account" in body
    assert "/accounts/password/reset/" in body
    assert "Mallory" not in body


@pytest.mark.django_db
def test_signing_up_again_before_confirming_replaces_the_unconfirmed_details(client):
    client.post(
        URL, signup_data(name="Mallory", password1="mallorys own passphrase", password2="mallorys own passphrase")
    )

    client.post(URL, signup_data())

    user = User.objects.get()
    assert user.name == "Carol Chen"
    assert user.check_password(PASSWORD)
    assert len(mail.outbox) == 2
    assert client.post(link_in(mail.outbox[0])).status_code == 200  # the first link no longer works
    assert not User.objects.get().is_active


@pytest.mark.django_db
def test_it_refuses_passwords_that_differ_and_keeps_what_was_typed(client):
    response = client.post(URL, signup_data(password2="something else entirely"))

    assert response.status_code == 200
    assert "The two password fields didn’t match." in response.text
    assert 'value="Carol Chen"' in response.text
    assert 'value="carol@example.com"' in response.text
    assert PASSWORD not in response.text
    assert not User.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not-an-email", "Enter a valid email address."),
        ("email", "", "This field is required."),
        ("email", "a" * 250 + "@example.com", "Ensure this value has at most 254 characters"),
        ("name", "   ", "This field is required."),
        ("password1", "short", "This password is too short."),
        ("password1", "eleven char", "It must contain at least 12 characters."),
        ("password1", "qwertyqwerty", "This password is too common."),
    ],
)
def test_it_explains_bad_input_next_to_the_field(client, field, value, message):
    data = signup_data(**{field: value})
    if field == "password1":
        data["password2"] = value

    response = client.post(URL, data)

    assert response.status_code == 200
    assert message in response.text
    assert message in " ".join(response.context["form"].errors.get(field if field != "password1" else "password2"))
    assert not User.objects.exists()


def test_it_sends_a_signed_in_person_to_today(alice_client):
    response = alice_client.get(URL)

    assert response.status_code == 302
    assert response.url == reverse("planner:today")


def test_the_database_refuses_a_second_account_with_the_same_email(alice):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_user("ALICE@example.com")
