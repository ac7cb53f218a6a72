"""Spaced review of completed topics: FSRS cards that know the exam date, on Today within the day's hours."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from planner import layout, plans
from planner.models import ReviewItem
from tests.factories import make_plan
from tests.pages import is_ticked, page_text, text
from tests.planner.plan_form import form_data

START = date(2026, 12, 1)
EXAM = date(2027, 2, 1)


pytestmark = pytest.mark.clock("2026-12-01 15:00 +0000")


@pytest.fixture
def step1(alice, catalog):
    plan = make_plan(alice, start_date=START, steps={"step1": EXAM}, today=START)
    return plan.milestones.get()


def complete(milestone, count):
    return [plans.set_topic_done(pt, done=True) for pt in milestone.plan_topics.order_by("position")[:count]]


def test_completing_a_topic_makes_a_review_item_and_unticking_removes_it(step1):
    (topic,) = complete(step1, 1)

    item = ReviewItem.objects.get(plan_topic=topic)
    assert item.due_on > START
    plans.set_topic_done(topic, done=False)
    assert not ReviewItem.objects.filter(plan_topic=topic).exists()


def test_a_topic_comes_back_on_today_when_its_review_is_due_and_a_rating_sets_the_next(alice_client, step1, clock):
    (topic,) = complete(step1, 1)
    item = ReviewItem.objects.get(plan_topic=topic)
    clock.move_to(f"{item.due_on.isoformat()} 15:00 +0000")

    page = alice_client.get(reverse("planner:today"))

    assert topic.topic.name in page.context["reviews"][0].plan_topic.topic.name
    assert "Reviews" in page.text
    first_due = item.due_on
    response = alice_client.post(reverse("planner:review", args=[item.pk]), {"rating": "good", "next": "/today/"})

    item.refresh_from_db()
    assert response.status_code == 302
    assert response.url == "/today/"
    assert item.reviews == 1
    assert item.due_on > first_due


def test_forgetting_brings_a_topic_back_sooner_than_remembering_it_well(step1, clock):
    again, easy = complete(step1, 2)
    moment = timezone.now() + timedelta(days=3)

    forgot = plans.record_review(ReviewItem.objects.get(plan_topic=again), "again", moment)
    knew = plans.record_review(ReviewItem.objects.get(plan_topic=easy), "easy", moment)

    assert forgot.due_on < knew.due_on


def test_a_bad_rating_changes_nothing(alice_client, step1):
    (topic,) = complete(step1, 1)
    item = ReviewItem.objects.get(plan_topic=topic)

    alice_client.post(reverse("planner:review", args=[item.pk]), {"rating": "perfect"})

    item.refresh_from_db()
    assert item.reviews == 0


def test_every_completed_topic_is_reviewed_in_the_final_stretch_within_the_days_hours(step1, clock):
    topics = complete(step1, 12)
    stored = layout.StoredPlan(step1.plan, [step1], EXAM)
    reviewed = {}
    day = START
    while day < EXAM:
        clock.move_to(f"{day.isoformat()} 15:00 +0000")
        due = layout.StoredPlan(step1.plan, [step1], day).reviews_on(day)
        tasks = stored.tasks_between(day, day).get(day, [])
        assert sum(t.minutes for _, t in tasks) + layout.REVIEW_MINUTES * len(due) <= stored.minutes_available(day)
        for item in due:
            reviewed.setdefault(item.plan_topic_id, []).append(day)
            plans.record_review(item, "good", timezone.now())
        day += timedelta(days=1)

    final_stretch = EXAM - timedelta(days=14)
    assert {pt.pk for pt in topics} == set(reviewed)
    assert all(max(days) >= final_stretch for days in reviewed.values())


def test_a_plan_without_review_shows_none_and_gives_the_whole_day_to_tasks(step1):
    complete(step1, 3)
    plan = step1.plan
    plan.reviews_enabled = False
    plan.save()

    stored = layout.StoredPlan(plan, [step1], EXAM)

    assert stored.calendar.minutes_on(START) == stored.minutes_available(START)
    assert stored.reviews_on(EXAM - timedelta(days=2)) == []


# Turning review off from the plan form


def edit_data(plan, **overrides):
    """The edit form of the step1 fixture's plan as it comes filled in, review ticked; overrides win."""
    data = form_data(
        title=plan.title,
        start_date=plan.start_date.isoformat(),
        step1_date=EXAM.isoformat(),
        step2ck_choice="skip",
        step2ck_date="",
        step3_choice="skip",
        step3_date="",
        reviews_enabled="on",
    )
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}


