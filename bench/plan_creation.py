"""Plan creation, timed in-process step by step, with the SQL queries each step sends.

Usage: .venv/bin/python bench/plan_creation.py [--plans 20] [--json | --profile]

As a person does it: the plan form's write (planner.plans.save_plan: the milestones, their scheduled
topics, the default resources and each Step laid out day by day) for Step 1, Step 2 CK and Step 3 over
three years; then the resources page's write: five resources and the self-assessments for each Step,
laid out again; then the plan form again with Step 1's exam a month later (its unfinished topics move).
One plan warms up the caches and the connection and is not counted. Each plan is deleted once timed,
and the account made for them at the end.

It prints each step's median and best ms and its query count. --json prints every plan's ms instead,
{"created": [...], "with_resources": [...], "moved": [...]} (with_resources from the start of the
plan form's write): bench/run.py (`make bench`) reads it for its targets. --profile prints cProfile's
top functions over the counted plans' steps, in place of the times the profiler inflates.

It uses the database and cache the settings name (DATABASE_URL, REDIS_URL), migrated and the catalog
loaded first where missing, with DEBUG off as in production: with DEBUG on, Django logs every query,
which adds about half to these times on SQLite.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import secrets
import statistics
import sys
import time
from contextlib import nullcontext
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "usmleprep.settings")
# DEBUG off needs a secret key and a host, though nothing is signed or served here.
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(64))
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from planner import layout, plans  # noqa: E402
from planner.forms import plannable_steps  # noqa: E402
from planner.models import (  # noqa: E402
    Allocation,
    Plan,
    PlanResource,
    PracticeExamSlot,
    Resource,
    SelfAssessment,
    Step,
)

RESOURCES_PER_STEP = 5
EXAM_AFTER_DAYS = {"step1": 330, "step2ck": 600, "step3": 1090}
STEP1_A_MONTH_LATER = EXAM_AFTER_DAYS | {"step1": EXAM_AFTER_DAYS["step1"] + 30}
# Where the catalog has fewer than five resources for a Step, the person adds their own.
OWN_RESOURCES = [
    ("My Anki deck", Resource.Kind.FLASHCARDS, Resource.Unit.CARD, 4000, 0.5),
    ("Lecture videos", Resource.Kind.VIDEO, Resource.Unit.HOUR, 40, 90),
    ("My notes", Resource.Kind.BOOK, Resource.Unit.PAGE, 300, 5),
]
STEPS = {
    "created": "created (plan form)",
    "with_resources": "created, 5 resources a Step",
    "moved": "Step 1 a month later",
}


def prepare_database():
    """A no-op on the database bench/run.py has just migrated and seeded."""
    call_command("migrate", verbosity=0)
    if not Step.objects.exists():
        call_command("load_catalog", stdout=io.StringIO())


def exam_choices(steps, today, exam_after_days):
    return [
        plans.StepChoice(steps[code], plans.Choice.PLAN, today + timedelta(days=days))
        for code, days in exam_after_days.items()
    ]


def five_resources(milestone, chosen, catalog):
    """The resources a Step gets beyond the defaults already chosen, up to five in all."""
    taken = {pr.resource_id for pr in chosen}
    more = [layout.plan_resource_from(milestone, r) for r in catalog[milestone.step_id] if r.pk not in taken]
    more += [
        PlanResource(milestone=milestone, name=name, kind=kind, unit=unit, total=total, minutes_per_unit=minutes)
        for name, kind, unit, total, minutes in OWN_RESOURCES
    ]
    more = more[: RESOURCES_PER_STEP - len(chosen)]
    for position, plan_resource in enumerate(more, start=len(chosen)):
        plan_resource.position = position
    return more


@transaction.atomic
def add_resources(plan, today, catalog, forms):
    """The resources page's write: five resources and the self-assessments for each Step, laid out again."""
    milestones = list(plan.milestones.select_related("plan", "step"))
    chosen = {m.pk: [] for m in milestones}
    for plan_resource in PlanResource.objects.filter(milestone__plan=plan):
        chosen[plan_resource.milestone_id].append(plan_resource)
    PlanResource.objects.bulk_create([pr for m in milestones for pr in five_resources(m, chosen[m.pk], catalog)])
    PracticeExamSlot.objects.bulk_create(
        PracticeExamSlot(milestone=m, form=form) for m in milestones for form in forms[m.step_id]
    )
    layout.lay_out_milestones(milestones, today)


