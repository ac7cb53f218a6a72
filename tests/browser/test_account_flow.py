import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_person_signs_up_confirms_the_email_then_signs_in_and_out(page):
    page.goto("/")
    page.get_by_role("link", name="Create a free account").click()

    page.get_by_label("Your name").fill("Erin Evans")
    page.get_by_label("Email").fill("erin@example.com")
    page.get_by_label("Password", exact=False).first.fill("a long enough passphrase")
    page.get_by_label("Password confirmation").fill("a long enough passphrase")
    page.get_by_role("button", name="Create account").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert User.objects.filter(email="erin@example.com").exists()
    page.goto(re.search(r"http://[^/]+(/accounts/verify/\S+)", mail.outbox[-1].body).group(1))
    page.get_by_role("button", name="Confirm my email").click()
    expect(page.get_by_text("Your email address is confirmed.")).to_be_visible()

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("erin@example.com")
    page.get_by_label("Password").fill("a long enough passphrase")
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(re.compile(r"/today/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Today")

    # The navigation folds into a menu button at phone width.
    page.get_by_role("button", name="Show navigation").click()
    sign_out = page.get_by_role("button", name="Sign out")
    # Wait for the menu to finish opening: a click during its animation can miss the button.
    expect(sign_out).to_be_visible()
    expect(sign_out).to_be_enabled()
    sign_out.click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("link", name="Create a free account")).to_be_visible()


def test_a_wrong_password_is_explained_on_the_page(page, alice):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("alice@example.com")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_text("That email and password do not match an account")).to_be_visible()
    expect(page.get_by_label("Email")).to_have_value("alice@example.com")
