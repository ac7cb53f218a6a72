"""Issue 9 as a new student lives it: a four-month Step 1 plan from their own resources, a week off,
Today, the calendar, and catching up after two days away."""

import re
from datetime import datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from planner.models import DayException, Plan, PracticeExamSlot, TaskProgress
from tests.browser.actions import sign_in

NEW_YORK = ZoneInfo("America/New_York")
# A Tuesday morning in New York; the live server runs in this process, so it sees the same clock.
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=NEW_YORK)
TODAY = NOW.date()
EXAM = TODAY + timedelta(days=122)
WEEK_OFF = ("2026-12-24", "2026-12-31")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.clock(NOW, tick=True)]


def create_step1_plan(page):
    page.goto("/plans/new/")
    page.get_by_label("Plan title").fill("Step 1 in four months")
    page.locator("#id_step1_date").fill(EXAM.isoformat())
    for code in ("step2ck", "step3"):
        page.locator(f"label[for='id_{code}_choice_2']").click()
    page.get_by_role("button", name="Create plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Step 1 in four months")


def choose_resources(page, plan):
    step1 = plan.milestones.get()
    page.goto(f"/milestones/{step1.pk}/resources/")
    for name in ("First Aid for the USMLE Step 1", "Pathoma", "UWorld Step 1 QBank"):
        row = page.locator("fieldset.resource-row").filter(has=page.get_by_text(name, exact=True))
        row.get_by_label("I use it").check()
    for form in ("NBME Form 29", "NBME Form 30", "NBME Form 31", "Free 120"):
        page.get_by_label(form, exact=True).check()
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("heading", name="Preview: nothing has changed yet")).to_be_visible()
    page.get_by_role("button", name="Apply these changes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Step 1 in four months")


def add_week_off(page, plan):
    page.goto(f"/plans/{plan.pk}/days-off/")
    page.get_by_label("From").fill(WEEK_OFF[0])
    page.get_by_label("To (the same day for one day)").fill(WEEK_OFF[1])
    page.get_by_label("Study hours on these days").fill("0")
    page.get_by_label("Note").fill("Holidays")
    page.get_by_role("button", name="Preview").click()
    page.get_by_role("button", name="Apply these changes").click()


def test_a_new_student_plans_step1_from_their_resources_and_catches_up_after_two_days(page, alice, catalog, clock):
    sign_in(page)
    create_step1_plan(page)
    plan = Plan.objects.get(owner=alice)
    choose_resources(page, plan)
    add_week_off(page, plan)
    assert DayException.objects.get(plan=plan).note == "Holidays"

    page.goto("/today/")
    tasks = page.locator("section").filter(has=page.get_by_role("heading", level=2, name="Today’s tasks"))
    expect(tasks).to_contain_text(re.compile(r"First Aid for the USMLE Step 1 pp\. \d+–\d+"))
    expect(tasks).to_contain_text(re.compile(r"UWorld Step 1 QBank: \d+ questions"))

    slots = dict(PracticeExamSlot.objects.filter(milestone__plan=plan).values_list("form__name", "day"))
    nbme = sorted(slots[f"NBME Form {n}"] for n in (29, 30, 31))
    assert all(5 <= (b - a).days <= 8 for a, b in pairwise(nbme))
    assert EXAM - timedelta(days=7) <= slots["Free 120"] < EXAM
    page.goto(f"/plans/{plan.pk}/calendar/?month={nbme[-1]:%Y-%m}")
    expect(page.get_by_text("NBME Form 31: 4 × 50 questions")).to_be_visible()
    page.goto(f"/plans/{plan.pk}/calendar/?month=2026-12")
    holidays = page.locator("[data-day='2026-12-26']")
    expect(holidays).to_contain_text("Holidays")
    expect(holidays).not_to_contain_text("First Aid")

    done_before = list(TaskProgress.objects.values_list("plan_resource", "area", "day", "amount"))
    clock.move_to(NOW + timedelta(days=2))
    page.goto("/today/")
    expect(page.get_by_text(re.compile(r"pending since Tue 24 Nov 2026")).first).to_be_visible()

    step1 = plan.milestones.get()
    page.goto(f"/milestones/{step1.pk}/catch-up/?strategy=spread&days=5")
    expect(page.get_by_role("heading", name="Preview: nothing has changed yet")).to_be_visible()
    page.get_by_role("button", name="Apply these changes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Step 1 in four months")

    page.goto("/today/")
    expect(page.get_by_text(re.compile(r"pending since"))).to_have_count(0)
    assert list(TaskProgress.objects.values_list("plan_resource", "area", "day", "amount")) == done_before
