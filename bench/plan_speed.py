"""How long creating and re-laying a big plan takes (issue 9: under 300 ms, a fixed number of queries).

Usage: .venv/bin/python bench/plan_speed.py [--runs 5] [--profile]

The plan: all three Steps over three years (exams 12, 24 and 36 months from today), six hours a day
Monday to Saturday, a week off at Christmas, five resources per Step (the catalog's, then the person's
own to make five) and the self-assessments of each Step. It times, on the database DATABASE_URL names
(a scratch SQLite file under the system's temporary folder when unset; migrated and the catalog loaded
on first use):

- creating the plan: plans.save_plan, as the New plan page does (each Step gets its default resources);
- re-laying it with five resources a Step: layout.lay_out_milestones for the three Steps;
- changing an exam date: plans.save_plan again with Step 1 a month later (topics and days move).

It prints the median and the best of the runs, with each one's SQL query count. --profile prints
cProfile's top functions for the re-lay. Each run's plan is deleted afterwards.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{Path(tempfile.gettempdir()) / 'usmleprep-plan-speed.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "usmleprep.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from planner import layout, plans  # noqa: E402
from planner.models import (  # noqa: E402
    DayException,
    Plan,
    PlanResource,
    PracticeExamSlot,
    Resource,
    SelfAssessment,
    Step,
)

RESOURCES_PER_STEP = 5
# The person's own resources, to make five a Step where the catalog has fewer.
OWN = [
    ("Own notes", Resource.Kind.BOOK, Resource.Unit.PAGE, 300, 4),
    ("Lecture videos", Resource.Kind.VIDEO, Resource.Unit.HOUR, 60, 80),
    ("Second question bank", Resource.Kind.QBANK, Resource.Unit.QUESTION, 1500, 2),
    ("Flashcards", Resource.Kind.FLASHCARDS, Resource.Unit.CARD, 5000, 0.5),
]


def prepare_database():
    call_command("migrate", verbosity=0)
    if not Step.objects.exists():
        call_command("load_catalog", stdout=open(os.devnull, "w"))  # noqa: SIM115


def choices(today, step1_months=12):
    months = {"step1": step1_months, "step2ck": 24, "step3": 36}
    return [
        plans.StepChoice(step, plans.Choice.PLAN, today + timedelta(days=round(30.5 * months[step.code])))
        for step in Step.objects.plannable().order_by("order")
    ]


def timed(function):
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = function()
        took = time.perf_counter() - started
    return result, took * 1000, len(queries)


def five_resources_each(plan):
    """Make each Step's resources five: the catalog's first, then the person's own."""
    for milestone in plan.milestones.all():
        have = list(milestone.resources.all())
        used = {pr.resource_id for pr in have}
        extra = [
            r for r in Resource.objects.filter(step=milestone.step_id, retired_on__isnull=True) if r.pk not in used
        ]
        rows = [layout.plan_resource_from(milestone, r, len(have) + n) for n, r in enumerate(extra)]
        for name, kind, unit, total, minutes in OWN:
            rows.append(
                PlanResource(
                    milestone=milestone, name=name, kind=kind, unit=unit, total=total, minutes_per_unit=minutes
                )
            )
        PlanResource.objects.bulk_create(rows[: max(0, RESOURCES_PER_STEP - len(have))])
        forms = SelfAssessment.objects.filter(step=milestone.step_id, retired_on__isnull=True)
        PracticeExamSlot.objects.bulk_create(PracticeExamSlot(milestone=milestone, form=form) for form in forms)


def one_run(owner, today):
    plan = Plan(owner=owner, title="Speed", start_date=today)
    plan.weekly_hours = [6, 6, 6, 6, 6, 6, 0]
    _, create_ms, create_queries = timed(lambda: plans.save_plan(plan, choices(today), today))
    christmas = today.replace(month=12, day=24)
    DayException.objects.create(plan=plan, starts_on=christmas, ends_on=christmas + timedelta(days=7))
    five_resources_each(plan)
    milestones = list(plan.milestones.select_related("plan", "step"))
    layouts, relay_ms, relay_queries = timed(lambda: layout.lay_out_milestones(milestones, today))
    plan = Plan.objects.get(pk=plan.pk)
    _, move_ms, move_queries = timed(lambda: plans.save_plan(plan, choices(today, step1_months=13), today))
    allocations = sum(len(x.allocations) for x in layouts)
    plan.delete()
    return {
        "create": (create_ms, create_queries),
        "re-lay, 5 resources a Step": (relay_ms, relay_queries),
        "move Step 1 a month later": (move_ms, move_queries),
    }, allocations


def profile(owner, today):
    plan = Plan(owner=owner, title="Speed", start_date=today)
    plan.weekly_hours = [6, 6, 6, 6, 6, 6, 0]
    plans.save_plan(plan, choices(today), today)
    five_resources_each(plan)
    milestones = list(plan.milestones.select_related("plan", "step"))
    profiler = cProfile.Profile()
    profiler.runcall(layout.lay_out_milestones, milestones, today)
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    plan.delete()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profile", action="store_true")
    options = parser.parse_args()
    prepare_database()
    owner, _ = User.objects.get_or_create(email="plan-speed@example.com", defaults={"name": "Plan Speed"})
    today = timezone.localdate()
    if options.profile:
        profile(owner, today)
        return
    runs, allocations = [], 0
    for _ in range(options.runs + 1):
        result, allocations = one_run(owner, today)
        runs.append(result)
    runs = runs[1:]  # the first warms caches and connections
    print(f"{connection.vendor}: three Steps over three years, {RESOURCES_PER_STEP} resources a Step")
    print(f"({allocations} allocations; {options.runs} runs after one to warm up)")
    for name in runs[0]:
        times = [run[name][0] for run in runs]
        queries = sorted({run[name][1] for run in runs})
        print(
            f"  {name:<28} median {statistics.median(times):6.0f} ms, best {min(times):6.0f} ms, "
            f"{'/'.join(map(str, queries))} queries"
        )


if __name__ == "__main__":
    main()
