import json
import math
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import time as clock

from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone

from accounts.models import User
from planner import daily, layout, review, scheduling
from planner.models import (
    Allocation,
    ContentArea,
    ExamResult,
    Milestone,
    Plan,
    PlanResource,
    PlanTopic,
    PracticeExam,
    PracticeExamSlot,
    Resource,
    ResourceSection,
    ReviewItem,
    SelfAssessment,
    Step,
    StudyBlock,
    StudyLog,
    TaskProgress,
    Topic,
)
from planner.plans import step_weight_totals
from usmleprep.lib.db import analyze, insert_rows

DEMO_DOMAIN = "demo.usmleprep.test"
DEMO_EMAIL = f"demo@{DEMO_DOMAIN}"
DEMO_PASSWORD = "demo-password-not-secret"
HISTORY_DAYS = 365
STEP1_ON_DAY = 180  # of the plan: Step 1 passed about six months ago
# The Steps ahead were laid out day by day the day after Step 1, with the catalog's resources for them
# (at most this many per Step) and the self-assessments not yet taken.
RESOURCES_PER_STEP = 3
PRACTICE_EXAMS_TAKEN = 6
# Of each day's study task since then: done in full, done in part (half), or left behind (overdue).
TASK_DONE, TASK_HALF_DONE = 0.9, 0.05
PRACTICE_KINDS = {
    SelfAssessment.Provider.NBME: PracticeExam.Kind.NBME,
    SelfAssessment.Provider.UWORLD: PracticeExam.Kind.UWSA,
    SelfAssessment.Provider.USMLE: PracticeExam.Kind.FREE120,
    SelfAssessment.Provider.OTHER: PracticeExam.Kind.OTHER,
}
# People are written a batch at a time. Users, plans, milestones and what the day-by-day layout reads
# and writes (resources, blocks, allocations) go through bulk_create and the layout's own functions;
# the scheduled topics, task records, review items, logs and practice exams (most of the rows) go in as
# plain rows, by COPY on PostgreSQL. For 10,000 people, save_plan per person took over an hour and
# bulk_create for every row about 23 minutes, most of it Django preparing each value.
PEOPLE_PER_BATCH = 250
# Deleting more rows than this leaves enough dead ones to slow the pages until VACUUM.
VACUUM_AFTER_ROWS = 100_000
FILLED = [
    User,
    Plan,
    Milestone,
    ExamResult,
    PlanResource,
    StudyBlock,
    Allocation,
    PracticeExamSlot,
    PlanTopic,
    TaskProgress,
    ReviewItem,
    StudyLog,
    PracticeExam,
]


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
        "the topics due so far done, the Steps ahead laid out day by day with about 90% of each day's tasks "
        "since recorded, spaced reviews of the completed topics, a year of daily study logs with question "
        f"blocks and a dozen practice exams. Replaces the demo accounts (@{DEMO_DOMAIN}) it made before and "
        "touches no other data; then runs ANALYZE on the tables it filled. Progress goes to stderr."
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
        # Called inside a transaction (a test's), the foreign keys are checked at the caller's commit.
        own_transaction = not connection.in_atomic_block
        with transaction.atomic():
            deleted = delete_demo_people()
            if connection.vendor == "postgresql" and own_transaction:
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
            # right after seeding 2,000 people the dashboard scanned every scheduled topic and ran 4.5 times
            # slower. Inside the transaction, so no page ever runs on the new rows without them.
            analyze(*FILLED)
        self.stderr.write(f"seed_demo ANALYZE done, {time.monotonic() - started:.0f} s", style_func=str)
        if deleted and deleted >= VACUUM_AFTER_ROWS and connection.vendor == "postgresql":
            # The old people's rows are dead but still in the tables, and read by every scan until VACUUM
            # (autovacuum may be off, as on this project's machines); it cannot run in a transaction.
            with connection.cursor() as cursor:
                for model in owned_tables():
                    cursor.execute(f"VACUUM {connection.ops.quote_name(model._meta.db_table)}")
            self.stderr.write(f"seed_demo VACUUM done, {time.monotonic() - started:.0f} s", style_func=str)
        self.stdout.write(
            f"Seeded {users} demo people ({counts[PlanTopic]} scheduled topics, {counts[Allocation]} allocations, "
            f"{counts[TaskProgress]} task records, {counts[ReviewItem]} review items, {counts[StudyLog]} study "
            f"logs, {counts[PracticeExam]} practice exams) in {time.monotonic() - started:.0f} s. "
            f"Sign in as {DEMO_EMAIL} / {DEMO_PASSWORD}"
        )

    def progress(self, done, total, started):
        bar = "#" * (20 * done // total)
        line = f"seed_demo [{bar:<20}] {done:,}/{total:,} people, {time.monotonic() - started:.0f} s"
        # One line redrawn on a terminal; a line per batch in a log file.
        ending = "\r" if self.stderr.isatty() and done < total else "\n"
        self.stderr.write(line, style_func=str, ending=ending)
        self.stderr.flush()


def delete_demo_people():
    """Delete the demo accounts and everything they own; returns the number of rows deleted, None when
    the tables were emptied.

    Where the database holds nobody else (a benchmark's), TRUNCATE empties the tables at once and
    leaves nothing for VACUUM. Otherwise a DELETE per table and path, the deepest tables first: through
    QuerySet.delete(), Django's collector would load every row that has rows below it (each scheduled
    topic, for its review) and delete what hangs from them in batches, for minutes after --users 10000."""
    demo = User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}")
    tables = owned_tables()
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql" and not User.objects.exclude(pk__in=demo.values("pk")).exists():
        names = ", ".join(quote(model._meta.db_table) for model in [User, *tables])
        try:
            # A table outside these that still refers to one of them refuses it; then delete row by row.
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE {names}")
            return None
        except DatabaseError:
            pass
    deleted = 0
    with connection.cursor() as cursor:
        for model, lookups in sorted(tables.items(), key=lambda item: -max(p.count("__") for p in item[1])):
            table, pk = (quote(name) for name in (model._meta.db_table, model._meta.pk.column))
            # An allocation hangs from its milestone and, when it has one, its resource: every path is needed.
            for lookup in lookups:
                rows = model._base_manager.filter(**{f"{lookup}__in": demo.values("pk")}).values("pk")
                sql, params = rows.query.sql_with_params()
                cursor.execute(f"DELETE FROM {table} WHERE {pk} IN ({sql})", params)
                deleted += cursor.rowcount
    return deleted + demo.delete()[0]


