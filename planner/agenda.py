"""What Today and the calendar show of a day-by-day plan: task rows, days, the week and the month.

Every page reads the plan through layout.StoredPlan, so it runs the same queries for a six-week
plan as for a three-year one; tasks are computed from the stored allocations, never stored.
"""

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

from django.utils import timezone
from django.utils.dateformat import format as format_date

from planner import daily, layout, progress, weakness
from planner.models import Milestone, PlanTopic, TaskProgress

ONE_DAY = timedelta(days=1)
WEEK_DAYS = 7
# Tasks a person records units of; reviews and practice exams take time but have no units to count.
TRACKED_KINDS = {daily.BOOK, daily.VIDEO, daily.QBANK, daily.CARDS}
# A partial amount may run over the task (a good day), up to three times it: more is a typing slip.
MOST_TIMES_THE_TASK = 3
UNIT_FIELD_LABELS = {
    "pages": "Pages read",
    "chapters": "Chapters read",
    "questions": "Questions done",
    "cards": "Cards done",
    "minutes": "Minutes watched",
}
PHASE_LABELS = {"content": "Content review", "practice": "Practice", "final review": "Final review"}
# The calendar shows the plan's span and a year either side of it.
CALENDAR_MARGIN_MONTHS = 12
MONTH_PATTERN = re.compile(r"(\d{4})-(\d{2})")


# Rows the templates show


@dataclass(frozen=True)
class TaskRow:
    """One task (or overdue item) with what was recorded of it on its day."""

    milestone: Milestone
    kind: str
    label: str
    minutes: int
    day: date
    resource_id: object
    area_id: int | None
    amount: int
    unit: str
    recorded: int = 0
    correct: int | None = None
    since: date | None = None  # an overdue item: the day it fell due

    @property
    def is_tracked(self):
        return self.kind in TRACKED_KINDS and self.amount > 0

    @property
    def is_overdue(self):
        return self.since is not None

    @property
    def is_done(self):
        return self.is_tracked and self.recorded >= self.amount

    @property
    def is_practice_exam(self):
        return self.kind == daily.PRACTICE_EXAM

    @property
    def form_id(self):
        """A practice exam's self-assessment: its task's resource_key is the slot's form id."""
        return self.resource_id if self.is_practice_exam else None

    @property
    def counts_questions(self):
        return self.unit == "questions"

    @property
    def amount_label(self):
        return UNIT_FIELD_LABELS.get(self.unit, f"{self.unit.capitalize()} done")

    @property
    def most(self):
        return MOST_TIMES_THE_TASK * self.amount

    @property
    def dom_id(self):
        area = self.area_id or "mixed"
        return f"task-{self.milestone.pk}-{self.resource_id}-{area}-{self.day:%Y%m%d}{'-overdue' if self.since else ''}"

    @property
    def status(self):
        return status_text(self.recorded, self.amount, self.unit, self.correct)


def status_text(recorded, amount, unit, correct):
    if not recorded:
        return ""
    of = f"{recorded:,} of {amount:,} {unit}"
    correct_part = f", {correct} correct" if correct is not None else ""
    return f"Done: {of}{correct_part}" if recorded >= amount else f"Recorded {of}{correct_part}"


def task_row(step, task):
    # A practice exam's resource_key is its form's id, not a resource's.
    resource = step.resources_by_key.get(task.resource_key) if task.kind in TRACKED_KINDS else None
    return TaskRow(
        milestone=step.milestone,
        kind=task.kind,
        label=task.label,
        minutes=task.minutes,
        day=task.day,
        resource_id=task.resource_key,
        area_id=task.block_key,
        amount=task.amount,
        unit=resource.unit if resource else "",
        # A practice exam counts as done once a score for its self-assessment is recorded.
        recorded=int(task.kind == daily.PRACTICE_EXAM and task.resource_key in step.recorded_forms),
    )


def overdue_row(step, item):
    resource = step.resources_by_key[item.resource_key]
    return TaskRow(
        milestone=step.milestone,
        kind=resource.kind,
        # planner.daily labels tasks; an overdue item is the same work, so it reads the same.
        label=daily.task_label(resource, step.layout.block_names.get(item.block_key), item.first_unit, item.units),
        minutes=item.minutes,
        day=item.since,
        resource_id=item.resource_key,
        area_id=item.block_key,
        amount=item.units,
        unit=resource.unit,
        since=item.since,
    )


