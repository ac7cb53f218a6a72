import re
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from planner.models import ExamResult, Milestone
from tests.factories import NOW, STEP1_DATE, STEP2CK_DATE, TODAY, make_plan
from tests.pages import field_error, fields_with_errors, input_value, page_text, section, text
from tests.threads import run_together

RETAKE = date(2027, 7, 6)
START_FOR_BOB = date(2027, 1, 11)


pytestmark = pytest.mark.clock(NOW)


def url(milestone):
    return reverse("planner:exam_result", args=[milestone.pk])


def passed(sat_on="2027-01-14", **extra):
    return {"sat_on": sat_on, "passed": "yes", **extra}


def failed(new_target_date=RETAKE, sat_on="2027-01-14", **extra):
    return {"sat_on": sat_on, "passed": "no", "new_target_date": str(new_target_date), **extra}


def card_headings(response):
    return [
        re.sub(r"<[^>]+>", "", h).strip()
        for h in re.findall(r'<h3 class="h5 card-title">(.*?)</h3>', response.content.decode())
    ]


def schedule(milestone):
    return {pt.pk: (pt.starts_on, pt.due_on, pt.completed_at) for pt in milestone.plan_topics.all()}


def test_the_result_page_explains_the_step_and_asks_for_the_result(alice_client, step1):
    response = alice_client.get(url(step1))

    assert response.status_code == 200
    shown = page_text(response)
    assert "Record your Step 1 result" in shown
    assert "Step 1 is reported as pass or fail since 26 January 2022." in shown
    assert "USMLE allows 4 attempts at each Step." in shown
    # Step 1 is pass/fail: there is no score to enter.
    assert 'name="score"' not in response.content.decode()
    assert 'name="sat_on"' in response.content.decode()


def test_the_step2ck_result_page_asks_for_the_score(alice_client, step2ck):
    response = alice_client.get(url(step2ck))

    assert "Step 2 CK is scored on a three-digit scale; the minimum passing score is 218" in page_text(response)
    assert input_value(response, "score") == ""


def test_a_step1_pass_closes_the_milestone_and_leaves_the_dashboard(alice_client, plan, step1):
    assert card_headings(alice_client.get(reverse("planner:dashboard"))) == ["Step 1", "Step 2 CK"]

    response = alice_client.post(url(step1), passed(), follow=True)

    assert response.redirect_chain == [(plan.get_absolute_url(), 302)]
    assert "Congratulations on passing Step 1!" in page_text(response)
    step1.refresh_from_db()
    assert step1.status == Milestone.Status.PASSED
    result = ExamResult.objects.get()
    assert (result.milestone, result.attempt, result.sat_on, result.passed, result.score) == (
        step1,
        1,
        date(2027, 1, 14),
        True,
        None,
    )
    dashboard = alice_client.get(reverse("planner:dashboard"))
    assert card_headings(dashboard) == ["Step 2 CK"]
    assert "High-yield topics still ahead for Step 2 CK" in page_text(dashboard)


def test_a_step2ck_result_needs_the_score(alice_client, step2ck):
    response = alice_client.post(url(step2ck), passed())

    assert response.status_code == 200
    assert field_error(response, "score") == "Step 2 CK reports a three-digit score: enter yours."
    assert ExamResult.objects.count() == 0
    step2ck.refresh_from_db()
    assert step2ck.status == Milestone.Status.PLANNED


