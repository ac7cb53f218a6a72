import math
import random
from datetime import datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from planner.models import (
    ContentArea,
    ExamResult,
    Milestone,
    Plan,
    PlanTopic,
    PracticeExam,
    PracticeExamForm,
    Step,
    StudyLog,
)
from planner.plans import Choice, StepChoice, save_plan

DEMO_DOMAIN = "demo.usmleprep.test"
DEMO_EMAIL = f"demo@{DEMO_DOMAIN}"
DEMO_PASSWORD = "demo-password-not-secret"
HISTORY_DAYS = 730
PRACTICE_KINDS = {
    PracticeExamForm.Provider.NBME: PracticeExam.Kind.NBME,
    PracticeExamForm.Provider.UWORLD: PracticeExam.Kind.UWSA,
    PracticeExamForm.Provider.USMLE: PracticeExam.Kind.FREE120,
    PracticeExamForm.Provider.OTHER: PracticeExam.Kind.OTHER,
}


def practice_result(form, percent):
    """A result as the form reports it, with percent and score or pass probability consistent.

    The mappings are rough shapes for demo data only: about 60% correct is near Step 1's passing
    line on NBME forms, and each point of percent is about two points of three-digit score.
    """
    if form.reports == PracticeExamForm.Reports.PERCENT_AND_PASS_PROBABILITY:
        probability = 100 / (1 + math.exp(-(percent - 60) / 3.5))
        return {"percent_correct": percent, "pass_probability": min(99, max(1, round(probability)))}
    if form.reports == PracticeExamForm.Reports.THREE_DIGIT:
        return {"percent_correct": percent, "score": min(300, 100 + 2 * percent)}
    return {"percent_correct": percent}


class Command(BaseCommand):
    help = (
        "Create demo people, each with a plan for all three Steps, two years of daily study logs, question "
        f"blocks and a dozen practice exams. Replaces the demo accounts (@{DEMO_DOMAIN}) it made before; "
        "touches no other data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=1, help="How many demo people (default 1).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed, for the same data every time.")

    @transaction.atomic
    def handle(self, *args, users, seed, **options):
        if not Step.objects.filter(plannable=True).exists():
            call_command("load_catalog", stdout=self.stdout)
        rng = random.Random(seed)
        User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").delete()
        password = make_password(DEMO_PASSWORD)
        today = timezone.localdate()
        counts = {"topics": 0, "logs": 0, "exams": 0}
        for number in range(users):
            email = DEMO_EMAIL if number == 0 else f"demo{number}@{DEMO_DOMAIN}"
            user = User.objects.create(email=email, name=f"Demo Student {number + 1}", password=password)
            for key, value in self.seed_person(user, rng, today).items():
                counts[key] += value
        self.stdout.write(
            f"Seeded {users} demo people ({counts['topics']} scheduled topics, {counts['logs']} study logs, "
            f"{counts['exams']} practice exams). Sign in as {DEMO_EMAIL} / {DEMO_PASSWORD}"
        )

    def seed_person(self, user, rng, today):
        start = today - timedelta(days=HISTORY_DAYS)
        steps = {step.code: step for step in Step.objects.filter(plannable=True)}
        dates = {
            "step1": start + timedelta(days=300),
            "step2ck": today + timedelta(days=rng.randint(45, 90)),
            "step3": today + timedelta(days=rng.randint(300, 500)),
        }
        plan = Plan(owner=user, title="Step 1 to Step 3", start_date=start)
        save_plan(plan, [StepChoice(steps[code], Choice.PLAN, day) for code, day in dates.items()], today=start)
        milestones = {m.step.code: m for m in plan.milestones.select_related("step")}

        step1 = milestones["step1"]
        ExamResult.objects.create(milestone=step1, attempt=1, sat_on=dates["step1"], passed=True)
        step1.status = Milestone.Status.PASSED
        step1.save(update_fields=["status"])

        plan_topics = list(PlanTopic.objects.filter(milestone__plan=plan))
        for plan_topic in plan_topics:
            if plan_topic.due_on < today and rng.random() < 0.9:
                finished = min(plan_topic.due_on + timedelta(days=rng.randint(-2, 5)), today)
                plan_topic.completed_at = timezone.make_aware(datetime.combine(finished, time(20, 0)))
        PlanTopic.objects.bulk_update(plan_topics, ["completed_at"], batch_size=500)

        systems = {
            code: list(ContentArea.objects.filter(step=steps[code], kind=ContentArea.Kind.SYSTEM)) for code in steps
        }
        logs = []
        for offset in range(HISTORY_DAYS):
            day = start + timedelta(days=offset)
            if rng.random() < 0.15:
                continue  # a day off
            code = "step1" if day <= dates["step1"] else "step2ck"
            attempted = rng.choice([None, 20, 40, 40])
            logs.append(
                StudyLog(
                    plan=plan,
                    milestone=milestones[code],
                    area=rng.choice(systems[code]),
                    studied_on=day,
                    minutes=rng.randint(60, 480),
                    note="Question bank and review",
                    questions_attempted=attempted,
                    questions_correct=None if attempted is None else round(attempted * rng.uniform(0.45, 0.9)),
                )
            )
        StudyLog.objects.bulk_create(logs, batch_size=500)

        exams = []
        for code, window_end in [("step1", dates["step1"]), ("step2ck", today)]:
            forms = list(PracticeExamForm.objects.filter(step=steps[code], retired_on__isnull=True))
            for index, form in enumerate(rng.sample(forms, min(6, len(forms)))):
                exams.append(
                    PracticeExam(
                        plan=plan,
                        milestone=milestones[code],
                        form=form,
                        kind=PRACTICE_KINDS[form.provider],
                        form_name=form.name,
                        taken_on=window_end - timedelta(days=(6 - index) * 8),
                        **practice_result(form, rng.randint(52, 82)),
                    )
                )
        PracticeExam.objects.bulk_create(exams)
        return {"topics": len(plan_topics), "logs": len(logs), "exams": len(exams)}