def merged(pairs, recorded=None):
    """TaskRows from (StoredStep, TaskRow) pairs, one per resource and system.

    TaskProgress keeps one record per resource, system and day, so two tasks of one resource for
    one system on a day (First Aid's reproductive and endocrine chapters, both in "Reproductive &
    Endocrine Systems") are shown, ticked and recorded as one: "pp. 331–333 and pp. 633–642".
    recorded maps (resource, system) to the day's TaskProgress.
    """
    rows, index = [], {}
    for step, row in pairs:
        if not row.is_tracked:
            rows.append(row)
            continue
        key = (row.milestone.pk, row.resource_id, row.area_id)
        if key not in index:
            index[key] = len(rows)
            rows.append(row)
            continue
        first = rows[index[key]]
        rows[index[key]] = replace(
            first,
            label=joined_label(step, first, row),
            amount=first.amount + row.amount,
            minutes=first.minutes + row.minutes,
            day=min(first.day, row.day),
            since=min(first.since, row.since) if first.since else None,
        )
    if recorded is None:
        return rows
    return [with_recorded(row, recorded.get((row.resource_id, row.area_id))) if row.is_tracked else row for row in rows]


def joined_label(step, first, second):
    prefix = f"{step.resources_by_key[first.resource_id].name} "
    block_name = step.layout.block_names.get(first.area_id)
    suffix = f" ({block_name})" if block_name else ""
    labels = (first.label, second.label)
    if all(label.startswith(prefix) and label.endswith(suffix) for label in labels):
        middles = [label[len(prefix) : len(label) - len(suffix)] for label in labels]
        return f"{prefix}{' and '.join(middles)}{suffix}"
    return " and ".join(labels)


def with_recorded(row, progress_row):
    if progress_row is None:
        return replace(row, recorded=0, correct=None)
    return replace(row, recorded=progress_row.amount, correct=progress_row.questions_correct)


def overdue_rows(stored, today):
    pairs = [(step, overdue_row(step, item)) for step, item in stored.overdue(today)]
    return sorted(merged(pairs), key=lambda row: (row.since, row.milestone.pk))


def day_rows(stored, day, tasks, recorded=None):
    return merged([(step, task_row(step, task)) for step, task in tasks.get(day, [])], recorded)


def find_task(stored, milestone_id, resource_id, area_id, day):
    """The row of a resource's task for a system on a day (its tasks there merged); None if it has none."""
    rows = merged(
        [(step, task_row(step, task)) for step, task in stored.task_on(milestone_id, resource_id, area_id, day)]
    )
    return rows[0] if rows else None


def find_overdue(stored, milestone_id, resource_id, area_id, since, today):
    """The overdue row of a resource for a system pending since that day, as Today shows it; None if there
    is none (ticked already)."""
    items = stored.overdue_items(milestone_id, resource_id, area_id, today)
    rows = merged([(step, overdue_row(step, item)) for step, item in items])
    return rows[0] if rows and rows[0].since == since else None


def exception_on(exceptions, day):
    return next((e for e in exceptions if e.starts_on <= day <= e.ends_on), None)


@dataclass(frozen=True)
class DayPlan:
    day: date
    rows: list
    minutes_available: int
    exception: object = None
    phase: str = ""
    exams: tuple = ()  # names of the Steps whose exam is on this day

    @property
    def minutes_planned(self):
        return sum(row.minutes for row in self.rows)

    @property
    def hours_planned(self):
        return hours(self.minutes_planned)

    @property
    def hours_available(self):
        return hours(self.minutes_available)

    @property
    def is_day_off(self):
        return self.minutes_available == 0

    @property
    def is_light(self):
        return self.exception is not None and self.exception.hours > 0

    @property
    def practice_exams(self):
        return [row for row in self.rows if row.is_practice_exam]

    @property
    def tracked(self):
        return [row for row in self.rows if row.is_tracked]

    @property
    def done_count(self):
        return sum(row.is_done for row in self.tracked)


def hours(minutes):
    return f"{round(minutes / 60, 1):g}"


def done_summary(day_plan):
    tracked = day_plan.tracked
    if not tracked:
        return "Nothing to tick today."
    return f"{day_plan.done_count} of {len(tracked)} task{'s' if len(tracked) != 1 else ''} done today."


# Today


def read_today(plan, today):
    """(milestones, stored plan, the week's DayPlans from today, overdue rows), in a fixed number of
    queries: the milestones, layout.StoredPlan's and today's recorded progress."""
    milestones = list(plan.milestones.select_related("step"))
    week_end = today + (WEEK_DAYS - 1) * ONE_DAY
    stored = layout.StoredPlan(plan, milestones, week_end)
    week = stored.tasks_between(today, week_end)
    recorded = {
        (p.plan_resource_id, p.area_id): p
        for p in TaskProgress.objects.filter(plan_resource__milestone__plan=plan, day=today)
    }
    days = []
    for offset in range(WEEK_DAYS):
        day = today + offset * ONE_DAY
        rows = day_rows(stored, day, week, recorded if day == today else None)
        days.append(DayPlan(day, rows, stored.minutes_available(day), exception_on(stored.exceptions, day)))
    return milestones, stored, days, overdue_rows(stored, today)


def topics_of_today(rows, today_rows):
    """The catalog topics of the systems today's tasks cover, system by system in the order of the tasks."""
    wanted = []
    for row in today_rows:
        key = (row.milestone.pk, row.area_id)
        if row.area_id is not None and key not in wanted:
            wanted.append(key)
    groups = []
    for milestone_id, area_id in wanted:
        topics = [t for t in rows if t.milestone_id == milestone_id and t.area_id == area_id]
        if topics:
            groups.append(TopicGroup(topics[0].area_name, topics))
    return groups