def test_a_step2ck_pass_keeps_the_score(alice_client, step2ck):
    alice_client.post(url(step2ck), passed(score="245"))

    result = ExamResult.objects.get()
    assert (result.passed, result.score) == (True, 245)
    step2ck.refresh_from_db()
    assert step2ck.status == Milestone.Status.PASSED


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"passed": "no", "sat_on": "2027-01-14"}, "new_target_date", "Choose the date of your retake."),
        (failed(TODAY), "new_target_date", "Choose a retake date after today and after this Step's study began."),
        (
            failed("2027-01-10"),
            "new_target_date",
            "Choose a retake date after today and after this Step's study began.",
        ),
        (
            failed(STEP2CK_DATE),
            "new_target_date",
            "The retake must come before Step 2 CK on 4 Jan 2028. Move that date first in the plan.",
        ),
        (failed(sat_on="2027-01-16"), "sat_on", "This date is in the future. Log what you have already done."),
        ({"sat_on": "2027-01-14"}, "passed", "This field is required."),
        ({"passed": "yes"}, "sat_on", "This field is required."),
    ],
    ids=[
        "no retake date",
        "retake today",
        "retake in the past",
        "retake on step 2 ck day",
        "sat in the future",
        "no result",
        "no date",
    ],
)
def test_bad_input_is_explained_and_nothing_is_recorded(alice_client, step1, data, field, message):
    before = schedule(step1)

    response = alice_client.post(url(step1), data)

    assert response.status_code == 200
    assert field_error(response, field) == message
    assert fields_with_errors(response) == [field]
    assert ExamResult.objects.count() == 0
    step1.refresh_from_db()
    assert (step1.status, step1.target_date) == (Milestone.Status.PLANNED, STEP1_DATE)
    assert schedule(step1) == before


def test_a_fail_sets_the_retake_date_and_reschedules_only_unfinished_topics(alice_client, plan, step1):
    done_at = timezone.now() - timedelta(days=3)
    done = list(step1.plan_topics.order_by("position")[:5])
    for plan_topic in done:
        plan_topic.completed_at = done_at
        plan_topic.save()
    done_before = {pt.pk: (pt.starts_on, pt.due_on, pt.completed_at) for pt in done}
    last_due_before = max(pt.due_on for pt in step1.plan_topics.remaining())

    response = alice_client.post(url(step1), failed(), follow=True)

    assert response.redirect_chain == [(plan.get_absolute_url(), 302)]
    assert "Attempt 1 recorded. Your unfinished topics now lead up to the retake." in page_text(response)
    step1.refresh_from_db()
    assert (step1.status, step1.target_date, step1.scheduled_on) == (Milestone.Status.FAILED, RETAKE, TODAY)
    result = ExamResult.objects.get()
    assert (result.attempt, result.passed, result.sat_on) == (1, False, date(2027, 1, 14))

    assert {pt.pk: (pt.starts_on, pt.due_on, pt.completed_at) for pt in step1.plan_topics.completed()} == done_before
    unfinished = list(step1.plan_topics.remaining())
    total = step1.plan_topics.count()
    assert len(unfinished) == total - 5
    assert all(TODAY <= pt.starts_on <= pt.due_on < RETAKE for pt in unfinished)
    # The extra weeks are used: the last topic now falls after the first exam date would have allowed.
    assert max(pt.due_on for pt in unfinished) > last_due_before
    assert f"5 of {total} topics done" in page_text(response)


def test_after_a_fail_the_dashboard_counts_down_to_the_retake(alice_client, step1):
    alice_client.post(url(step1), failed())

    dashboard = alice_client.get(reverse("planner:dashboard"))

    assert card_headings(dashboard) == ["Step 1 retake", "Step 2 CK"]
    assert f"{(RETAKE - TODAY).days} days to the exam on 6 Jul 2027" in page_text(dashboard)


def test_after_a_fail_the_next_step_is_studied_after_the_retake(alice_client, step1, step2ck):
    alice_client.post(url(step1), failed())

    step2ck.refresh_from_db()
    # Each Step's window opens on the previous Step's exam day; a retake moves that day.
    assert step2ck.starts_on == RETAKE
    assert min(pt.starts_on for pt in step2ck.plan_topics.all()) >= RETAKE


