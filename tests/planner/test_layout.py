"""Laying out a Step day by day from the database, and reading it back for pages."""

from datetime import date, timedelta
from io import StringIO
from itertools import pairwise

import pytest
from django.core.management import call_command
from django.db import connection

from planner import daily, layout
from planner.models import (
    Allocation,
    PlanResource,
    PracticeExamSlot,
    Resource,
    SelfAssessment,
    StudyBlock,
    TaskProgress,
)
from tests.factories import LAID_OUT_EXAM as EXAM
from tests.factories import LAID_OUT_START as START
from tests.factories import LAID_OUT_WEEK_OFF as WEEK_OFF
from tests.factories import make_plan, make_step1_plan, make_three_year_plan

pytestmark = pytest.mark.django_db


def tasks(plan, first, last):
    stored = layout.StoredPlan(plan, list(plan.milestones.all()), last)
    return stored.tasks_between(first, last)


def test_a_step_is_stored_as_blocks_allocations_and_practice_exam_days(alice, catalog):
    _, milestone = make_step1_plan(alice)

    blocks = list(StudyBlock.objects.filter(milestone=milestone).select_related("area"))
    assert len(blocks) == catalog["step1"].areas.filter(kind="system").count()
    laid = [b for b in blocks if b.starts_on]
    assert [b.starts_on for b in laid] == sorted(b.starts_on for b in laid)
    assert blocks[-1].area.name.startswith(layout.LATE_BLOCK_PREFIXES)
    assert Allocation.objects.filter(milestone=milestone).count() > 20
    days = dict(PracticeExamSlot.objects.filter(milestone=milestone).values_list("form__name", "day"))
    nbme = sorted(days[f"NBME Form {n}"] for n in (29, 30, 31))
    assert all(5 <= (later - earlier).days <= 8 for earlier, later in pairwise(nbme))
    assert 5 <= (EXAM - nbme[-1]).days <= 9
    assert EXAM - timedelta(days=7) <= days["Free 120"] < EXAM - timedelta(days=1)
    summary = milestone.layout_summary
    assert summary["how_chosen"].startswith("Practice phase:")
    assert summary["content"][0] == START.isoformat()


def test_days_read_like_a_tutors_schedule_and_the_week_off_is_empty(alice, catalog):
    plan, _ = make_step1_plan(alice)

    first_week = tasks(plan, START, START + timedelta(days=6))
    week_off = tasks(plan, *WEEK_OFF)

    labels = [task.label for day in first_week.values() for _, task in day]
    assert any(label.startswith("First Aid for the USMLE Step 1 pp. ") for label in labels)
    assert any(label.startswith("UWorld Step 1 QBank: ") and "questions" in label for label in labels)
    assert week_off == {}
    for day, items in first_week.items():
        assert sum(task.minutes for _, task in items) <= plan.weekly_hours[day.weekday()] * 60
    assert all(day.weekday() != 6 for day in first_week)  # Sundays are rest days in this plan


def test_practice_exams_appear_on_their_days(alice, catalog):
    plan, milestone = make_step1_plan(alice)
    day = PracticeExamSlot.objects.get(milestone=milestone, form__key="nbme_step1_31").day

    on_the_day = [task.label for _, task in tasks(plan, day, day)[day]]

    assert on_the_day == ["NBME Form 31: 4 × 50 questions"]


def test_work_not_done_shows_as_overdue_from_the_day_it_was_due(alice, catalog):
    plan, _ = make_step1_plan(alice)
    stored = layout.StoredPlan(plan, list(plan.milestones.all()), START + timedelta(days=9))

    overdue = stored.overdue(START + timedelta(days=2))

    assert overdue
    assert min(item.since for _, item in overdue) == START
    assert all(item.units > 0 for _, item in overdue)


def two_sections_in_one_system():
    """First Aid's reproductive and endocrine pages, both in one system, read side by side from 4 Jan 2027."""
    block = daily.BlockInput("repro", "Reproductive & Endocrine", 0.1)
    parts = (daily.ResourcePart("repro", 331, 12), daily.ResourcePart("repro", 633, 40))
    book = daily.ResourceInput("fa", "First Aid", daily.BOOK, "pages", 5, parts)
    step = daily.StepInput("s", "Step 1", date(2027, 1, 4), date(2027, 1, 25), (block,), (book,))
    calendar = daily.StudyCalendar((120,) * 7)
    return daily.lay_out(step, calendar, step.first_day), calendar, {"fa": book}


def test_what_was_done_of_two_sections_in_one_system_counts_for_both():
    laid, calendar, resources = two_sections_in_one_system()
    asked = daily.tasks_between(laid, calendar, date(2027, 1, 4), date(2027, 1, 6), resources)
    assert [t.label for t in asked[date(2027, 1, 5)]] == [
        "First Aid p. 331 (Reproductive & Endocrine)",
        "First Aid pp. 635–636 (Reproductive & Endocrine)",
    ]
    done = sum(t.amount for tasks in asked.values() for t in tasks)
    step = layout.StoredStep(None, laid, calendar, resources, {("fa", "repro"): done})

    # Everything asked of the first three days, ticked day by day: nothing is overdue on the fourth,
    # where filling the first section first would leave pages 633-638 overdue.
    assert step.progress_by_allocation(date(2027, 1, 7)) == {0: 2, 1: 6}
    assert step.overdue(date(2027, 1, 7)) == []
    # More than was due goes to them in order.
    ahead = layout.StoredStep(None, laid, calendar, resources, {("fa", "repro"): done + 20})
    assert ahead.progress_by_allocation(date(2027, 1, 7)) == {0: 12, 1: 16}


