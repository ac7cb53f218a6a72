import random
from datetime import datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from planner.models import ContentArea, ExamResult, Milestone, Plan, PlanTopic, PracticeExam, Step, StudyLog
from planner.plans import Choice, StepChoice, save_plan

DEMO_DOMAIN = "demo.usmleprep.test"
DEMO_EMAIL = f"demo@{DEMO_DOMAIN}"
DEMO_PASSWORD = "demo-password-not-secret"
HISTORY_DAYS = 730


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
        for index in range(12):
            code = "step1" if index < 6 else "step2ck"
            window_end = dates["step1"] if code == "step1" else today
            taken_on = window_end - timedelta(days=(6 - index % 6) * 10)
            exams.append(
                PracticeExam(
                    plan=plan,
                    milestone=milestones[code],
                    kind=rng.choice([PracticeExam.Kind.NBME, PracticeExam.Kind.UWSA]),
                    form_name=f"Form {25 + index % 6}",
                    taken_on=taken_on,
                    score=rng.randint(190, 235) if code == "step1" else rng.randint(215, 260),
                    percent_correct=rng.randint(55, 85),
                )
            )
        PracticeExam.objects.bulk_create(exams)
        return {"topics": len(plan_topics), "logs": len(logs), "exams": len(exams)}