def phase_minutes(milestone):
    """{phase: (minutes the stored layout says are available, the whole hours of the phase's days)}."""
    milestone.refresh_from_db()
    whole_days = layout.calendar_for(milestone.plan, [], whole_days=True)
    available = {name.replace(" ", "_"): minutes for name, _, minutes in milestone.layout_summary["loads"]}
    return {
        name: (
            available[name],
            sum(whole_days.minutes_on(first + timedelta(days=n)) for n in range((last - first).days + 1)),
        )
        for name, (first, last) in milestone.phases.items()
    }


def test_the_plan_form_offers_spaced_review_ticked_for_a_new_plan(alice_client, catalog):
    page = alice_client.get(reverse("planner:plan_create"))

    assert is_ticked(page, "reviews_enabled")
    assert "Spaced review of completed topics" in page_text(page)
    assert "Keeps a tenth of each study day for short reviews of the topics you have ticked done" in page_text(page)


def test_turning_review_off_lays_the_days_out_again_whole_and_today_shows_no_reviews(alice_client, step1, clock):
    (topic,) = complete(step1, 1)
    item = ReviewItem.objects.get(plan_topic=topic)
    clock.move_to(f"{item.due_on.isoformat()} 15:00 +0000")
    assert "Reviews" in text(alice_client.get(reverse("planner:today")).text)
    assert all(available < whole for available, whole in phase_minutes(step1).values())

    response = alice_client.post(
        reverse("planner:plan_edit", args=[step1.plan.pk]), edit_data(step1.plan, reviews_enabled=None)
    )

    assert response.status_code == 302
    step1.plan.refresh_from_db()
    assert step1.plan.reviews_enabled is False
    assert all(available == whole for available, whole in phase_minutes(step1).values())
    today = alice_client.get(reverse("planner:today"))
    assert today.context["reviews"] == []
    assert "Reviews" not in text(today.text)
    assert not is_ticked(alice_client.get(reverse("planner:plan_edit", args=[step1.plan.pk])), "reviews_enabled")


def test_turning_review_back_on_keeps_a_tenth_of_each_day_again(alice_client, step1):
    alice_client.post(reverse("planner:plan_edit", args=[step1.plan.pk]), edit_data(step1.plan, reviews_enabled=None))
    assert all(available == whole for available, whole in phase_minutes(step1).values())

    response = alice_client.post(reverse("planner:plan_edit", args=[step1.plan.pk]), edit_data(step1.plan))

    assert response.status_code == 302
    step1.plan.refresh_from_db()
    assert step1.plan.reviews_enabled is True
    minutes = phase_minutes(step1)
    assert minutes
    assert all(available == round(whole * (1 - layout.REVIEW_SHARE)) for available, whole in minutes.values())


def test_today_and_the_dashboard_run_the_same_queries_with_one_review_item_or_hundreds(
    alice_client, step1, clock, django_assert_num_queries
):
    from tests.planner.test_dashboard import DASHBOARD_QUERIES
    from tests.planner.test_today import TODAY_QUERIES

    for count in (1, 200):
        complete(step1, count)
        assert ReviewItem.objects.filter(plan_topic__milestone=step1).count() == count
        clock.move_to("2027-01-25 15:00 +0000")  # the final stretch: reviews of every completed topic
        alice_client.force_login(step1.plan.owner)  # weeks later, the first session has ended
        with django_assert_num_queries(TODAY_QUERIES):
            today = alice_client.get(reverse("planner:today"))
        with django_assert_num_queries(DASHBOARD_QUERIES):
            alice_client.get(reverse("planner:dashboard"))
        clock.move_to("2026-12-01 15:00 +0000")

        assert today.context["reviews"]
