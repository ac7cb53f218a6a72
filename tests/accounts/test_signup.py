import pytest
from django.urls import reverse

from accounts.models import User
from conftest import PASSWORD, make_user

URL = reverse("accounts:signup")


def signup_data(**overrides):
    return {
        "name": "Carol Chen",
        "email": "carol@example.com",
        "password1": PASSWORD,
        "password2": PASSWORD,
    } | overrides


@pytest.mark.django_db
def test_it_creates_an_account_and_signs_the_person_in(client):
    response = client.post(URL, signup_data(email="  Carol@Example.COM "))

    assert response.status_code == 302
    assert response.url == reverse("planner:dashboard")
    user = User.objects.get()
    assert user.email == "carol@example.com"
    assert user.name == "Carol Chen"
    assert user.check_password(PASSWORD)
    assert client.get(reverse("planner:dashboard")).status_code == 200


@pytest.mark.django_db
def test_it_shows_the_form(client):
    response = client.get(URL)

    assert response.status_code == 200
    assert 'for="id_email"' in response.text
    assert 'for="id_password2"' in response.text


@pytest.mark.django_db
def test_it_refuses_an_email_already_used_in_another_case(client):
    make_user("carol@example.com")

    response = client.post(URL, signup_data(email="CAROL@example.com"))

    assert response.status_code == 200
    assert "An account with this email already exists" in response.text
    assert User.objects.count() == 1


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
        ("name", "   ", "This field is required."),
        ("password1", "short", "This password is too short."),
    ],
)
def test_it_explains_bad_input_next_to_the_field(client, field, value, message):
    data = signup_data(**{field: value})
    if field == "password1":
        data["password2"] = value

    response = client.post(URL, data)

    assert response.status_code == 200
    assert message in response.text
    assert response.context["form"].errors.get(field if field != "password1" else "password2")
    assert not User.objects.exists()


def test_it_sends_a_signed_in_person_to_the_dashboard(alice_client):
    response = alice_client.get(URL)

    assert response.status_code == 302
    assert response.url == reverse("planner:dashboard")


def test_the_database_refuses_a_second_account_with_the_same_email(alice):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        make_user("ALICE@example.com")