def test_laying_out_again_keeps_completed_work_and_leaves_it_out(alice, catalog):
    plan, milestone = make_step1_plan(alice)
    first_day = tasks(plan, START, START)[START]
    first_aid = next(task for _, task in first_day if task.label.startswith("First Aid"))
    layout.record_progress(first_aid.resource_key, first_aid.block_key, START, first_aid.amount)
    recorded = list(TaskProgress.objects.values_list("plan_resource", "area", "day", "amount"))

    layout.lay_out_milestone(milestone, START + timedelta(days=1))

    assert list(TaskProgress.objects.values_list("plan_resource", "area", "day", "amount")) == recorded
    next_day = tasks(plan, START + timedelta(days=1), START + timedelta(days=1))
    first_aid_next = [t for _, items in next_day.items() for _, t in items if t.resource_key == first_aid.resource_key]
    assert first_aid_next
    assert all(t.first_unit > first_aid.last_unit or t.block_key != first_aid.block_key for t in first_aid_next)


def test_the_edition_size_and_work_done_before_shrink_what_is_laid_out(alice, catalog):
    _, milestone = make_step1_plan(alice, resources=("uworld_step1",), forms=[])
    uworld = PlanResource.objects.get(milestone=milestone)
    total_laid = sum(a.amount for a in Allocation.objects.filter(milestone=milestone, plan_resource=uworld))

    uworld.done_before = 1200
    uworld.save()
    layout.lay_out_milestone(milestone, START)

    after = sum(a.amount for a in Allocation.objects.filter(milestone=milestone, plan_resource=uworld))
    assert after == total_laid - 1200


def test_reading_a_plan_takes_the_same_queries_for_a_week_and_for_three_years(
    alice, bob, catalog, django_assert_num_queries
):
    short, _ = make_step1_plan(alice, exam=START + timedelta(days=8), forms=[])
    long_plan = make_three_year_plan(bob)

    counts = []
    for plan in (short, long_plan):
        milestones = list(plan.milestones.all())
        with django_assert_num_queries(7) as captured:
            stored = layout.StoredPlan(plan, milestones, START + timedelta(days=6))
            stored.tasks_between(START, START + timedelta(days=6))
            stored.overdue(START + timedelta(days=3))
        counts.append(len(captured))
    assert counts[0] == counts[1]


def with_five_resources_a_step(plan):
    """The catalog's resources for each Step, then the person's own, to make five; and every self-assessment."""
    own = [
        ("Own notes", "book", "page", 300, 4),
        ("Lectures", "video", "hour", 60, 80),
        ("Cards", "flashcards", "card", 5000, 0.5),
    ]
    for milestone in plan.milestones.all():
        used = set(milestone.resources.values_list("resource", flat=True))
        catalog = Resource.objects.filter(step=milestone.step_id).exclude(pk__in=used)
        rows = [layout.plan_resource_from(milestone, resource, 2 + n) for n, resource in enumerate(catalog)]
        rows += [
            PlanResource(milestone=milestone, name=n, kind=k, unit=u, total=t, minutes_per_unit=m)
            for n, k, u, t, m in own
        ]
        PlanResource.objects.bulk_create(rows[: 5 - len(used)])
        forms = SelfAssessment.objects.filter(step=milestone.step_id)
        PracticeExamSlot.objects.bulk_create(PracticeExamSlot(milestone=milestone, form=form) for form in forms)
    return list(plan.milestones.select_related("plan", "step"))


def test_laying_out_three_steps_takes_as_many_queries_over_ten_months_as_over_three_years(
    alice, bob, catalog, django_assert_num_queries
):
    steps = {"step1": date(2027, 3, 1), "step2ck": date(2027, 6, 1), "step3": date(2027, 10, 1)}
    short = with_five_resources_a_step(make_plan(alice, start_date=START, steps=steps, today=START))
    long = with_five_resources_a_step(make_three_year_plan(bob))

    for milestones in (short, long):
        assert PlanResource.objects.filter(milestone__in=milestones).count() == 15
        # Each table read once and written once for the three Steps; the ~220 allocations go in 83 a
        # statement on SQLite (its 999 parameters), in one on PostgreSQL.
        with django_assert_num_queries(18 if connection.vendor == "sqlite" else 16):
            layout.lay_out_milestones(milestones, START)


@pytest.mark.clock("2026-12-01 12:00 +0000")
def test_plans_made_before_the_day_by_day_plan_get_one_from_their_settings_once(alice, catalog):
    plan = make_plan(alice, start_date=START, steps={"step1": EXAM, "step2ck": "passed"}, today=START)
    step1 = plan.milestones.get(step__code="step1")
    Allocation.objects.all().delete()
    PlanResource.objects.all().delete()
    type(step1).objects.filter(pk=step1.pk).update(laid_out_at=None)
    out = StringIO()

    call_command("lay_out_plans", stdout=out)
    call_command("lay_out_plans", stdout=StringIO())

    step1.refresh_from_db()
    assert out.getvalue() == "Laid out 1 Step that had no day-by-day plan.\n"
    assert step1.laid_out_at is not None
    assert PlanResource.objects.filter(milestone=step1).count() == 2
    assert Allocation.objects.filter(milestone=step1).exists()
