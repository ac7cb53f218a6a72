"""Progress against each milestone: plain functions over plain values.

Progress is weighed by yield: a high-yield topic done counts for more than a low-yield one.
The schedule is the yardstick: a topic is expected done once its due day has passed. Because
(re)scheduling lays unfinished topics out from that day on, nothing is expected before the plan
was made or last changed, so a new plan starts on track.
"""

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from itertools import groupby

from django.utils import timezone

PACE_DAYS = 14
EPSILON = 1e-9


@dataclass(frozen=True)
class TopicState:
    weight: float
    due_on: date
    minutes: int = 0
    completed_on: date | None = None

    @property
    def is_done(self):
        return self.completed_on is not None


@dataclass(frozen=True)
class Standing:
    """Ahead, on track or behind the schedule, and by how many days."""

    days: int  # positive: ahead; negative: behind

    @property
    def label(self):
        if self.days > 0:
            return f"Ahead by {self.days} day{'s' if self.days != 1 else ''}"
        if self.days < 0:
            return f"Behind by {-self.days} day{'s' if self.days != -1 else ''}"
        return "On track"

    @property
    def kind(self):
        return "ahead" if self.days > 0 else "behind" if self.days < 0 else "on-track"


def done_weight(topics):
    return sum(t.weight for t in topics if t.is_done)


def expected_weight(topics, today):
    return sum(t.weight for t in topics if t.due_on < today)


def standing(topics, today):
    """How many days the work done is ahead of, or behind, the schedule.

    Behind: the schedule had this much done on the due day of the first topic beyond it.
    Ahead: the schedule reaches this much the day after the due day of the topic that gets there.
    """
    done, expected = done_weight(topics), expected_weight(topics, today)
    if abs(done - expected) < EPSILON:
        return Standing(0)
    cumulative = 0.0
    for topic in sorted(topics, key=lambda t: t.due_on):
        cumulative += topic.weight
        if done < expected and cumulative > done + EPSILON:
            return Standing(-(today - topic.due_on).days)
        if done > expected and cumulative >= done - EPSILON:
            return Standing(max(0, (topic.due_on + timedelta(days=1) - today).days))
    return Standing(0)


def pace_window_start(today, baseline):
    """The last 14 days, or fewer when the plan was made or changed more recently."""
    return max(today - timedelta(days=PACE_DAYS), baseline or today - timedelta(days=PACE_DAYS))


def projected_finish(topics, today, baseline):
    """When the remaining topics would be done at the pace of the last 14 days; None without pace."""
    remaining = sum(t.weight for t in topics if not t.is_done)
    if remaining < EPSILON:
        return today
    since = pace_window_start(today, baseline)
    days = max(1, (today - since).days)
    recent = sum(t.weight for t in topics if t.is_done and since <= t.completed_on <= today)
    if recent < EPSILON:
        return None
    return today + timedelta(days=math.ceil(remaining * days / recent))


@dataclass(frozen=True)
class Need:
    topics_per_week: float
    hours_per_week: float


def needed_per_week(topics, today, finish_by):
    """Topics and hours a week still needed to finish by finish_by (the start of the review stretch)."""
    remaining = [t for t in topics if not t.is_done]
    weeks = max((finish_by - today).days, 1) / 7
    return Need(
        topics_per_week=round(len(remaining) / weeks, 1),
        hours_per_week=round(sum(t.minutes for t in remaining) / 60 / weeks, 1),
    )


@dataclass
class SystemGroup:
    area: object
    plan_topics: list


@dataclass
class BlockProgress:
    """A system block of the day-by-day plan with the catalog topics it covers done so far."""

    block: object
    done: int
    total: int


def block_progress(blocks, groups):
    by_area = {group.area.pk: group.plan_topics for group in groups}
    return [
        BlockProgress(
            block,
            sum(1 for pt in by_area.get(block.area_id, []) if pt.completed_at is not None),
            len(by_area.get(block.area_id, [])),
        )
        for block in blocks
    ]


@dataclass
class MilestoneProgress:
    milestone: object
    today: date
    states: list[TopicState] = field(default_factory=list)
    groups: list[SystemGroup] = field(default_factory=list)

    @property
    def days_left(self):
        return self.milestone.days_left(self.today)

    @cached_property
    def total(self):
        return len(self.states)

    @cached_property
    def done(self):
        return sum(1 for t in self.states if t.is_done)

    @cached_property
    def percent_by_count(self):
        return round(100 * self.done / self.total) if self.total else 0

    @cached_property
    def percent_by_weight(self):
        total = sum(t.weight for t in self.states)
        return round(100 * done_weight(self.states) / total) if total else 0

    @cached_property
    def percent_expected(self):
        total = sum(t.weight for t in self.states)
        return round(100 * expected_weight(self.states, self.today) / total) if total else 0

    @cached_property
    def standing(self):
        return standing(self.states, self.today)

    @cached_property
    def projected_finish(self):
        return projected_finish(self.states, self.today, self.milestone.scheduled_on)

    @cached_property
    def need(self):
        # Aim for the start of the review stretch; once that has passed, for the exam itself.
        review = self.milestone.review_starts_on
        finish_by = review if review and review > self.today else self.milestone.target_date
        return needed_per_week(self.states, self.today, finish_by)

    @property
    def is_active(self):
        return self.milestone.status != "passed"


def state_of(plan_topic):
    completed_on = timezone.localdate(plan_topic.completed_at) if plan_topic.completed_at else None
    return TopicState(plan_topic.topic.yield_weight, plan_topic.due_on, plan_topic.planned_minutes, completed_on)


def timeline(milestones, plan_topics, today):
    """Each milestone with its progress and its topics grouped by system.

    plan_topics come ordered by milestone, then in the order the groups should show.
    """
    by_milestone = {m.pk: MilestoneProgress(m, today) for m in milestones}
    for milestone_id, rows in groupby(plan_topics, key=lambda pt: pt.milestone_id):
        entry = by_milestone[milestone_id]
        rows = list(rows)
        entry.states = [state_of(pt) for pt in rows]
        entry.groups = [SystemGroup(area, list(group)) for area, group in groupby(rows, key=lambda pt: pt.topic.area)]
    return list(by_milestone.values())
