import re

from django.core import mail
from django.urls import reverse


def test_it_emails_a_link_that_sets_a_new_password(client, alice):
    response = client.post(reverse("accounts:password_reset"), {"email": "alice@example.com"})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "Hello Alice Adams" in mail.outbox[0].body
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)

    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.text
    new = "a fresh and long passphrase"
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})

    assert done.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(new)


def test_it_says_the_same_for_an_unknown_email(client, db):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.com"}, follow=True)

    assert "Check your email" in response.text
    assert mail.outbox == []


def test_a_used_link_no_longer_works(client, alice):
    client.post(reverse("accounts:password_reset"), {"email": "alice@example.com"})
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)
    alice.set_password("changed meanwhile 123")
    alice.save()

    response = client.get(link, follow=True)

    assert "This link no longer works" in response.text