def test_attempts_count_up_and_four_failures_end_eligibility_for_every_step(alice_client, step1, step2ck):
    attempts = [
        ("2025-01-10", date(2027, 2, 1)),
        ("2025-05-10", date(2027, 3, 1)),
        ("2025-09-10", date(2027, 4, 1)),
    ]
    for attempt, (sat_on, retake) in enumerate(attempts, start=1):
        response = alice_client.post(url(step1), failed(retake, sat_on=sat_on), follow=True)
        assert f"Attempt {attempt} recorded." in page_text(response)
    # The fourth: 12 months after the first and 6 after the third. No retake follows it.
    response = alice_client.post(url(step1), {"sat_on": "2026-03-10", "passed": "no"}, follow=True)
    assert "Attempt 4 recorded. No further attempt can be planned." in page_text(response)
    assert list(step1.results.values_list("attempt", flat=True)) == [1, 2, 3, 4]

    ineligible = (
        "Four failed attempts at any Step make a person ineligible for every Step, and you have failed Step 1 "
        "4 times. A further attempt cannot be recorded."
    )
    for milestone in [step1, step2ck]:
        page = alice_client.get(url(milestone))
        assert ineligible in page_text(page)
        assert 'name="sat_on"' not in page.content.decode()
        response = alice_client.post(url(milestone), passed(score="240"))
        assert response.status_code == 200
        assert ineligible in page_text(response)
    assert "Attempt 4, 10 Mar 2026: failed" in page_text(alice_client.get(url(step1)))
    assert ExamResult.objects.count() == 4


def test_a_retake_date_after_the_last_possible_attempt_is_refused(alice_client, step1):
    ExamResult.objects.bulk_create(
        ExamResult(milestone=step1, attempt=n, sat_on=day, passed=False)
        for n, day in enumerate([date(2025, 1, 10), date(2025, 5, 10), date(2025, 9, 10)], start=1)
    )

    response = alice_client.post(url(step1), failed(date(2027, 3, 1), sat_on="2026-03-10"))

    assert field_error(response, "new_target_date").startswith(
        "Leave the retake date empty: no retake is possible. Four failed attempts at any Step"
    )
    assert step1.results.count() == 3


def test_a_pass_after_four_recorded_fails_is_refused_too(alice_client, step1):
    ExamResult.objects.bulk_create(
        ExamResult(milestone=step1, attempt=n, sat_on=date(2025, 3 * n, 1), passed=False) for n in range(1, 5)
    )

    response = alice_client.post(url(step1), passed())

    assert "Four failed attempts at any Step make a person ineligible for every Step" in page_text(response)
    assert step1.results.count() == 4
    step1.refresh_from_db()
    assert step1.status == Milestone.Status.PLANNED


def test_four_failures_on_one_day_are_refused(alice_client, step1):
    alice_client.post(url(step1), failed(date(2027, 2, 1)))

    response = alice_client.post(url(step1), failed(date(2027, 3, 1)))

    assert response.status_code == 200
    assert field_error(response, "sat_on") == (
        "Attempts come in date order: this one must come after your previous Step 1 attempt on 14 Jan 2027."
    )
    assert step1.results.count() == 1
    step1.refresh_from_db()
    assert step1.target_date == date(2027, 2, 1)


def test_the_form_says_when_the_previous_attempt_was_and_explains_the_rules(alice_client, step1):
    alice_client.post(url(step1), failed(date(2027, 2, 1)))

    shown = page_text(alice_client.get(url(step1)))

    assert "Attempts come in date order: after your previous Step 1 attempt on 14 Jan 2027." in shown
    assert (
        "USMLE allows 4 attempts at a Step, at most 3 within 12 months; a fourth must be at least 12 months after "
        "the first and at least 6 months after the most recent."
    ) in shown


def test_the_retake_after_a_third_fail_waits_12_months_after_the_first_and_says_the_earliest_date(alice_client, step1):
    ExamResult.objects.bulk_create(
        ExamResult(milestone=step1, attempt=n, sat_on=day, passed=False)
        for n, day in enumerate([date(2026, 3, 1), date(2026, 6, 1)], start=1)
    )

    response = alice_client.post(url(step1), failed(date(2027, 2, 28), sat_on="2026-09-01"))

    assert field_error(response, "new_target_date") == (
        "A fourth attempt at Step 1 must be at least 12 months after your first (1 Mar 2026) and at least 6 months "
        "after your most recent (1 Sep 2026): 1 Mar 2027 at the earliest."
    )
    assert step1.results.count() == 2

    alice_client.post(url(step1), failed(date(2027, 3, 1), sat_on="2026-09-01"))

    step1.refresh_from_db()
    assert (step1.results.count(), step1.target_date) == (3, date(2027, 3, 1))


