import csv
import io
import math
import random
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import time as clock

from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from planner import scheduling
from planner.models import (
    ContentArea,
    ExamResult,
    Milestone,
    Plan,
    PlanTopic,
    PracticeExam,
    SelfAssessment,
    Step,
    StudyLog,
    Topic,
)
from planner.plans import step_weight_totals

DEMO_DOMAIN = "demo.usmleprep.test"
DEMO_EMAIL = f"demo@{DEMO_DOMAIN}"
DEMO_PASSWORD = "demo-password-not-secret"
HISTORY_DAYS = 365
STEP1_ON_DAY = 180  # of the plan: Step 1 passed about six months ago
PRACTICE_KINDS = {
    SelfAssessment.Provider.NBME: PracticeExam.Kind.NBME,
    SelfAssessment.Provider.UWORLD: PracticeExam.Kind.UWSA,
    SelfAssessment.Provider.USMLE: PracticeExam.Kind.FREE120,
    SelfAssessment.Provider.OTHER: PracticeExam.Kind.OTHER,
}
# People are written a batch at a time. Users, plans and milestones go through bulk_create, which gives
# their ids back; the scheduled topics, logs and practice exams (98% of the rows) go in as plain rows, by
# COPY on PostgreSQL. For 10,000 people, save_plan per person took over an hour and bulk_create for
# every row about 23 minutes, most of it Django preparing each value.
PEOPLE_PER_BATCH = 250
ROWS_PER_INSERT = 2000
FILLED = [User, Plan, Milestone, ExamResult, PlanTopic, StudyLog, PracticeExam]


def practice_result(form, percent):
    """A result as the form reports it, with percent and score or pass probability consistent.

    The mappings are rough shapes for demo data only: about 60% correct is near Step 1's passing
    line on NBME forms, and each point of percent is about two points of three-digit score.
    """
    if form.reports == SelfAssessment.Reports.PERCENT_AND_PASS_PROBABILITY:
        probability = 100 / (1 + math.exp(-(percent - 60) / 3.5))
        return {"percent_correct": percent, "pass_probability": min(99, max(1, round(probability)))}
    if form.reports == SelfAssessment.Reports.THREE_DIGIT:
        return {"percent_correct": percent, "score": min(300, 100 + 2 * percent)}
    return {"percent_correct": percent}