def owned_tables():
    """{model: [lookups to its owner's id]} for every table that CASCADEs from the user, by every path."""
    found = defaultdict(list)

    def visit(model, path):
        # Hidden relations too (related_name="+"): an allocation hangs from its resource that way.
        for relation in model._meta.get_fields(include_hidden=True):
            if not relation.auto_created or relation.concrete or relation.on_delete is not models.CASCADE:
                continue
            lookup = f"{relation.field.name}__{path}"
            found[relation.related_model].append(lookup)
            visit(relation.related_model, lookup)

    visit(User, "pk")
    return found


@dataclass
class Person:
    plan: Plan
    milestones: dict  # Step code -> Milestone
    schedules: dict  # Step code -> scheduling.Schedule
    exam_dates: dict  # Step code -> date
    forms: dict  # Step code -> the self-assessments taken, in the order taken
    slot_forms: dict = field(default_factory=dict)  # Step code ahead -> the self-assessments still to take
    layouts: dict = field(default_factory=dict)  # Step code ahead -> Laid


@dataclass(frozen=True)
class Laid:
    layout: daily.StepLayout
    summary: dict
    study_units: list


class Demo:
    """Builds and writes demo people, from the catalog read once."""

    def __init__(self, rng, today):
        self.rng = rng
        self.today = today
        self.start = today - timedelta(days=HISTORY_DAYS)
        self.laid_out_on = self.start + timedelta(days=STEP1_ON_DAY + 1)
        self.laid_out_at = timezone.make_aware(datetime.combine(self.laid_out_on, clock(8, 0)))
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
        # A Step's resources as a person has them: the catalog's first book and question bank at 0 and 1,
        # as add_default_resources chooses them, then the next ones up to RESOURCES_PER_STEP.
        self.resources = {}
        for step in self.steps.values():
            catalog = list(Resource.objects.filter(step=step, retired_on__isnull=True).order_by("position"))
            defaults = {}
            for resource in catalog:
                if resource.kind in (Resource.Kind.BOOK, Resource.Kind.QBANK):
                    defaults.setdefault(resource.kind, resource)
            chosen = [(0, defaults[kind]) if kind == Resource.Kind.BOOK else (1, defaults[kind]) for kind in defaults]
            others = [r for r in catalog if r not in defaults.values()][: RESOURCES_PER_STEP - len(chosen)]
            self.resources[step.pk] = sorted(chosen) + list(enumerate(others, start=2))
        self.blocks = {}
        areas = defaultdict(list)
        for area in ContentArea.objects.filter(step__in=self.steps.values(), kind=ContentArea.Kind.SYSTEM):
            areas[area.step_id].append(area)
        for step in self.steps.values():
            ordered = layout.default_block_order(areas[step.pk])
            self.blocks[step.pk] = [StudyBlock(area=area, position=i) for i, area in enumerate(ordered)]
        self.sections = defaultdict(list)
        for section in ResourceSection.objects.order_by("resource", "position"):
            self.sections[section.resource_id].append(section)
        # Every demo plan has the default hours and no days off: one calendar for all.
        self.calendar = layout.calendar_for(Plan(), [])
        self.schedules = {}
        self.evenings = {}
        self.cards = {}
        self.layouts = {}

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
        counts.update(self.lay_out(people))
        topic_fields = ["milestone", "topic", "position", "planned_minutes", "starts_on", "due_on", "completed_at"]
        counts[PlanTopic] = insert_rows(PlanTopic, topic_fields, [row for p in people for row in self.topics(p)])
        review_fields = ["plan_topic", "card", "due_on", "reviews", "last_rating", "last_reviewed_at"]
        counts[ReviewItem] = insert_rows(ReviewItem, review_fields, self.review_items(people))
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
                "step3": None,
            },
            {},
        )
        # Step 3 some 8 to 15 months after Step 2 CK, in whole weeks, so that people share layouts.
        person.exam_dates["step3"] = person.exam_dates["step2ck"] + timedelta(weeks=4 * self.rng.randint(8, 16))
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
        for code in ("step1", "step2ck"):
            # In the catalog's order, as most people take them: people left with the same forms to take
            # share their layouts (with a random choice, a thousand people needed a thousand layouts).
            person.forms[code] = self.forms[self.steps[code].pk][:PRACTICE_EXAMS_TAKEN]
        # Step 1 passed, stored as recording the result stores it (planner.plans.record_result).
        step1 = person.milestones["step1"]
        step1.status, step1.starts_on = Milestone.Status.PASSED, None
        for code, milestone in person.milestones.items():
            if not layout.can_lay_out(milestone):
                continue
            taken = person.forms.get(code, ())
            person.slot_forms[code] = [form for form in self.forms[milestone.step_id] if form not in taken]
            laid = person.layouts[code] = self.layout_for(milestone, person.slot_forms[code])
            # The milestone's fields as store_layouts sets them.
            milestone.laid_out_at = self.laid_out_at
            milestone.practice_starts_on = None if laid.layout.practice.is_empty else laid.layout.practice.starts_on
            milestone.final_review_starts_on = (
                None if laid.layout.final_review.is_empty else laid.layout.final_review.starts_on
            )
            milestone.layout_summary = laid.summary
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

    def layout_for(self, milestone, slot_forms):
        """A Step laid out by the planner the day after Step 1, as lay_out_milestones lays out a new Step
        with these resources, default blocks and self-assessments; people with the same dates share one.
        Its resource keys are the catalog's resource ids, for any person's own resource rows."""
        key = (milestone.step_id, milestone.starts_on, milestone.target_date, tuple(f.pk for f in slot_forms))
        if key not in self.layouts:
            plan_resources = [
                layout.plan_resource_from(milestone, resource, position)
                for position, resource in self.resources[milestone.step_id]
            ]
            for plan_resource in plan_resources:
                plan_resource.pk = plan_resource.resource_id
            data = layout.StepData(
                milestone,
                self.blocks[milestone.step_id],
                plan_resources,
                self.sections,
                slots=[PracticeExamSlot(form=form) for form in slot_forms],
            )
            step = layout.step_input(data)
            step_layout = daily.lay_out(step, self.calendar, self.laid_out_on)
            self.layouts[key] = Laid(
                step_layout,
                layout.summary_of(step_layout, {r.key: r for r in step.resources}),
                self.study_units(step, step_layout),
            )
        return self.layouts[key]

    def study_units(self, step, step_layout):
        """[(resource key, system, day, units)] of study set for each day from the layout day to yesterday."""
        units = defaultdict(int)
        last = self.today - timedelta(days=1)
        for allocation in step_layout.allocations:
            if allocation.kind != daily.STUDY or allocation.starts_on > last:
                continue
            for day, amount in daily.units_between(allocation, self.calendar, self.laid_out_on, last).items():
                units[(allocation.resource_key, allocation.block_key, day)] += amount
        kinds = {r.key: r.kind for r in step.resources}
        return [(*key, amount, kinds[key[0]] == daily.QBANK) for key, amount in units.items()]

    def lay_out(self, people):
        """Store each Step ahead's layout as store_layouts stores it, and about 90% of each day's study
        since recorded; returns the rows written per model.

        Rows go in by COPY like the topics: store_layouts' bulk_update of blocks and milestones took 17 s
        for 250 people, 12 minutes for 10,000."""
        resources = layout.add_default_resources(*[m for p in people for m in p.milestones.values()])
        more = []
        for person in people:
            for code in person.layouts:
                milestone = person.milestones[code]
                for position, resource in self.resources[milestone.step_id]:
                    if position >= 2:
                        more.append(layout.plan_resource_from(milestone, resource, position))
        resources += PlanResource.objects.bulk_create(more)
        own = defaultdict(dict)  # milestone id -> catalog resource id -> plan resource id
        for r in resources:
            own[r.milestone_id][r.resource_id] = r.pk
        blocks, allocations, slots, done = [], [], [], []
        for person in people:
            for code, laid in person.layouts.items():
                milestone = person.milestones[code]
                spans = {span.key: span for span in laid.layout.block_spans}
                for position, block in enumerate(self.blocks[milestone.step_id]):
                    span = spans.get(block.area_id)
                    dates = (span.starts_on, span.ends_on) if span else (None, None)
                    blocks.append((milestone.pk, block.area_id, position, *dates))
                allocations += layout.allocation_rows(milestone.pk, laid.layout.allocations, own[milestone.pk])
                days = {exam.key: exam for exam in laid.layout.practice_exam_days}
                for form in person.slot_forms[code]:
                    placed = days.get(form.pk)
                    slots.append((milestone.pk, form.pk, *((placed.day, placed.minutes) if placed else (None, 0))))
                done += self.task_records(milestone, laid, own)
        block_fields = ["milestone", "area", "position", "starts_on", "ends_on"]
        progress_fields = ["plan_resource", "area", "day", "amount", "questions_correct", "completed_at"]
        return {
            PlanResource: len(resources),
            StudyBlock: insert_rows(StudyBlock, block_fields, blocks),
            Allocation: insert_rows(Allocation, layout.ALLOCATION_FIELDS, allocations),
            PracticeExamSlot: insert_rows(PracticeExamSlot, ["milestone", "form", "day", "minutes"], slots),
            TaskProgress: insert_rows(TaskProgress, progress_fields, done),
        }

    def task_records(self, milestone, laid, own):
        """What was recorded of each day's study since the layout day, as Today records it: most in full,
        some in part, some left behind (overdue)."""
        rng = self.rng
        for resource_key, area_id, day, amount, is_qbank in laid.study_units:
            roll = rng.random()
            if roll >= TASK_DONE + TASK_HALF_DONE:
                continue
            if roll >= TASK_DONE:
                amount = max(1, amount // 2)
            correct = round(amount * rng.uniform(0.55, 0.8)) if is_qbank else None
            yield (own[milestone.pk][resource_key], area_id, day, amount, correct, self.evening(day))

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
        return self.evening(min(due_on + timedelta(days=self.rng.randint(-2, 5)), self.today))

    def evening(self, day):
        if day not in self.evenings:
            evening = timezone.make_aware(datetime.combine(day, clock(20, 0)))
            self.evenings[day] = connection.ops.adapt_datetimefield_value(evening)
        return self.evenings[day]

    def review_items(self, people):
        """A review item for each completed topic of the Steps ahead, as ticking it makes, reviewed (Good)
        whenever it fell due. Step 1's, which no page reads once it is passed, are left out."""
        completed = PlanTopic.objects.filter(
            milestone__in=[m for p in people for m in p.milestones.values() if layout.can_lay_out(m)],
            completed_at__isnull=False,
        ).values_list("pk", "completed_at")
        return [(pk, *self.card_after(completed_at)) for pk, completed_at in completed]

    def card_after(self, completed_at):
        """(card, due_on, reviews, last rating, last reviewed) today, for a topic completed then; the
        same for every topic completed at that moment."""
        if completed_at not in self.cards:
            card, reviews, reviewed_at = review.new_card(completed_at), 0, None
            due = review.due_of(card)
            while timezone.localdate(due) < self.today:
                card, reviewed_at = review.review(card, "good", due)[0], due
                due, reviews = review.due_of(card), reviews + 1
            self.cards[completed_at] = (
                json.dumps(card),
                timezone.localdate(due),
                reviews,
                "good" if reviews else "",
                reviewed_at and connection.ops.adapt_datetimefield_value(reviewed_at),
            )
        return self.cards[completed_at]

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
            for index, form in enumerate(person.forms[code]):
                result = practice_result(form, self.rng.randint(52, 82))
                yield (
                    person.plan.pk,
                    milestone.pk,
                    form.pk,
                    PRACTICE_KINDS[form.provider].value,
                    form.name,
                    window_end - timedelta(days=(PRACTICE_EXAMS_TAKEN - index) * 8),
                    result.get("score"),
                    result["percent_correct"],
                    result.get("pass_probability"),
                    self.now,
                )