def test_a_result_after_a_pass_is_refused_and_the_step_stays_passed(alice_client, plan, step1):
    alice_client.post(url(step1), passed(sat_on="2027-01-14"))

    page = alice_client.get(url(step1))
    response = alice_client.post(url(step1), failed(date(2027, 3, 1), sat_on="2027-01-15"))

    message = "You passed Step 1 on 14 Jan 2027; a passed Step is not retaken."
    assert message in page_text(page)
    assert 'name="sat_on"' not in page.content.decode()
    assert response.status_code == 200
    assert message in page_text(response)
    step1.refresh_from_db()
    assert step1.status == Milestone.Status.PASSED
    assert step1.results.count() == 1


def test_a_pass_in_another_plan_counts(alice_client, alice, step1):
    other = make_plan(alice, title="Old plan", start_date=date(2026, 1, 5), steps={"step1": date(2026, 6, 1)})
    ExamResult.objects.create(milestone=other.milestones.get(), attempt=1, sat_on=date(2026, 6, 1), passed=True)

    response = alice_client.post(url(step1), failed(date(2027, 3, 1)))

    assert "You passed Step 1 on 1 Jun 2026; a passed Step is not retaken." in page_text(response)
    assert step1.results.count() == 0


def test_the_timeline_shows_the_day_the_step_was_passed(alice_client, plan, step1):
    response = alice_client.post(url(step1), passed(sat_on="2027-01-14"), follow=True)

    timeline = text(section(response, "timeline-heading"))
    assert "Step 1 — passed on 14 Jan 2027" in timeline
    assert "4 May 2027" not in timeline


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (failed(sat_on="0001-01-01"), "sat_on", "Enter a date between 1 Jan 1990 and 15 Jan 2037."),
        (passed(sat_on="1989-12-31"), "sat_on", "Enter a date between 1 Jan 1990 and 15 Jan 2037."),
        (failed("9999-12-31"), "new_target_date", "Enter a date between 1 Jan 1990 and 15 Jan 2037."),
        (failed("2034-01-01"), "new_target_date", "Keep exam dates within 6 years of the plan's start."),
    ],
    ids=["sat in year 1", "sat before 1990", "retake in 9999", "retake past the plan's years"],
)
def test_dates_out_of_range_are_refused(alice_client, step1, data, field, message):
    response = alice_client.post(url(step1), data)

    assert response.status_code == 200
    assert field_error(response, field) == message
    assert ExamResult.objects.count() == 0
    step1.refresh_from_db()
    assert (step1.status, step1.target_date) == (Milestone.Status.PLANNED, STEP1_DATE)


def test_bobs_attempts_do_not_count_against_alice(alice_client, step1, bob):
    bobs_step1 = make_plan(bob, start_date=START_FOR_BOB, steps={"step1": STEP1_DATE}).milestones.get()
    ExamResult.objects.bulk_create(
        ExamResult(milestone=bobs_step1, attempt=n, sat_on=date(2026, n, 1), passed=False) for n in range(1, 5)
    )

    alice_client.post(url(step1), passed())

    assert step1.results.get().attempt == 1


def test_the_result_page_requires_sign_in(client, step1):
    response = client.get(url(step1))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_double_submit_records_one_attempt(alice, step1):
    answers = []

    def submit():
        client = Client()
        client.force_login(alice)
        answers.append(client.post(url(step1), failed(date(2027, 2, 1))).status_code)

    run_together(submit, submit)

    assert sorted(answers) == [200, 302]
    assert step1.results.count() == 1


def test_the_database_refuses_two_sittings_of_a_step_on_one_day(alice):
    from django.db import IntegrityError, transaction

    milestone = make_plan(alice, start_date=TODAY, steps={"step1": STEP1_DATE}).milestones.get()
    ExamResult.objects.create(milestone=milestone, attempt=1, sat_on=date(2027, 1, 14), passed=False)

    with pytest.raises(IntegrityError), transaction.atomic():
        ExamResult.objects.create(milestone=milestone, attempt=2, sat_on=date(2027, 1, 14), passed=True)