class Command(BaseCommand):
    help = (
        "Create demo people, each with a plan for all three Steps made a year ago, Step 1 passed, about 90% of "
        "the topics due so far done, a year of daily study logs with question blocks and a dozen practice exams. "
        f"Replaces the demo accounts (@{DEMO_DOMAIN}) it made before and touches no other data; then runs "
        "ANALYZE on the tables it filled. Progress goes to stderr."
    )

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=1, help="How many demo people (default 1).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed, for the same data every time.")

    def handle(self, *args, users, seed, **options):
        if not Step.objects.plannable().exists():
            call_command("load_catalog", stdout=self.stdout)
        started = time.monotonic()
        demo = Demo(random.Random(seed), timezone.localdate())
        counts = defaultdict(int)
        with transaction.atomic():
            User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").delete()
            if connection.vendor == "postgresql":
                # Check each row's foreign keys as it goes in, not all at commit: the same work, but the
                # progress shows it instead of a silent wait of minutes at the end.
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for first in range(0, users, PEOPLE_PER_BATCH):
                batch = range(first, min(first + PEOPLE_PER_BATCH, users))
                for table, count in demo.write(batch).items():
                    counts[table] += count
                self.progress(batch.stop, users, started)
        # Fresh statistics, or PostgreSQL plans the next queries for the tables as it last measured them:
        # right after seeding 2,000 people the dashboard scanned every scheduled topic and ran 4.5 times slower.
        analyze(FILLED)
        self.stderr.write(f"seed_demo ANALYZE done, {time.monotonic() - started:.0f} s", style_func=str)
        self.stdout.write(
            f"Seeded {users} demo people ({counts[PlanTopic]} scheduled topics, {counts[StudyLog]} study logs, "
            f"{counts[PracticeExam]} practice exams) in {time.monotonic() - started:.0f} s. "
            f"Sign in as {DEMO_EMAIL} / {DEMO_PASSWORD}"
        )

    def progress(self, done, total, started):
        bar = "#" * (20 * done // total)
        line = f"seed_demo [{bar:<20}] {done:,}/{total:,} people, {time.monotonic() - started:.0f} s"
        self.stderr.write(line, style_func=str)


def analyze(models):
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def insert_rows(model, fields, rows):
    """Plain tuples, as the database driver takes them: COPY on PostgreSQL, else many rows to an INSERT."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Our rows hold no empty strings, which CSV would read as NULL like None.
            text = io.StringIO()
            csv.writer(text).writerows(rows)
            text.seek(0)
            cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)", text)
            return len(rows)
        one_row = f"({', '.join(['%s'] * len(fields))})"
        size = min(ROWS_PER_INSERT, connection.ops.bulk_batch_size(fields, rows))
        for first in range(0, len(rows), size):
            chunk = rows[first : first + size]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([one_row] * len(chunk))}",
                [value for row in chunk for value in row],
            )
    return len(rows)


@dataclass
class Person:
    plan: Plan
    milestones: dict  # Step code -> Milestone
    schedules: dict  # Step code -> scheduling.Schedule
    exam_dates: dict  # Step code -> date


class Demo:
    """Builds and writes demo people, from the catalog read once."""

    def __init__(self, rng, today):
        self.rng = rng
        self.today = today
        self.start = today - timedelta(days=HISTORY_DAYS)
        self.now = connection.ops.adapt_datetimefield_value(timezone.now())
        self.password = make_password(DEMO_PASSWORD)
        self.steps = {step.code: step for step in Step.objects.plannable()}
        totals = step_weight_totals()
        self.loads = defaultdict(list)  # a Step's topics in yield order with their minutes, as save_plan has them
        for topic in Topic.objects.current().filter(step__in=self.steps.values()).select_related("step").by_yield():
            minutes = scheduling.topic_minutes(topic.step.study_hours, topic.yield_weight, totals[topic.step_id])
            self.loads[topic.step.code].append(scheduling.TopicLoad(topic.pk, minutes))
        self.systems = defaultdict(list)
        for area in ContentArea.objects.filter(step__in=self.steps.values(), kind=ContentArea.Kind.SYSTEM):
            self.systems[area.step_id].append(area.pk)
        self.forms = defaultdict(list)
        for form in SelfAssessment.objects.filter(step__in=self.steps.values(), retired_on__isnull=True):
            self.forms[form.step_id].append(form)
        self.schedules = {}
        self.evenings = {}

    def write(self, numbers):
        people = [self.person(number) for number in numbers]
        counts = {}
        for model, objects in [
            (User, [p.plan.owner for p in people]),
            (Plan, [p.plan for p in people]),
            (Milestone, [m for p in people for m in p.milestones.values()]),
            (ExamResult, [self.step1_passed(p) for p in people]),
        ]:
            counts[model] = len(model.objects.bulk_create(objects))
        topic_fields = ["milestone", "topic", "position", "planned_minutes", "starts_on", "due_on", "completed_at"]
        counts[PlanTopic] = insert_rows(PlanTopic, topic_fields, [row for p in people for row in self.topics(p)])
        log_fields = ["plan", "milestone", "area", "studied_on", "minutes", "note"]
        log_fields += ["questions_attempted", "questions_correct", "created_at"]
        counts[StudyLog] = insert_rows(StudyLog, log_fields, [row for p in people for row in self.logs(p)])
        exam_fields = ["plan", "milestone", "form", "kind", "form_name", "taken_on"]
        exam_fields += ["score", "percent_correct", "pass_probability", "created_at"]
        counts[PracticeExam] = insert_rows(PracticeExam, exam_fields, [row for p in people for row in self.exams(p)])
        return counts

    def person(self, number):
        user = User(
            email=DEMO_EMAIL if number == 0 else f"demo{number}@{DEMO_DOMAIN}",
            name=f"Demo Student {number + 1}",
            password=self.password,
        )
        plan = Plan(owner=user, title="Step 1 to Step 3", start_date=self.start)
        person = Person(
            plan,
            {},
            {},
            {
                "step1": self.start + timedelta(days=STEP1_ON_DAY),
                "step2ck": self.today + timedelta(days=self.rng.randint(45, 90)),
                "step3": self.today + timedelta(days=self.rng.randint(300, 500)),
            },
        )
        window_start = self.start
        for code, exam_day in person.exam_dates.items():
            schedule = self.schedule(code, window_start, exam_day)
            person.schedules[code] = schedule
            person.milestones[code] = Milestone(
                plan=plan,
                step=self.steps[code],
                target_date=exam_day,
                starts_on=window_start,
                scheduled_on=self.start,
                minutes_needed=schedule.minutes_needed,
                minutes_available=schedule.minutes_available,
            )
            window_start = exam_day
        # Step 1 passed, stored as recording the result stores it (planner.plans.record_result).
        step1 = person.milestones["step1"]
        step1.status, step1.starts_on = Milestone.Status.PASSED, None
        return person

    def step1_passed(self, person):
        return ExamResult(
            milestone=person.milestones["step1"], attempt=1, sat_on=person.exam_dates["step1"], passed=True
        )

    def schedule(self, code, window_start, exam_day):
        """The topics laid out as save_plan lays out a new plan; people with the same dates share one."""
        key = (code, window_start, exam_day)
        if key not in self.schedules:
            self.schedules[key] = scheduling.lay_out(
                self.loads[code],
                first_day=window_start,
                window_start=window_start,
                exam_day=exam_day,
                weekly_hours=Plan().weekly_hours,
            )
        return self.schedules[key]

    def topics(self, person):
        for code, schedule in person.schedules.items():
            milestone_id = person.milestones[code].pk
            for position, slot in enumerate(schedule.slots):
                completed_at = self.completed_at(slot.due_on)
                yield (milestone_id, slot.key, position, slot.minutes, slot.starts_on, slot.due_on, completed_at)

    def completed_at(self, due_on):
        """About 90% of the topics due before today are done, within a few days of their due date."""
        if due_on >= self.today or self.rng.random() >= 0.9:
            return None
        day = min(due_on + timedelta(days=self.rng.randint(-2, 5)), self.today)
        if day not in self.evenings:
            evening = timezone.make_aware(datetime.combine(day, clock(20, 0)))
            self.evenings[day] = connection.ops.adapt_datetimefield_value(evening)
        return self.evenings[day]

    def logs(self, person):
        rng = self.rng
        for offset in range(HISTORY_DAYS):
            day = self.start + timedelta(days=offset)
            if rng.random() < 0.15:
                continue  # a day off
            milestone = person.milestones["step1" if day <= person.exam_dates["step1"] else "step2ck"]
            area = rng.choice(self.systems[milestone.step_id])
            attempted = rng.choice([None, 20, 40, 40])
            correct = None if attempted is None else round(attempted * rng.uniform(0.45, 0.9))
            note = "Question bank and review"
            yield (person.plan.pk, milestone.pk, area, day, rng.randint(60, 480), note, attempted, correct, self.now)

    def exams(self, person):
        for code, window_end in [("step1", person.exam_dates["step1"]), ("step2ck", self.today)]:
            milestone = person.milestones[code]
            forms = self.forms[milestone.step_id]
            for index, form in enumerate(self.rng.sample(forms, min(6, len(forms)))):
                result = practice_result(form, self.rng.randint(52, 82))
                yield (
                    person.plan.pk,
                    milestone.pk,
                    form.pk,
                    PRACTICE_KINDS[form.provider].value,
                    form.name,
                    window_end - timedelta(days=(6 - index) * 8),
                    result.get("score"),
                    result["percent_correct"],
                    result.get("pass_probability"),
                    self.now,
                )
