"""Two senders at the same moment on the real database, as when cron fires on two machines: one email each."""

import time
from collections import Counter

import pytest
from django.core import mail
from django.core.mail.backends import locmem

from accounts.models import ReminderEmail
from planner import reminders
from tests.planner.test_reminders import NY_0700, person, step1_plan
from tests.threads import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PEOPLE = 8


class SlowBackend(locmem.EmailBackend):
    """Takes a moment per message, as an SMTP server does, so the two senders overlap all the way through."""

    def send_messages(self, messages):
        time.sleep(0.05)
        return super().send_messages(messages)


@pytest.fixture
def people(catalog, settings):
    settings.EMAIL_BACKEND = "tests.planner.test_reminders_concurrency.SlowBackend"
    everyone = [person(f"person{n}@example.com", "America/New_York") for n in range(PEOPLE)]
    for user in everyone:
        step1_plan(user)
    return everyone


def sent_to():
    return Counter(message.to[0] for message in mail.outbox)


@pytest.mark.clock(NY_0700)
def test_two_senders_at_the_same_moment_send_each_person_one_digest(people):
    run_together(reminders.send_due, reminders.send_due)

    assert sent_to() == Counter({user.email: 1 for user in people})
    assert set(ReminderEmail.objects.values_list("status", flat=True)) == {ReminderEmail.Status.SENT}


@pytest.mark.clock(NY_0700)
def test_two_senders_retrying_failed_emails_at_once_send_each_one_once(people):
    for user in people:
        ReminderEmail.objects.create(
            user=user, kind=ReminderEmail.Kind.DAILY_DIGEST, local_date="2026-12-02", status=ReminderEmail.Status.FAILED
        )

    run_together(reminders.send_due, reminders.send_due)

    assert sent_to() == Counter({user.email: 1 for user in people})
    assert set(ReminderEmail.objects.values_list("status", "attempts")) == {(ReminderEmail.Status.SENT, 2)}