@dataclass(frozen=True)
class TopicGroup:
    name: str
    topics: list


def today_context(plan, today):
    milestones, stored, days, overdue = read_today(plan, today)
    zone = timezone.get_current_timezone()
    rows = PlanTopic.objects.filter(milestone__plan=plan).as_rows()
    active = [m for m in milestones if m.status != Milestone.Status.PASSED and m.target_date]
    next_milestone = min((m for m in active if m.target_date >= today), key=lambda m: m.target_date, default=None)
    standing = None
    if next_milestone:
        states = [row.state(zone) for row in rows if row.milestone_id == next_milestone.pk]
        standing = progress.MilestoneProgress(next_milestone, today, states).standing
    summary = (next_milestone.layout_summary or {}) if next_milestone else {}
    return {
        "plan": plan,
        "today": today,
        "is_laid_out": bool(stored.steps),
        "day": days[0],
        "coming": days[1:],
        "overdue": overdue,
        "status": done_summary(days[0]),
        "next_milestone": next_milestone,
        "days_left": next_milestone.days_left(today) if next_milestone else None,
        "standing": standing,
        "questions_per_day": [(name, per_day) for name, per_day in summary.get("questions_per_day", [])],
        "topic_groups": topics_of_today(rows, days[0].rows),
        "reviews": stored.reviews_on(today),
        "review_minutes": layout.REVIEW_MINUTES,
        "review_ratings": REVIEW_RATINGS,
        # StoredPlan read them with the systems' names: no query of their own.
        "weakest_systems": [
            (step.milestone, stored.weakest[step.milestone.pk])
            for step in stored.steps
            if stored.weakest[step.milestone.pk]
        ],
        "min_questions": weakness.MIN_QUESTIONS_FOR_WEAKNESS,
    }


# Spaced review

REVIEW_RATINGS = [("again", "Forgot"), ("hard", "Hard"), ("good", "Good"), ("easy", "Easy")]


# The calendar


def month_start(day):
    return day.replace(day=1)


def add_months(first, months):
    years, month = divmod(first.month - 1 + months, 12)
    return date(first.year + years, month + 1, 1)


def parse_month(value):
    match = MONTH_PATTERN.fullmatch(value or "")
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), 1)
    except ValueError:
        return None


def phase_on(stored, day):
    many = len(stored.steps) > 1
    for step in stored.steps:
        for phase in (step.layout.content, step.layout.practice, step.layout.final_review):
            if not phase.is_empty and phase.starts_on <= day <= phase.ends_on:
                label = PHASE_LABELS[phase.name]
                return f"{step.milestone.step.name}: {label.lower()}" if many else label
    return ""


def weeks_of(days):
    """(heading, days) for the month's weeks from Monday, the first and last cut at the month's ends."""
    weeks = []
    for day_plan in days:
        if not weeks or day_plan.day.weekday() == 0:
            weeks.append([])
        weeks[-1].append(day_plan)
    return [(week_heading(week[0].day, week[-1].day), week) for week in weeks]


def week_heading(first, last):
    if first == last:
        return format_date(first, "l j F")
    return f"{format_date(first, 'D j')} – {format_date(last, 'D j F')}"


def month_context(plan, today, requested):
    """The calendar's month: the one asked for ("YYYY-MM") within a year of the plan, else today's."""
    milestones = list(plan.milestones.select_related("step"))
    last_exam = max([m.target_date for m in milestones if m.target_date] + [plan.start_date])
    earliest = add_months(month_start(plan.start_date), -CALENDAR_MARGIN_MONTHS)
    latest = add_months(month_start(last_exam), CALENDAR_MARGIN_MONTHS)
    month = parse_month(requested)
    if month is None or not earliest <= month <= latest:
        month = month_start(today)
    month_end = add_months(month, 1) - ONE_DAY

    stored = layout.StoredPlan(plan, milestones, month_end)
    tasks = stored.tasks_between(month, month_end)
    exams = {}
    for m in milestones:
        if m.target_date and month <= m.target_date <= month_end:
            exams.setdefault(m.target_date, []).append(m.step.name)
    days = []
    for offset in range((month_end - month).days + 1):
        day = month + offset * ONE_DAY
        days.append(
            DayPlan(
                day,
                day_rows(stored, day, tasks),
                stored.minutes_available(day),
                exception_on(stored.exceptions, day),
                phase_on(stored, day),
                tuple(exams.get(day, ())),
            )
        )
    previous = add_months(month, -1)
    following = add_months(month, 1)
    return {
        "plan": plan,
        "today": today,
        "month": month,
        "weeks": weeks_of(days),
        "is_laid_out": bool(stored.steps),
        "previous": min(previous, latest) if previous >= earliest else None,
        "following": max(following, earliest) if following <= latest else None,
    }
