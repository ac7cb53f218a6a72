"""Reminder emails: the morning digest and the weekly summary, at each person's own morning, once."""

import logging
import smtplib
from datetime import date
from io import StringIO

import pytest
from django.core import mail, signing
from django.core.mail.backends import locmem
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import unsubscribe
from accounts.models import ReminderEmail, User
from accounts.unsubscribe import make_token
from planner import readiness, reminders
from planner.models import PlanResource, PracticeExam, PracticeExamSlot, SelfAssessment
from tests.factories import make_plan, make_user

pytestmark = pytest.mark.django_db

DAILY, WEEKLY = ReminderEmail.Kind.DAILY_DIGEST, ReminderEmail.Kind.WEEKLY_SUMMARY
# A Tuesday; alice's Step 1 plan starts that day and her exam is on 1 April 2027.
START = date(2026, 12, 1)
STEP1_DATE = date(2027, 4, 1)
STEP2CK_DATE = date(2027, 9, 1)
# New York is on UTC-5 in December, Tokyo on UTC+9 all year.
NY_0659 = "2026-12-02 11:59 +0000"
NY_0700 = "2026-12-02 12:00 +0000"
NY_NOON = "2026-12-02 17:00 +0000"
TOKYO_0659 = "2026-12-01 21:59 +0000"
TOKYO_0700 = "2026-12-01 22:00 +0000"
MONDAY_NY_0730 = "2026-12-07 12:30 +0000"
# The plan, its milestones, then layout.StoredPlan: days off, allocations, resources, system names,
# practice exams, progress, review items.
DAILY_QUERIES = 9
# The plan, its milestones, their topics, the practice exams taken, the next practice exam.
WEEKLY_QUERIES = 5
# Per email on top of building it: claiming it (INSERT, in a savepoint inside a test's transaction)
# and recording how it went.
SENDING_QUERIES = 4
REFUSED = "carol@example.com"


class RefusingBackend(locmem.EmailBackend):
    """Refuses carol's mailbox the way an SMTP server does; delivers the rest to mail.outbox."""

    def send_messages(self, messages):
        for message in messages:
            if REFUSED in message.to:
                raise smtplib.SMTPRecipientsRefused({REFUSED: (550, b"5.1.1 <carol@example.com> unknown")})
        return super().send_messages(messages)


def opt_in(user, daily=True, weekly=False, verified=True):
    user.email_verified_at = timezone.now() if verified else None
    user.daily_digest, user.weekly_summary = daily, weekly
    user.save()
    return user


def person(email, time_zone, **kwargs):
    return opt_in(make_user(email, time_zone=time_zone), **kwargs)


def step1_plan(owner, steps=None):
    return make_plan(owner, start_date=START, steps=steps or {"step1": STEP1_DATE}, today=START)


@pytest.fixture
def send(clock):
    """Runs the reminder job with the clock at `moment`, as cron would at that time."""

    def send_at(moment):
        clock.move_to(moment)
        return reminders.send_due()

    return send_at


def recipients(kind=None):
    subjects = {DAILY: "Your study plan", WEEKLY: "Your week ahead"}
    return sorted(m.to[0] for m in mail.outbox if kind is None or m.subject.startswith(subjects[kind]))


def html_of(message):
    (content, mimetype) = message.alternatives[0]
    assert mimetype == "text/html"
    return content


@pytest.fixture
def alice_in_new_york(alice, catalog):
    opt_in(alice)
    step1_plan(alice)
    return alice


# When


def test_a_person_in_new_york_gets_the_digest_from_7_new_york_time_and_not_before(alice_in_new_york, send):
    send(NY_0659)
    assert mail.outbox == []

    send(NY_0700)

    assert recipients() == ["alice@example.com"]
    assert mail.outbox[0].subject == "Your study plan for 2 Dec 2026"


def test_a_morning_missed_until_noon_is_not_sent_late(alice_in_new_york, send):
    send(NY_NOON)

    assert mail.outbox == []


def test_a_person_in_tokyo_gets_the_digest_at_their_own_morning(alice_in_new_york, send):
    carol = person("carol@example.com", "Asia/Tokyo")
    step1_plan(carol)

    send(TOKYO_0659)
    assert mail.outbox == []
    send(TOKYO_0700)

    # 07:00 in Tokyo on Wednesday is 17:00 on Tuesday in New York: alice's morning has not come.
    assert recipients() == ["carol@example.com"]
    assert mail.outbox[0].subject == "Your study plan for 2 Dec 2026"
    assert ReminderEmail.objects.get(user=carol).local_date == date(2026, 12, 2)


