"""Falling behind on the daily plan: each catch-up strategy is previewed, and applying it stores the preview."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from planner import daily, layout
from planner.models import Allocation, PlanResource, TaskProgress
from tests.factories import make_plan
from tests.pages import text

START = date(2026, 12, 1)
EXAM = date(2027, 4, 1)
# Two days later, nothing ticked in between.
LATER = date(2026, 12, 3)

# The plan is made on its first day, 10:00 in New York.
pytestmark = pytest.mark.clock("2026-12-01 15:00 +0000")


@pytest.fixture
def step1(alice, catalog):
    plan = make_plan(alice, start_date=START, steps={"step1": EXAM}, today=START)
    return plan.milestones.get()


@pytest.fixture
def two_days_later(alice_client, step1, clock):
    clock.move_to("2026-12-03 15:00 +0000")
    return alice_client


def next_two_weeks(milestone):
    stored = layout.StoredPlan(milestone.plan, [milestone], LATER + timedelta(days=13))
    return {
        day: [task.label for _, task in items]
        for day, items in stored.tasks_between(LATER, LATER + timedelta(days=13)).items()
    }


def laid_out(option):
    return {
        day: [task.label for task in tasks]
        for day, tasks in daily.tasks_between(
            option.result.layout,
            option.result.calendar,
            LATER,
            LATER + timedelta(days=13),
            {r.pk: layout.resource_input(r) for r in PlanResource.objects.all()},
        ).items()
    }


def test_work_left_undone_for_two_days_shows_with_the_day_it_was_due(two_days_later, step1):
    response = two_days_later.get(reverse("planner:catch_up", args=[step1.pk]))

    shown = text(response.text)
    assert "pending since Tue 1 Dec 2026" in shown


@pytest.mark.parametrize("strategy", [s for s, _ in layout.Strategy.CHOICES])
def test_applying_a_strategy_stores_exactly_what_its_preview_showed(step1, strategy, clock):
    clock.move_to("2026-12-03 15:00 +0000")
    option = layout.catch_up_option(step1, LATER, strategy, days=5, extra_hours=1)
    expected = laid_out(option)

    layout.apply_catch_up(step1, LATER, option)

    assert next_two_weeks(step1) == expected


def test_spreading_over_five_days_moves_only_the_work_left_and_keeps_what_was_done(two_days_later, step1):
    first_task = layout.StoredPlan(step1.plan, [step1], START).tasks_between(START, START)[START][0][1]
    layout.record_progress(first_task.resource_key, first_task.block_key, START, first_task.amount)
    done = list(TaskProgress.objects.values_list("plan_resource", "area", "day", "amount"))
    url = reverse("planner:catch_up", args=[step1.pk])

    preview = two_days_later.get(url, {"strategy": "spread", "days": "5"})
    applied = two_days_later.post(url, {"strategy": "spread", "days": "5", "extra_hours": "1"})

    assert "Preview: nothing has changed yet" in preview.text
    assert "Overdue work" in text(preview.text)
    assert applied.status_code == 302
    assert list(TaskProgress.objects.values_list("plan_resource", "area", "day", "amount")) == done
    assert not Allocation.objects.filter(milestone=step1, starts_on__lt=LATER).exists()
    stored = layout.StoredPlan(step1.plan, [step1], LATER)
    assert stored.overdue(LATER) == []


def test_a_preview_changes_nothing(two_days_later, step1):
    before = list(Allocation.objects.values_list("pk", "starts_on", "ends_on", "amount"))

    two_days_later.get(reverse("planner:catch_up", args=[step1.pk]), {"strategy": "drop", "days": "5"})

    assert list(Allocation.objects.values_list("pk", "starts_on", "ends_on", "amount")) == before


def test_more_hours_raise_the_plans_weekly_hours(two_days_later, step1):
    two_days_later.post(
        reverse("planner:catch_up", args=[step1.pk]), {"strategy": "hours", "days": "5", "extra_hours": "2"}
    )

    step1.plan.refresh_from_db()
    assert step1.plan.weekly_hours == [8, 8, 8, 8, 8, 8, 0]


def test_a_bad_number_of_days_is_refused_next_to_the_field(two_days_later, step1):
    before = list(Allocation.objects.values_list("pk", flat=True))

    response = two_days_later.post(
        reverse("planner:catch_up", args=[step1.pk]), {"strategy": "spread", "days": "400", "extra_hours": "1"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["days"] == ["Ensure this value is less than or equal to 30."]
    assert list(Allocation.objects.values_list("pk", flat=True)) == before