def timed(profiler, function, *args):
    """Call function; return its ms and the SQL queries it sent. The queries are counted, not logged:
    logging them (as CaptureQueriesContext does) slows SQLite as much as DEBUG does."""
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count), profiler or nullcontext():
        started = time.perf_counter()
        function(*args)
        took = time.perf_counter() - started
    return 1000 * took, queries


def time_plans(count, profiler=None):
    """Each step's (ms, queries) for count plans after the warm-up one, and the last plan's allocations."""
    today = timezone.localdate()
    user, _ = User.objects.get_or_create(email="bench-plans@demo.usmleprep.test", defaults={"name": "Bench"})
    steps = {step.code: step for step in plannable_steps()}
    choices = exam_choices(steps, today, EXAM_AFTER_DAYS)
    moved_choices = exam_choices(steps, today, STEP1_A_MONTH_LATER)
    catalog = {
        step.pk: list(Resource.objects.filter(step=step, retired_on__isnull=True).order_by("position"))
        for step in steps.values()
    }
    forms = {
        step.pk: list(SelfAssessment.objects.filter(step=step, retired_on__isnull=True)) for step in steps.values()
    }
    runs = []
    for index in range(count + 1):
        watching = profiler if index else None
        plan = Plan(owner=user, title="Bench plan", start_date=today)
        created_ms, created_queries = timed(watching, plans.save_plan, plan, choices, today)
        resources_ms, resources_queries = timed(watching, add_resources, plan, today, catalog, forms)
        resources = PlanResource.objects.filter(milestone__plan=plan).count()
        assert resources == RESOURCES_PER_STEP * len(choices), f"{resources} resources"
        plan = Plan.objects.get(pk=plan.pk)  # as the plan form's request reads it
        moved = timed(watching, plans.save_plan, plan, moved_choices, today)
        allocations = Allocation.objects.filter(milestone__plan=plan).count()
        plan.delete()
        runs.append(
            {
                "created": (created_ms, created_queries),
                "with_resources": (created_ms + resources_ms, created_queries + resources_queries),
                "moved": moved,
            }
        )
    user.delete()
    return runs[1:], allocations


def print_table(runs, allocations):
    print(
        f"{connection.vendor}: Step 1, Step 2 CK and Step 3 over three years, {RESOURCES_PER_STEP} resources "
        f"a Step ({allocations} allocations); {len(runs)} plans after one to warm up"
    )
    print(f"{'':<28}{'median ms':>10}{'best ms':>9}{'queries':>9}")
    for name, label in STEPS.items():
        times = [run[name][0] for run in runs]
        queries = "/".join(str(q) for q in sorted({run[name][1] for run in runs}))
        print(f"{label:<28}{statistics.median(times):>10.1f}{min(times):>9.1f}{queries:>9}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=20, help="Plans timed after the warm-up one (default 20).")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="Print every plan's ms as JSON, for bench/run.py.")
    output.add_argument("--profile", action="store_true", help="Print cProfile's top functions instead of times.")
    options = parser.parse_args()
    if settings.DEBUG:
        print("DEBUG is on: Django logs every query, so the times are longer than make bench's.", file=sys.stderr)
    prepare_database()
    profiler = cProfile.Profile() if options.profile else None
    runs, allocations = time_plans(options.plans, profiler)
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    elif options.json:
        print(json.dumps({name: [run[name][0] for run in runs] for name in STEPS}))
    else:
        print_table(runs, allocations)


if __name__ == "__main__":
    main()