def test_each_digest_goes_once_a_day_however_often_the_command_runs(alice_in_new_york, send):
    send(NY_0700)
    send(NY_0700)
    send("2026-12-02 13:35 +0000")

    assert recipients() == ["alice@example.com"]

    send("2026-12-03 12:05 +0000")

    assert len(mail.outbox) == 2
    assert mail.outbox[1].subject == "Your study plan for 3 Dec 2026"


def test_nobody_gets_reminders_without_turning_them_on_or_without_a_confirmed_email(alice, bob, catalog, send):
    opt_in(alice, daily=False)
    opt_in(bob, daily=True, verified=False)
    bob.time_zone = "America/New_York"
    bob.save()
    step1_plan(alice)
    step1_plan(bob)

    send(NY_0700)

    assert mail.outbox == []
    assert not ReminderEmail.objects.exists()


def test_an_inactive_account_gets_no_reminders(alice_in_new_york, send):
    User.objects.filter(pk=alice_in_new_york.pk).update(is_active=False)

    send(NY_0700)

    assert mail.outbox == []


def test_a_time_zone_we_do_not_know_stops_nobody_elses_digest(alice_in_new_york, bob, caplog, send):
    opt_in(bob)
    User.objects.filter(pk=bob.pk).update(time_zone="Mars/Olympus_Mons")

    send(NY_0700)

    assert recipients() == ["alice@example.com"]
    assert "reminder_unknown_time_zone zone='Mars/Olympus_Mons'" in caplog.text


def test_a_person_with_nothing_to_do_gets_no_email_and_is_not_looked_at_again_that_morning(alice, catalog, send):
    opt_in(alice)

    send(NY_0700)
    send("2026-12-02 12:05 +0000")

    assert mail.outbox == []
    assert ReminderEmail.objects.get(user=alice).status == ReminderEmail.Status.NOTHING


# What the daily digest says


def test_the_digest_lists_todays_tasks_and_overdue_work_with_the_day_it_was_due(alice_in_new_york, clock, send):
    plan = alice_in_new_york.plans.get()
    clock.move_to(NY_0700)
    digest = reminders.daily_digest(alice_in_new_york, date(2026, 12, 2))

    send(NY_0700)

    message = mail.outbox[0]
    assert digest.tasks
    assert digest.overdue
    assert {line.due_on for line in digest.overdue} == {START}
    for line in digest.tasks:
        assert f"- Step 1: {line.label}, {line.minutes} min\n" in message.body
    for line in digest.overdue:
        assert f"- Step 1: {line.label}, {line.minutes} min, due Tue 1 Dec 2026\n" in message.body
    assert "Your plan for today, Wednesday 2 December 2026" in message.body
    assert "Still to do from earlier days:" in message.body
    assert f"http://127.0.0.1:8000{reverse('planner:today')}" in message.body
    assert plan.title not in message.subject
    assert "due Tue 1 Dec 2026" in html_of(message)


def test_the_digest_quotes_neither_the_persons_name_in_text_nor_anything_unescaped_in_html(alice_in_new_york, send):
    PlanResource.objects.filter(milestone__plan__owner=alice_in_new_york, resource__kind="book").update(
        name="<script>alert(1)</script> notes"
    )

    send(NY_0700)

    message = mail.outbox[0]
    assert message.body.startswith("Good morning,\n")
    assert "Alice" not in message.body
    assert "Alice" not in html_of(message)
    assert "<script>alert(1)</script> notes pp. " in message.body
    assert "<script>" not in html_of(message)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; notes pp. " in html_of(message)


def test_the_digest_is_built_in_a_fixed_number_of_queries(alice_in_new_york, django_assert_max_num_queries):
    with django_assert_max_num_queries(DAILY_QUERIES):
        digest = reminders.daily_digest(alice_in_new_york, date(2026, 12, 2))

    assert digest.tasks


def test_a_run_costs_a_fixed_number_of_queries_per_person(alice_in_new_york, django_assert_max_num_queries, send):
    for name in ("dave", "erin"):
        step1_plan(person(f"{name}@example.com", "America/Toronto"))

    # Two to find who is due, one to see that no weekly summary is (a Wednesday), then per person.
    with django_assert_max_num_queries(3 + 3 * (DAILY_QUERIES + SENDING_QUERIES)):
        send(NY_0700)

    assert recipients() == ["alice@example.com", "dave@example.com", "erin@example.com"]


# The weekly summary


