import logging
import re

from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD

NEW = "a fresh and long passphrase"


def reset_link(client, email="alice@example.com"):
    client.post(reverse("accounts:password_reset"), {"email": email})
    return re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[-1].body).group(1)


def test_it_emails_a_link_that_sets_a_new_password(client, alice):
    link = reset_link(client)

    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.text
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})

    assert done.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(NEW)


def test_the_email_does_not_repeat_the_account_name(client, alice):
    # Whoever registered the address chose the name; it may be someone else's words.
    reset_link(client)

    assert "Alice" not in mail.outbox[0].body
    assert mail.outbox[0].to == ["alice@example.com"]


def test_the_email_field_is_normalised_and_bounded(client, alice):
    assert reset_link(client, email="  ALICE@Example.com ")

    response = client.post(reverse("accounts:password_reset"), {"email": "a" * 300 + "@example.com"})
    assert "Ensure this value has at most 254 characters" in response.text


def test_it_says_the_same_for_an_unknown_email(client, db):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.com"}, follow=True)

    assert "Check your email" in response.text
    assert mail.outbox == []


def test_a_used_link_no_longer_works(client, alice):
    link = reset_link(client)
    alice.set_password("changed meanwhile 123")
    alice.save()

    response = client.get(link, follow=True)

    assert "This link no longer works" in response.text


def test_a_reset_sends_a_notice_signs_out_everywhere_and_is_logged(client, alice, caplog):
    caplog.set_level(logging.INFO, logger="usmleprep.security")
    elsewhere = client.__class__()
    elsewhere.post(reverse("accounts:login"), {"username": "alice@example.com", "password": PASSWORD})
    assert alice.sessions.count() == 1

    link = reset_link(client)
    form_page = client.get(link, follow=True)
    client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})

    assert mail.outbox[-1].subject == "Your USMLE Prep Planner password was changed"
    assert mail.outbox[-1].to == ["alice@example.com"]
    assert alice.sessions.count() == 0
    assert elsewhere.get(reverse("planner:dashboard")).status_code == 302
    assert any(message.startswith(f"password_reset account={alice.pk} ") for message in caplog.messages)
    assert not any(link.split("/")[-2] in message for message in caplog.messages)
