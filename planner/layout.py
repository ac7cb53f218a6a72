"""A Step's day-by-day plan: from the database to planner.daily and back.

`lay_out_milestone` is the one write path: it reads the person's resources, blocks, days off and
what they have done, lays out only the work left, and stores the phases, block spans, allocations
and practice-exam days. Completed work lives in TaskProgress and is never touched here.
`StoredPlan` is the read path for pages: a few queries, whatever the plan's length.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, Sum
from django.utils import timezone

from planner import daily, figures, review, weakness
from planner.models import (
    MAX_HOURS_PER_DAY,
    Allocation,
    ContentArea,
    DayException,
    Milestone,
    PlanResource,
    PracticeExam,
    PracticeExamSlot,
    Resource,
    ResourceSection,
    ReviewItem,
    StudyBlock,
    TaskProgress,
)
from usmleprep.lib.db import insert_rows

# Minutes of study per unit, for a resource the person has not timed themselves: this project's
# estimates (a dense review-book page, a Pathoma chapter with its video, an hour of video watched
# with pauses, a question done and its explanation read, a flashcard, a case simulation).
MINUTES_PER_UNIT = {
    Resource.Unit.PAGE: 5,
    Resource.Unit.CHAPTER: 150,
    Resource.Unit.HOUR: 90,
    Resource.Unit.QUESTION: 3,
    Resource.Unit.CARD: 0.5,
    Resource.Unit.CASE: 25,
}
# Of a question bank, this share is kept for mixed, timed blocks in the practice phase; the rest is
# done by system alongside each block.
MIXED_QUESTION_SHARE = 0.3
# With spaced review on, this share of every study day is kept for reviews of completed topics
# (planner/review.py), each taking about REVIEW_MINUTES: skim the notes, a few questions or cards.
REVIEW_SHARE = 0.1
REVIEW_MINUTES = 5
# Self-assessments at exam pace: 30 minutes for 20 items since 2026.
MINUTES_PER_PRACTICE_ITEM = 1.5
# Blocks that stand on their own at the end of content review, whatever their share.
LATE_BLOCK_PREFIXES = ("Social Sciences", "Biostatistics")

DAILY_KINDS = {
    Resource.Kind.BOOK: daily.BOOK,
    Resource.Kind.VIDEO: daily.VIDEO,
    Resource.Kind.QBANK: daily.QBANK,
    Resource.Kind.FLASHCARDS: daily.CARDS,
    Resource.Kind.CASES: daily.BOOK,
}
DAILY_UNITS = {
    Resource.Unit.PAGE: "pages",
    Resource.Unit.CHAPTER: "chapters",
    Resource.Unit.HOUR: "minutes",
    Resource.Unit.QUESTION: "questions",
    Resource.Unit.CARD: "cards",
    Resource.Unit.CASE: "cases",
}


def units_per_catalog_unit(unit):
    """Video is planned by the minute: an hour of the catalog's is 60 of the planner's units."""
    return 60 if unit == Resource.Unit.HOUR else 1


def default_minutes_per_unit(unit):
    return MINUTES_PER_UNIT[unit]


def calendar_for(plan, exceptions, *, whole_days=False):
    """The minutes the daily tasks may fill: each day's hours, less the share kept for spaced review
    when the plan has it on. whole_days gives the hours themselves, for showing what a day holds."""
    keep = 1 if whole_days or not plan.reviews_enabled else 1 - REVIEW_SHARE

    def minutes(hours):
        return math.floor(hours * 60 * keep)

    days = {}
    for exception in exceptions:
        for offset in range((exception.ends_on - exception.starts_on).days + 1):
            days[exception.starts_on + timedelta(days=offset)] = minutes(exception.hours)
    return daily.StudyCalendar(tuple(minutes(hours) for hours in plan.weekly_hours), days)


def default_block_order(areas):
    """Largest share first; communication, ethics and biostatistics as blocks of their own at the end."""
    return sorted(areas, key=lambda a: (a.name.startswith(LATE_BLOCK_PREFIXES), -a.share_midpoint, a.position))


def resource_input(plan_resource, parts=()):
    scale = units_per_catalog_unit(plan_resource.unit)
    return daily.ResourceInput(
        key=plan_resource.pk,
        name=plan_resource.name,
        kind=DAILY_KINDS[plan_resource.kind],
        unit=DAILY_UNITS[plan_resource.unit],
        minutes_per_unit=float(plan_resource.minutes_per_unit) / scale,
        parts=tuple(parts),
    )


def catalog_parts(plan_resource, sections, blocks):
    """(area id or None, first unit, amount) for the whole resource, in the order it is studied.

    A resource the catalog divides by system keeps its sections (scaled to the person's edition);
    others are split over the blocks by their share of the exam, with a question bank's mixed share
    kept for the practice phase.
    """
    scale = units_per_catalog_unit(plan_resource.unit)
    total = round(float(plan_resource.total) * scale)
    if sections:
        catalog_total = sum(float(section.amount) for section in sections) * scale
        factor = total / catalog_total if catalog_total else 1
        # Pages and chapters are numbered even where the catalog gives no first page (from 1 then).
        numbered = plan_resource.unit in (Resource.Unit.PAGE, Resource.Unit.CHAPTER)
        parts, next_unit = [], sections[0].first_unit or 1
        for section in sections:
            amount = max(1, round(float(section.amount) * scale * factor))
            parts.append((section.area_id, next_unit if numbered else None, amount))
            if numbered:
                next_unit += amount
        return parts
    mixed = round(total * MIXED_QUESTION_SHARE) if plan_resource.kind == Resource.Kind.QBANK else 0
    by_system = total - mixed
    shares = [block.area.share_midpoint for block in blocks]
    parts = []
    numbered = plan_resource.unit in (Resource.Unit.PAGE, Resource.Unit.CHAPTER)
    next_unit, given = 1, 0
    for index, block in enumerate(blocks):
        # Cumulative rounding, so the parts add up to exactly what is to be split.
        upto = round(by_system * sum(shares[: index + 1]) / sum(shares)) if shares else 0
        amount, given = upto - given, upto
        if amount:
            parts.append((block.area_id, next_unit if numbered else None, amount))
            next_unit += amount
    if mixed:
        parts.append((None, None, mixed))
    return parts


def remaining_parts(parts, done_before, done_by_area):
    """The parts less what was done: done_before from the start of the resource, progress per system."""
    remaining = []
    skip = done_before
    for area_id, first_unit, amount in parts:
        taken = min(skip, amount)
        skip -= taken
        done = min(done_by_area.get(area_id, 0), amount - taken)
        done_by_area[area_id] = done_by_area.get(area_id, 0) - done
        left = amount - taken - done
        if left > 0:
            start = None if first_unit is None else first_unit + taken + done
            remaining.append(daily.ResourcePart(area_id, start, left))
    return remaining


@dataclass
class StepData:
    """Everything laying out one Step reads from the database."""

    milestone: Milestone
    blocks: list
    plan_resources: list = field(default_factory=list)
    sections: dict = field(default_factory=dict)
    done_by_resource_area: dict = field(default_factory=lambda: defaultdict(dict))
    slots: list = field(default_factory=list)
    taken_forms: set = field(default_factory=set)
    weakest: tuple = ()  # the final review's systems (planner/weakness.py)


def read_steps(milestones):
    """StepData for each milestone, in a fixed number of queries however many Steps there are."""
    ids = [m.pk for m in milestones]
    blocks = defaultdict(list)
    for block in StudyBlock.objects.filter(milestone__in=ids).select_related("area").order_by("position"):
        blocks[block.milestone_id].append(block)
    missing = [m for m in milestones if not blocks[m.pk]]
    if missing:
        for block in create_default_blocks(missing):
            blocks[block.milestone_id].append(block)
    data = {m.pk: StepData(m, blocks[m.pk]) for m in milestones}
    for pr in PlanResource.objects.filter(milestone__in=ids).order_by("position", "pk"):
        data[pr.milestone_id].plan_resources.append(pr)
    sections = defaultdict(list)
    catalog_ids = {pr.resource_id for d in data.values() for pr in d.plan_resources if pr.resource_id}
    for section in ResourceSection.objects.filter(resource_id__in=catalog_ids).order_by("resource", "position"):
        sections[section.resource_id].append(section)
    for d in data.values():
        d.sections = sections
    for row in (
        TaskProgress.objects.filter(plan_resource__milestone__in=ids)
        .values("plan_resource__milestone", "plan_resource", "area")
        .annotate(total=Sum("amount"))
    ):
        data[row["plan_resource__milestone"]].done_by_resource_area[row["plan_resource"]][row["area"]] = row["total"]
    for slot in PracticeExamSlot.objects.filter(milestone__in=ids).select_related("form"):
        data[slot.milestone_id].slots.append(slot)
    for milestone_id, form_id in PracticeExam.objects.filter(milestone__in=ids, form__isnull=False).values_list(
        "milestone", "form"
    ):
        data[milestone_id].taken_forms.add(form_id)
    for milestone_id, keys in weakness.final_review_systems_by_milestone(milestones).items():
        data[milestone_id].weakest = keys
    return [data[m.pk] for m in milestones]


def create_default_blocks(milestones):
    areas = defaultdict(list)
    steps = {m.step_id for m in milestones}
    for area in ContentArea.objects.filter(step__in=steps, kind=ContentArea.Kind.SYSTEM):
        areas[area.step_id].append(area)
    blocks = [
        StudyBlock(milestone=milestone, area=area, position=position)
        for milestone in milestones
        for position, area in enumerate(default_block_order(areas[milestone.step_id]))
    ]
    return StudyBlock.objects.bulk_create(blocks)


def step_input(data, first_day=None, weakest=()):
    milestone = data.milestone
    resources = []
    for pr in data.plan_resources:
        parts = [
            part
            for part in catalog_parts(pr, data.sections.get(pr.resource_id, []), data.blocks)
            if part[0] not in pr.dropped_areas
        ]
        done_before = round(float(pr.done_before) * units_per_catalog_unit(pr.unit))
        left = remaining_parts(parts, done_before, dict(data.done_by_resource_area.get(pr.pk, {})))
        resources.append(resource_input(pr, left))
    exams = [
        daily.PracticeExamInput(
            key=slot.form_id,
            name=slot.form.name,
            minutes=math.ceil(slot.form.items * MINUTES_PER_PRACTICE_ITEM),
            blocks=slot.form.blocks,
            items_per_block=slot.form.items_per_block,
            is_free120=slot.form.provider == slot.form.Provider.USMLE,
        )
        for slot in data.slots
        if slot.form_id not in data.taken_forms
    ]
    return daily.StepInput(
        key=milestone.pk,
        name=milestone.step.name,
        first_day=first_day or milestone.starts_on,
        exam_day=milestone.target_date,
        blocks=tuple(daily.BlockInput(b.area_id, b.area.name, b.area.share_midpoint) for b in data.blocks),
        resources=tuple(resources),
        practice_exams=tuple(exams),
        weakest_block_keys=tuple(weakest or data.weakest),
    )


def summary_of(layout, resources_by_key):
    def span(phase):
        return None if phase.is_empty else [phase.starts_on.isoformat(), phase.ends_on.isoformat()]

    return {
        "content": span(layout.content),
        "practice": span(layout.practice),
        "final_review": span(layout.final_review),
        "how_chosen": layout.how_chosen,
        "warnings": list(layout.warnings),
        "shortfall": [
            {"resource": resources_by_key[s.resource_key].name, "units": s.units, "minutes": s.minutes}
            for s in layout.shortfall
            if s.units
        ],
        "loads": [[load.name, load.minutes_needed, load.minutes_available] for load in layout.loads],
        "questions_per_day": [
            [resources_by_key[key].name, per_day] for key, per_day in layout.questions_per_day.items()
        ],
    }


def can_lay_out(milestone):
    return milestone.status != Milestone.Status.PASSED and milestone.target_date and milestone.starts_on


@transaction.atomic
def lay_out_milestone(milestone, today, *, calendar=None, layout=None):
    """Lay out the work left on a Step from today and store it; returns the StepLayout.

    A catch-up strategy passes the layout (and calendar) it previewed, so what is applied is
    exactly what was shown.
    """
    return lay_out_milestones([milestone], today, calendar=calendar, layouts={milestone.pk: layout})[0]


@transaction.atomic
def lay_out_milestones(milestones, today, *, calendar=None, layouts=None):
    """Lay out several Steps of one plan with one read and one write of each table."""
    if not milestones:
        return []
    if calendar is None:
        plan = milestones[0].plan
        calendar = calendar_for(plan, plan.exceptions.all())
    steps = read_steps(milestones)
    results = []
    for data in steps:
        step = step_input(data)
        layout = (layouts or {}).get(data.milestone.pk) or daily.lay_out(step, calendar, today)
        results.append((data, step, layout))
    store_layouts(results)
    return [layout for _, _, layout in results]


ALLOCATION_FIELDS = ["milestone", "position", "plan_resource", "kind", "area", "first_unit", "amount"]
ALLOCATION_FIELDS += ["starts_on", "ends_on", "share", "seconds_per_unit", "grain"]


def allocation_rows(milestone_id, allocations, plan_resource_ids=None):
    """A Step's allocations as rows of ALLOCATION_FIELDS, for insert_rows. A layout's resource keys are its
    plan resources' ids, unless plan_resource_ids maps them (seed_demo shares one layout between people)."""
    return [
        (
            milestone_id,
            index,
            plan_resource_ids[a.resource_key] if plan_resource_ids and a.resource_key else a.resource_key,
            a.kind,
            a.block_key,
            a.first_unit,
            a.amount,
            a.starts_on,
            a.ends_on,
            a.share,
            a.seconds_per_unit,
            a.grain,
        )
        for index, a in enumerate(allocations)
    ]


def store_layouts(results):
    for plan_id in {data.milestone.plan_id for data, _, _ in results}:
        figures.bump(plan_id)
    blocks, allocations, slots, milestones = [], [], [], []
    now = timezone.now()
    for data, step, layout in results:
        milestone = data.milestone
        resources_by_key = {r.key: r for r in step.resources}
        spans = {span.key: span for span in layout.block_spans}
        for block in data.blocks:
            span = spans.get(block.area_id)
            block.starts_on, block.ends_on = (span.starts_on, span.ends_on) if span else (None, None)
        blocks += data.blocks
        allocations += allocation_rows(milestone.pk, layout.allocations)
        days = {exam.key: exam for exam in layout.practice_exam_days}
        for slot in data.slots:
            if slot.form_id in data.taken_forms:
                continue
            placed = days.get(slot.form_id)
            slot.day, slot.minutes = (placed.day, placed.minutes) if placed else (None, 0)
            slots.append(slot)
        milestone.laid_out_at = now
        milestone.practice_starts_on = None if layout.practice.is_empty else layout.practice.starts_on
        milestone.final_review_starts_on = None if layout.final_review.is_empty else layout.final_review.starts_on
        milestone.layout_summary = summary_of(layout, resources_by_key)
        milestones.append(milestone)
    StudyBlock.objects.bulk_update(blocks, ["starts_on", "ends_on"], batch_size=500)
    Allocation.objects.filter(milestone__in=milestones).delete()
    insert_rows(Allocation, ALLOCATION_FIELDS, allocations)
    PracticeExamSlot.objects.bulk_update(slots, ["day", "minutes"], batch_size=500)
    Milestone.objects.bulk_update(
        milestones, ["laid_out_at", "practice_starts_on", "final_review_starts_on", "layout_summary"]
    )


def add_default_resources(*milestones):
    """A new Step starts with the catalog's first book and question bank for it, which the person can change."""
    first_of_kind = {}
    for resource in Resource.objects.filter(
        step__in={m.step_id for m in milestones},
        kind__in=[Resource.Kind.BOOK, Resource.Kind.QBANK],
        retired_on__isnull=True,
    ).order_by("position"):
        first_of_kind.setdefault((resource.step_id, resource.kind), resource)
    chosen = [
        plan_resource_from(milestone, first_of_kind[(milestone.step_id, kind)], position)
        for milestone in milestones
        for position, kind in enumerate([Resource.Kind.BOOK, Resource.Kind.QBANK])
        if (milestone.step_id, kind) in first_of_kind
    ]
    PlanResource.objects.bulk_create(chosen)
    return chosen


def plan_resource_from(milestone, resource, position=0):
    return PlanResource(
        milestone=milestone,
        resource=resource,
        name=resource.name,
        kind=resource.kind,
        unit=resource.unit,
        total=resource.total,
        minutes_per_unit=default_minutes_per_unit(resource.unit),
        position=position,
    )


@transaction.atomic
def record_progress(plan_resource_id, area_id, day, amount, questions_correct=None):
    """Set what was done of a resource for a system on a day; 0 removes the record. Idempotent."""
    figures.bump(PlanResource.objects.filter(pk=plan_resource_id).values("milestone__plan")[:1])
    rows = TaskProgress.objects.filter(plan_resource_id=plan_resource_id, area_id=area_id, day=day)
    if amount <= 0:
        rows.delete()
        return None
    progress, _ = TaskProgress.objects.update_or_create(
        plan_resource_id=plan_resource_id,
        area_id=area_id,
        day=day,
        defaults={"amount": amount, "questions_correct": questions_correct, "completed_at": timezone.now()},
    )
    return progress


PREVIEW_DAYS = 14


@dataclass
class Preview:
    """What a change does to a Step: its tasks over the next two weeks, day by day, and the new summary."""

    changes: list
    summary: dict
    first: object
    last: object


def step_tasks(milestone, last_day):
    stored = StoredPlan(milestone.plan, [milestone], last_day)
    return stored.steps[0] if stored.steps else None


def preview_change(milestone, today, change):
    """Run change() and lay the Step out again inside a transaction that is rolled back, and say what moved.

    The same code that applies a change computes its preview, so the preview is what will be applied.
    """
    first, last = today, today + timedelta(days=PREVIEW_DAYS - 1)
    before = step_tasks(milestone, last)
    with transaction.atomic():
        change()
        lay_out_milestone(milestone, today)
        after = step_tasks(milestone, last)
        summary = dict(milestone.layout_summary)
        transaction.set_rollback(True)
    milestone.refresh_from_db()
    milestone.plan.refresh_from_db()
    resources = {**(before.resources_by_key if before else {}), **after.resources_by_key}
    pairs = [
        (step.layout, step.calendar) if step else (empty_layout(milestone), after.calendar) for step in (before, after)
    ]
    return Preview(daily.preview(*pairs, resources, first, last), summary, first, last)


class Strategy:
    SPREAD = "spread"
    PUSH = "push"
    DROP = "drop"
    HOURS = "hours"

    CHOICES = [
        (SPREAD, "Spread the overdue work over the next days"),
        (PUSH, "Push the rest of the schedule later, up to the exam"),
        (DROP, "Drop the lowest-yield remaining work"),
        (HOURS, "Study more hours a day"),
    ]


@dataclass
class CatchUpOption:
    """A catch-up strategy worked out for a Step: its preview and what applying it stores."""

    strategy: str
    result: daily.CatchUp
    preview: Preview
    weekly_hours: list


def catch_up_option(milestone, today, strategy, days=5, extra_hours=1):
    """The strategy laid out from today, and what it changes in the next two weeks; writes nothing."""
    plan = milestone.plan
    calendar = calendar_for(plan, plan.exceptions.all())
    step = step_input(read_steps([milestone])[0])
    current = step_tasks(milestone, today + timedelta(days=PREVIEW_DAYS - 1))
    weekly_hours = list(plan.weekly_hours)
    if strategy == Strategy.SPREAD:
        overdue = current.overdue(today) if current else []
        result = daily.spread_overdue(step, calendar, today, [item.work for item in overdue], days)
    elif strategy == Strategy.PUSH:
        result = daily.push_remaining(step, calendar, today, days)
    elif strategy == Strategy.DROP:
        result = daily.drop_lowest_yield(step, calendar, today)
    else:
        weekly_hours = [min(MAX_HOURS_PER_DAY, hours + extra_hours) if hours else 0 for hours in weekly_hours]
        weekly_minutes = [hours * 60 for hours in weekly_hours]
        result = daily.with_daily_minutes(step, calendar, today, weekly_minutes)
    first, last = today, today + timedelta(days=PREVIEW_DAYS - 1)
    before = (current.layout, current.calendar) if current else (empty_layout(milestone), calendar)
    resources = {r.key: r for r in step.resources}
    changes = daily.preview(before, (result.layout, result.calendar), resources, first, last)
    summary = summary_of(result.layout, resources)
    return CatchUpOption(strategy, result, Preview(changes, summary, first, last), weekly_hours)


@transaction.atomic
def apply_catch_up(milestone, today, option):
    """Store the option exactly as previewed; dropped work stays out of later layouts too."""
    plan = milestone.plan
    figures.bump(plan.pk)
    if option.weekly_hours != plan.weekly_hours:
        plan.weekly_hours = option.weekly_hours
        # Only the hours: the whole row would write back the figures_version it was loaded with.
        plan.save(update_fields=[*plan.HOUR_FIELDS, "updated_at"])
    dropped = defaultdict(set)
    for work in option.result.dropped:
        dropped[work.resource_key].add(work.block_key)
    for plan_resource in PlanResource.objects.filter(pk__in=dropped):
        plan_resource.dropped_areas = sorted(set(plan_resource.dropped_areas) | dropped[plan_resource.pk])
        plan_resource.save(update_fields=["dropped_areas"])
    lay_out_milestone(milestone, today, calendar=option.result.calendar, layout=option.result.layout)


def empty_layout(milestone):
    return stored_layout(milestone, (), (), {})


# Reading a stored plan for pages.


@dataclass
class StoredStep:
    milestone: Milestone
    layout: daily.StepLayout
    calendar: daily.StudyCalendar
    resources_by_key: dict
    recorded: dict  # units recorded since the layout was made, by (resource, system)
    recorded_forms: frozenset = frozenset()  # the self-assessments with a practice exam recorded

    def progress_by_allocation(self, today):
        """Done units by allocation index: what was recorded of a resource for a system goes first to
        what each of its allocations had due before today, then to them in order.

        One resource can run two allocations side by side (a book's two sections in one system, shown
        as one task); filled strictly in order, everything done would count as the first one's and the
        second would stay overdue."""
        left = dict(self.recorded)
        done = defaultdict(int)
        study = [(index, a) for index, a in enumerate(self.layout.allocations) if a.kind == daily.STUDY]
        yesterday = today - timedelta(days=1)
        for index, a in study:
            key = (a.resource_key, a.block_key)
            if left.get(key) and a.starts_on < today:
                due = sum(daily.units_between(a, self.calendar, a.starts_on, yesterday).values())
                done[index] = min(left[key], due)
                left[key] -= done[index]
        for index, a in study:
            key = (a.resource_key, a.block_key)
            take = min(left.get(key, 0), a.amount - done[index])
            if take > 0:
                done[index] += take
                left[key] -= take
        return {index: units for index, units in done.items() if units}

    def overdue(self, today):
        return daily.overdue(self.layout, self.calendar, today, self.progress_by_allocation(today))


class StoredPlan:
    """A plan's stored layouts, read in a fixed number of queries, for Today and the calendar."""

    def __init__(self, plan, milestones, last_day):
        self.plan = plan
        exceptions = list(DayException.objects.filter(plan=plan))
        self.calendar = calendar_for(plan, exceptions)
        self.whole_days = calendar_for(plan, exceptions, whole_days=True)
        self.exceptions = exceptions
        milestones = [m for m in milestones if m.laid_out_at and m.status != Milestone.Status.PASSED]
        ids = [m.pk for m in milestones]
        allocations = defaultdict(list)
        for allocation in Allocation.objects.filter(milestone__in=ids, starts_on__lte=last_day).order_by(
            "milestone", "position"
        ):
            allocations[allocation.milestone_id].append(allocation)
        resources = defaultdict(dict)
        for pr in PlanResource.objects.filter(milestone__in=ids):
            resources[pr.milestone_id][pr.pk] = resource_input(pr)
        # The systems' names and, in the same query, the weakest systems the final reviews go to now.
        areas = weakness.area_results(plan.pk, {m.step_id for m in milestones}, every_area=True)
        names = {area.pk: area.name for area in areas}
        self.weakest = {m.pk: weakness.final_review_systems(areas, m.step_id) for m in milestones}
        slots = defaultdict(list)
        taken = PracticeExam.objects.filter(milestone=OuterRef("milestone"), form=OuterRef("form"))
        for slot in (
            PracticeExamSlot.objects.filter(milestone__in=ids, day__isnull=False)
            .select_related("form")
            .annotate(is_recorded=Exists(taken))
        ):
            slots[slot.milestone_id].append(slot)
        progress = defaultdict(int)
        laid_out_at = {m.pk: m.laid_out_at for m in milestones}
        for row in (
            TaskProgress.objects.filter(plan_resource__milestone__in=ids)
            .values("plan_resource__milestone", "plan_resource", "area", "completed_at")
            .annotate(total=Sum("amount"))
        ):
            # Work recorded before the layout was made is already left out of its allocations.
            if row["completed_at"] >= laid_out_at[row["plan_resource__milestone"]]:
                progress[(row["plan_resource"], row["area"])] += row["total"]
        self.steps = [
            self._step(m, allocations[m.pk], resources[m.pk], names, slots[m.pk], progress) for m in milestones
        ]
        self.review_items = defaultdict(list)
        if plan.reviews_enabled:
            for item in ReviewItem.objects.filter(plan_topic__milestone__in=ids).select_related(
                "plan_topic__topic__area"
            ):
                self.review_items[item.plan_topic.milestone_id].append(item)

    def minutes_available(self, day):
        """A day's study hours in minutes, review time included."""
        return self.whole_days.minutes_on(day)

    def reviews_on(self, today):
        """The reviews planned for today, with the topic and how long each takes, for every Step ahead.

        The reviews of a day fit in the share of it kept for them, so with the day's tasks they never
        exceed its hours; every completed topic is reviewed in the final stretch where the days allow."""
        due = []
        for step in self.steps:
            items = self.review_items.get(step.milestone.pk)
            exam_day = step.milestone.target_date
            if not items or exam_day <= today:
                continue
            capacity = {}
            day = today
            while day < exam_day:
                capacity[day] = self.minutes_available(day) - self.calendar.minutes_on(day)
                day += timedelta(days=1)
            by_key = {item.pk: item for item in items}
            planned = review.plan_reviews(
                [(item.pk, item.card, timezone.localtime(review.due_of(item.card))) for item in items],
                exam_day,
                today,
                capacity,
                REVIEW_MINUTES,
            )
            due += [by_key[pk] for pk in planned.by_day.get(today, [])]
        return due

    def _step(self, milestone, allocations, resources, names, slots, progress):
        layout_allocations = tuple(
            daily.Allocation(
                resource_key=a.plan_resource_id,
                block_key=a.area_id,
                first_unit=a.first_unit,
                amount=a.amount,
                starts_on=a.starts_on,
                ends_on=a.ends_on,
                share=a.share,
                kind=a.kind,
                seconds_per_unit=a.seconds_per_unit,
                grain=a.grain,
            )
            for a in allocations
        )
        layout_allocations = daily.with_final_review_systems(
            layout_allocations, [area.pk for area in self.weakest[milestone.pk]]
        )
        exams = tuple(
            daily.PracticeExamDay(s.form_id, s.form.name, s.day, s.minutes, s.form.blocks, s.form.items_per_block)
            for s in slots
        )
        layout = stored_layout(milestone, layout_allocations, exams, names)
        recorded = {key: units for key, units in progress.items() if key[0] in resources}
        recorded_forms = frozenset(s.form_id for s in slots if s.is_recorded)
        return StoredStep(milestone, layout, self.calendar, resources, recorded, recorded_forms)

    def tasks_between(self, first, last):
        """{day: [(StoredStep, Task)]} for the days from first to last."""
        days = defaultdict(list)
        for step in self.steps:
            for day, tasks in daily.tasks_between(
                step.layout, step.calendar, first, last, step.resources_by_key
            ).items():
                days[day] += [(step, task) for task in tasks]
        return dict(sorted(days.items()))

    def overdue_lines(self, today):
        """(StoredStep, OverdueItem, "First Aid pp. 284–290 (Cardiovascular)") for the work left behind."""
        return [(step, item, overdue_label(step, item)) for step, item in self.overdue(today)]

    def overdue(self, today):
        """(StoredStep, OverdueItem) for the work due before today and not done, Step by Step."""
        return [(step, item) for step in self.steps for item in step.overdue(today)]

    def task_on(self, milestone_id, resource_id, area_id, day):
        """(StoredStep, Task) for the study tasks of a resource for a system on a day: none, one, or two
        when the resource runs two allocations side by side there (pages 331–333 and 633–642)."""
        found = []
        for step in self.steps:
            if step.milestone.pk != milestone_id:
                continue
            for task in daily.tasks_on(step.layout, step.calendar, day, step.resources_by_key):
                # A practice exam's key is its form's id, and card reviews have no units: study tasks only.
                if (task.resource_key, task.block_key) != (resource_id, area_id) or task.allocation_index is None:
                    continue
                if step.layout.allocations[task.allocation_index].kind == daily.STUDY:
                    found.append((step, task))
        return found

    def overdue_items(self, milestone_id, resource_id, area_id, today):
        """(StoredStep, OverdueItem) for what is overdue of a resource for a system (Today shows them as one)."""
        return [
            (step, item)
            for step, item in self.overdue(today)
            if (step.milestone.pk, item.resource_key, item.block_key) == (milestone_id, resource_id, area_id)
        ]


def stored_layout(milestone, allocations, exam_days, block_names):
    summary = milestone.layout_summary or {}

    def phase(name, key):
        span = summary.get(key)
        if not span:
            return daily.Phase(name, milestone.target_date, milestone.target_date - timedelta(days=1))
        return daily.Phase(name, *(timezone.datetime.fromisoformat(d).date() for d in span))

    return daily.StepLayout(
        step_key=milestone.pk,
        starts_on=milestone.starts_on,
        exam_day=milestone.target_date,
        content=phase("content", "content"),
        practice=phase("practice", "practice"),
        final_review=phase("final review", "final_review"),
        block_spans=(),
        allocations=allocations,
        practice_exam_days=exam_days,
        unplaced_practice_exams=(),
        shortfall=(),
        unfitted=(),
        loads=(),
        questions_per_day={},
        warnings=tuple(summary.get("warnings", ())),
        how_chosen=summary.get("how_chosen", ""),
        block_names=block_names,
    )


def overdue_label(step, item):
    resource = step.resources_by_key[item.resource_key]
    return daily.task_label(resource, step.layout.block_names.get(item.block_key), item.first_unit, item.units)