@pytest.fixture
def monday_plan(alice, catalog):
    """Step 1 and Step 2 CK, two practice exams of each by Monday 7 Dec, NBME 30 planned for Saturday."""
    opt_in(alice, daily=False, weekly=True)
    plan = step1_plan(alice, {"step1": STEP1_DATE, "step2ck": STEP2CK_DATE})
    step1 = plan.milestones.get(step__code="step1")
    step2ck = plan.milestones.get(step__code="step2ck")
    step2ck.target_score = 250
    step2ck.save()
    for key, day, percent, probability in [("nbme_step1_29", 3, 62, 70), ("nbme_step1_31", 5, 66, 80)]:
        form = SelfAssessment.objects.get(key=key)
        PracticeExam.objects.create(
            plan=plan,
            milestone=step1,
            kind="nbme",
            form=form,
            taken_on=date(2026, 12, day),
            percent_correct=percent,
            pass_probability=probability,
        )
    for day, score in [(2, 235), (6, 244)]:
        PracticeExam.objects.create(
            plan=plan, milestone=step2ck, kind="uwsa", taken_on=date(2026, 12, day), score=score
        )
    # NBME 29 was taken early: its planned day no longer counts as the next practice exam.
    PracticeExamSlot.objects.create(
        milestone=step1, form=SelfAssessment.objects.get(key="nbme_step1_29"), day=date(2026, 12, 9)
    )
    PracticeExamSlot.objects.create(
        milestone=step1, form=SelfAssessment.objects.get(key="nbme_step1_30"), day=date(2026, 12, 12)
    )
    return plan


def test_the_weekly_summary_on_monday_shows_progress_per_step_the_next_practice_exam_and_the_forecast(
    monday_plan, catalog, send
):
    step1_results = [
        readiness.PracticeResult(date(2026, 12, 3), None, 62, 70, "percent_and_pass_probability"),
        readiness.PracticeResult(date(2026, 12, 5), None, 66, 80, "percent_and_pass_probability"),
    ]
    step2ck_results = [
        readiness.PracticeResult(date(2026, 12, 2), 235, None, None, "three_digit"),
        readiness.PracticeResult(date(2026, 12, 6), 244, None, None, "three_digit"),
    ]
    step1_verdict = readiness.verdict(readiness.pass_trend(step1_results, STEP1_DATE))
    step2ck_verdict = readiness.verdict(
        readiness.forecast_score(step2ck_results, STEP2CK_DATE), catalog["step2ck"].passing_score, 250
    )
    step1_topics = monday_plan.milestones.get(step__code="step1").plan_topics.count()

    send(MONDAY_NY_0730)

    (message,) = mail.outbox
    assert message.subject == "Your week ahead, from 7 Dec 2026"
    assert "Step 1, exam on Thu 1 Apr 2027\n" in message.body
    assert f"- Topics done: 0 of {step1_topics}\n" in message.body
    assert "- Standing: Behind by " in message.body
    assert f"- Forecast: {step1_verdict.sentence}\n" in message.body
    assert "projected pass probability" in step1_verdict.sentence
    assert "Step 2 CK, exam on Wed 1 Sep 2027\n" in message.body
    assert (
        f"- Forecast: {step2ck_verdict.sentence} Chance of reaching your target of 250: "
        f"{step2ck_verdict.chance_of_target}%.\n"
    ) in message.body
    assert "Next practice exam: NBME Form 30 (Step 1) on Sat 12 Dec 2026." in message.body
    assert step1_verdict.sentence in html_of(message)


def test_the_weekly_summary_goes_on_monday_mornings_only(monday_plan, send):
    send("2026-12-08 12:30 +0000")  # Tuesday, 07:30 in New York
    send("2026-12-07 11:30 +0000")  # Monday, 06:30 in New York

    assert mail.outbox == []


def test_a_step_without_enough_practice_exams_has_no_forecast_line(alice, catalog, send):
    opt_in(alice, daily=False, weekly=True)
    step1_plan(alice)

    send(MONDAY_NY_0730)

    assert "Topics done: 0 of " in mail.outbox[0].body
    assert "Forecast" not in mail.outbox[0].body


def test_the_weekly_summary_is_built_in_a_fixed_number_of_queries(monday_plan, alice, django_assert_max_num_queries):
    with django_assert_max_num_queries(WEEKLY_QUERIES):
        summary = reminders.weekly_summary(alice, date(2026, 12, 7))

    assert [step.name for step in summary.steps] == ["Step 1", "Step 2 CK"]


# Failures


