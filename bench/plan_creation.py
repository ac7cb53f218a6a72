"""Plan creation, timed in-process: run by bench/run.py with the database and cache it benchmarks.

Usage: DJANGO_SETTINGS_MODULE=usmleprep.settings .venv/bin/python bench/plan_creation.py COUNT

As a person does it: the plan form's write (planner.plans.save_plan: the milestones, their scheduled
topics, the default resources and each Step laid out day by day) for Step 1, Step 2 CK and Step 3 over
three years; then the resources page's write: five resources and the self-assessments for each Step,
laid out again. (bench/plan_speed.py times the same steps one by one, with their query counts.) Prints
{"created": [ms...], "with_resources": [ms...]} as JSON, after one warm-up that is not counted. Each
plan is deleted once timed, and the account made for them at the end.
"""

import json
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django

django.setup()

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from planner import layout, plans  # noqa: E402
from planner.forms import plannable_steps  # noqa: E402
from planner.models import Plan, PlanResource, PracticeExamSlot, Resource, SelfAssessment  # noqa: E402

RESOURCES_PER_STEP = 5
EXAM_AFTER_DAYS = {"step1": 330, "step2ck": 600, "step3": 1090}
# Where the catalog has fewer than five resources for a Step, the person adds their own.
OWN_RESOURCES = [
    ("My Anki deck", Resource.Kind.FLASHCARDS, Resource.Unit.CARD, 4000, 0.5),
    ("Lecture videos", Resource.Kind.VIDEO, Resource.Unit.HOUR, 40, 90),
    ("My notes", Resource.Kind.BOOK, Resource.Unit.PAGE, 300, 5),
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


def main(count):
    today = timezone.localdate()
    user, _ = User.objects.get_or_create(email="bench-plans@demo.usmleprep.test", defaults={"name": "Bench"})
    steps = {step.code: step for step in plannable_steps()}
    choices = [
        plans.StepChoice(steps[code], plans.Choice.PLAN, today + timedelta(days=days))
        for code, days in EXAM_AFTER_DAYS.items()
    ]
    catalog = {
        step.pk: list(Resource.objects.filter(step=step, retired_on__isnull=True).order_by("position"))
        for step in steps.values()
    }
    forms = {
        step.pk: list(SelfAssessment.objects.filter(step=step, retired_on__isnull=True)) for step in steps.values()
    }
    created, with_resources = [], []
    for index in range(count + 1):
        plan = Plan(owner=user, title="Bench plan", start_date=today)
        started = time.perf_counter()
        plans.save_plan(plan, choices, today)
        saved = time.perf_counter()
        with transaction.atomic():
            milestones = list(plan.milestones.select_related("plan", "step"))
            chosen = {m.pk: [] for m in milestones}
            for plan_resource in PlanResource.objects.filter(milestone__plan=plan):
                chosen[plan_resource.milestone_id].append(plan_resource)
            PlanResource.objects.bulk_create(
                [pr for m in milestones for pr in five_resources(m, chosen[m.pk], catalog)]
            )
            PracticeExamSlot.objects.bulk_create(
                PracticeExamSlot(milestone=m, form=form) for m in milestones for form in forms[m.step_id]
            )
            layout.lay_out_milestones(milestones, today)
        finished = time.perf_counter()
        resources = PlanResource.objects.filter(milestone__plan=plan).count()
        assert resources == RESOURCES_PER_STEP * len(choices), f"{resources} resources"
        plan.delete()
        if index:  # the first one warms up the catalog's caches and the connection
            created.append(1000 * (saved - started))
            with_resources.append(1000 * (finished - started))
    user.delete()
    print(json.dumps({"created": created, "with_resources": with_resources}))


if __name__ == "__main__":
    main(int(sys.argv[1]))