def test_a_failing_email_stops_nobody_elses_and_is_tried_again_on_the_next_run(
    alice_in_new_york, settings, caplog, send
):
    carol = person(REFUSED, "America/New_York")
    step1_plan(carol)
    dave = person("dave@example.com", "America/New_York")
    step1_plan(dave)
    settings.EMAIL_BACKEND = "tests.planner.test_reminders.RefusingBackend"

    with caplog.at_level(logging.INFO, logger="usmleprep.reminders"):
        send(NY_0700)

    assert recipients() == ["alice@example.com", "dave@example.com"]
    assert ReminderEmail.objects.get(user=carol).status == ReminderEmail.Status.FAILED
    (failure,) = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert failure.name == "usmleprep.reminders"
    assert failure.getMessage() == (
        f"reminder_failed account={carol.pk} kind=daily_digest date=2026-12-02 attempt=1 error=SMTPRecipientsRefused"
    )
    assert all(REFUSED not in record.getMessage() for record in caplog.records)

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    send("2026-12-02 12:05 +0000")

    assert recipients() == ["alice@example.com", REFUSED, "dave@example.com"]
    claim = ReminderEmail.objects.get(user=carol)
    assert (claim.status, claim.attempts) == (ReminderEmail.Status.SENT, 2)


def test_an_address_that_keeps_failing_is_left_alone_after_five_tries(alice, catalog, settings, send):
    carol = person(REFUSED, "America/New_York")
    step1_plan(carol)
    settings.EMAIL_BACKEND = "tests.planner.test_reminders.RefusingBackend"

    for minute in range(0, 35, 5):
        send(f"2026-12-02 12:{minute:02d} +0000")

    assert ReminderEmail.objects.get(user=carol).attempts == ReminderEmail.MAX_ATTEMPTS


def test_an_email_claimed_by_a_run_that_died_is_sent_an_hour_later(alice_in_new_york, clock, send):
    clock.move_to(NY_0700)
    ReminderEmail.objects.claim(alice_in_new_york.pk, DAILY, date(2026, 12, 2))

    send("2026-12-02 12:30 +0000")
    assert mail.outbox == []
    send("2026-12-02 13:01 +0000")

    assert recipients() == ["alice@example.com"]


def test_a_claimed_email_cannot_be_claimed_again(alice):
    assert ReminderEmail.objects.claim(alice.pk, DAILY, START) is not None
    assert ReminderEmail.objects.claim(alice.pk, DAILY, START) is None
    assert ReminderEmail.objects.claim(alice.pk, WEEKLY, START) is not None


# Unsubscribing


def unsubscribe_path(message):
    header = message.extra_headers["List-Unsubscribe"]
    assert header.startswith("<http://127.0.0.1:8000/")
    assert header.endswith("/>")
    return header[len("<http://127.0.0.1:8000") : -1]


def test_every_reminder_carries_the_one_click_unsubscribe_headers_and_a_link(alice_in_new_york, send):
    send(NY_0700)

    message = mail.outbox[0]
    path = unsubscribe_path(message)
    assert path == reverse("accounts:unsubscribe", args=[make_token(alice_in_new_york, DAILY)])
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"To stop it, open http://127.0.0.1:8000{path}\n" in message.body
    assert f'<a href="http://127.0.0.1:8000{path}">Unsubscribe</a>' in html_of(message)
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in message.message().as_string()


def test_the_unsubscribe_link_asks_first_then_turns_the_digest_off_signed_out(alice):
    opt_in(alice, daily=True, weekly=True)
    client = Client(enforce_csrf_checks=True)
    url = reverse("accounts:unsubscribe", args=[make_token(alice, DAILY)])

    page = client.get(url)

    assert page.status_code == 200
    assert "Stop the morning digest?" in page.text
    alice.refresh_from_db()
    assert alice.daily_digest

    done = client.post(url, {"csrfmiddlewaretoken": client.cookies["csrftoken"].value})

    assert done.status_code == 200
    assert "You are unsubscribed" in done.text
    alice.refresh_from_db()
    assert (alice.daily_digest, alice.weekly_summary) == (False, True)


def test_the_confirm_form_still_needs_its_csrf_token(alice):
    opt_in(alice)
    url = reverse("accounts:unsubscribe", args=[make_token(alice, DAILY)])

    response = Client(enforce_csrf_checks=True).post(url, {})

    assert response.status_code == 403
    alice.refresh_from_db()
    assert alice.daily_digest


def test_a_mail_providers_one_click_post_unsubscribes_without_cookie_or_csrf_token(alice_in_new_york, caplog, send):
    send(NY_0700)
    path = unsubscribe_path(mail.outbox[0])

    with caplog.at_level(logging.INFO, logger="usmleprep.security"):
        response = Client(enforce_csrf_checks=True).post(path, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    alice_in_new_york.refresh_from_db()
    assert not alice_in_new_york.daily_digest
    assert f"reminders_unsubscribed account={alice_in_new_york.pk}" in caplog.text
    send("2026-12-03 12:05 +0000")
    assert len(mail.outbox) == 1


def test_the_weekly_summarys_link_stops_only_the_weekly_summary(alice):
    opt_in(alice, daily=True, weekly=True)
    url = reverse("accounts:unsubscribe", args=[make_token(alice, WEEKLY)])

    Client().post(url, {"List-Unsubscribe": "One-Click"})

    alice.refresh_from_db()
    assert (alice.daily_digest, alice.weekly_summary) == (True, False)


def sign(payload):
    return signing.Signer(salt=unsubscribe.SALT).sign_object(payload)


BROKEN_TOKENS = {
    "cut short": lambda alice: make_token(alice, DAILY)[:-3],
    "signed for something else": lambda alice: signing.Signer(salt="x").sign_object(
        {"user": alice.pk, "kind": "daily_digest"}
    ),
    "an unknown kind": lambda alice: sign({"user": alice.pk, "kind": "all"}),
    "no account": lambda alice: sign({"kind": "daily_digest"}),
    "not a payload": lambda alice: sign([alice.pk]),
    "nonsense": lambda alice: "nonsense",
}


@pytest.mark.parametrize("broken", BROKEN_TOKENS)
def test_a_broken_or_forged_link_changes_nothing(alice, broken):
    opt_in(alice)
    url = reverse("accounts:unsubscribe", args=[BROKEN_TOKENS[broken](alice)])

    page = Client().get(url)
    posted = Client().post(url, {"List-Unsubscribe": "One-Click"})

    assert (page.status_code, posted.status_code) == (404, 404)
    assert "This link does not work" in page.text
    alice.refresh_from_db()
    assert alice.daily_digest


def test_a_link_for_an_account_deleted_since_does_not_work(alice):
    url = reverse("accounts:unsubscribe", args=[make_token(alice, DAILY)])
    alice.delete()

    assert Client().get(url).status_code == 404


def test_the_unsubscribe_page_answers_only_get_and_post(alice):
    url = reverse("accounts:unsubscribe", args=[make_token(alice, DAILY)])

    assert Client().put(url).status_code == 405


# The profile


def test_the_profile_turns_reminders_on_under_their_own_heading(alice_client, alice):
    data = {"name": "Alice Adams", "email": "alice@example.com", "time_zone": "America/New_York"}

    page = alice_client.get(reverse("accounts:profile"))
    response = alice_client.post(reverse("accounts:profile"), data | {"daily_digest": "on", "weekly_summary": "on"})

    assert '<legend class="h5">Email reminders</legend>' in page.text
    assert "once you confirm it" in page.text
    assert response.status_code == 302
    alice.refresh_from_db()
    assert (alice.daily_digest, alice.weekly_summary) == (True, True)


# The command


def test_the_command_sends_what_is_due_and_says_so_in_one_line(alice_in_new_york, clock):
    out = StringIO()
    clock.move_to(NY_0700)
    call_command("send_reminders", stdout=out)
    call_command("send_reminders", stdout=out)

    assert out.getvalue().splitlines() == [
        "Reminders: 1 sent, 0 failed (tried again on the next run), 0 with nothing to say.",
        "Reminders: 0 sent, 0 failed (tried again on the next run), 0 with nothing to say.",
    ]


# Transactional: between runs the command closes its database connections, which a test's transaction
# would not survive on PostgreSQL.
@pytest.mark.django_db(transaction=True)
def test_the_command_keeps_running_every_so_many_seconds(alice_in_new_york, clock, monkeypatch):
    sleeps = []

    def sleep(seconds):
        sleeps.append(seconds)
        if len(sleeps) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr("planner.management.commands.send_reminders.time.sleep", sleep)
    out = StringIO()
    clock.move_to(NY_0700)
    with pytest.raises(KeyboardInterrupt):
        call_command("send_reminders", "--every", "300", stdout=out)

    assert sleeps == [300, 300]
    assert len(out.getvalue().splitlines()) == 2
    assert recipients() == ["alice@example.com"]


def test_the_command_refuses_a_loop_without_a_pause(db):
    with pytest.raises(CommandError, match="--every"):
        call_command("send_reminders", "--every", "0")


def test_the_weekly_summary_follows_mondays_in_the_persons_own_time_zone(alice, catalog, send):
    carol = person("carol@example.com", "Asia/Tokyo", daily=False, weekly=True)
    step1_plan(carol)

    send("2026-12-06 22:30 +0000")  # Sunday evening in UTC, 07:30 on Monday in Tokyo

    assert recipients(WEEKLY) == ["carol@example.com"]
    assert mail.outbox[0].subject == "Your week ahead, from 7 Dec 2026"
