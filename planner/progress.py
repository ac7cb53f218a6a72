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

from usmleprep.lib.dates import human, monday_of

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
    block: "BlockProgress | None" = None
    rows: list = field(default_factory=list)


@dataclass
class BlockProgress:
    """A system block of the day-by-day plan with the catalog topics it covers done so far."""

    block: object
    done: int
    total: int
    when: str = ""  # "now" for the block under way today, "next" for the next one to start
    shown: bool = False  # its topics are listed on the page

    @property
    def span(self):
        return f"{human(self.block.starts_on)} to {human(self.block.ends_on)}" if self.block.starts_on else ""


def block_progress(blocks, groups, today):
    by_area = {group.area.pk: group.plan_topics for group in groups}
    items = [
        BlockProgress(
            block,
            sum(1 for pt in by_area.get(block.area_id, []) if pt.completed_at is not None),
            len(by_area.get(block.area_id, [])),
        )
        for block in blocks
    ]
    dated = sorted((item for item in items if item.block.starts_on), key=lambda item: item.block.starts_on)
    current = next((item for item in dated if item.block.starts_on <= today <= item.block.ends_on), None)
    upcoming = next((item for item in dated if item.block.starts_on > today), None)
    if current:
        current.when = "now"
    if upcoming:
        upcoming.when = "next"
    return items


@dataclass(frozen=True)
class ShareSource:
    strength: str
    url: str
    title: str
    date: date


@dataclass(frozen=True)
class SystemArea:
    """A system as the plan page heads its topics: its share of the exam and the source of that share."""

    pk: int
    name: str
    share_min: int
    share_max: int
    source: ShareSource | None


@dataclass(frozen=True)
class TopicLine:
    """A plan topic as the plan page reads it: plain values from one query. Four model instances per
    topic (plan topic, topic, area, source) cost more than the rest of the page for a three-Step plan."""

    pk: int
    milestone_id: int
    area: SystemArea
    name: str
    emphasis: int
    weight: float
    starts_on: date
    due_on: date
    minutes: int
    completed_at: object  # an aware datetime, or None

    def state(self):
        completed_on = timezone.localdate(self.completed_at) if self.completed_at else None
        return TopicState(self.weight, self.due_on, self.minutes, completed_on)


# What topic_lines reads: PlanTopic.objects.for_plan_page(plan).values(*TOPIC_LINE_FIELDS).
TOPIC_LINE_FIELDS = (
    "pk",
    "milestone_id",
    "topic__name",
    "topic__emphasis",
    "topic__yield_weight",
    "starts_on",
    "due_on",
    "planned_minutes",
    "completed_at",
    "topic__area_id",
    "topic__area__name",
    "topic__area__share_min",
    "topic__area__share_max",
    "topic__area__source_id",
    "topic__area__source__strength",
    "topic__area__source__url",
    "topic__area__source__title",
    "topic__area__source__date",
)


def topic_lines(rows):
    """TopicLines from rows of TOPIC_LINE_FIELDS, with one SystemArea per system."""
    areas = {}
    lines = []
    for row in rows:
        area = areas.get(row["topic__area_id"])
        if area is None:
            source = None
            if row["topic__area__source_id"] is not None:
                source = ShareSource(
                    row["topic__area__source__strength"],
                    row["topic__area__source__url"],
                    row["topic__area__source__title"],
                    row["topic__area__source__date"],
                )
            area = areas[row["topic__area_id"]] = SystemArea(
                row["topic__area_id"],
                row["topic__area__name"],
                row["topic__area__share_min"],
                row["topic__area__share_max"],
                source,
            )
        lines.append(
            TopicLine(
                pk=row["pk"],
                milestone_id=row["milestone_id"],
                area=area,
                name=row["topic__name"],
                emphasis=row["topic__emphasis"],
                weight=row["topic__yield_weight"],
                starts_on=row["starts_on"],
                due_on=row["due_on"],
                minutes=row["planned_minutes"],
                completed_at=row["completed_at"],
            )
        )
    return lines


@dataclass(frozen=True)
class TopicRow:
    """A topic as the plan page's table shows it, everything formatted once."""

    pk: int
    name: str
    high_yield: bool
    week_of: str
    due_on: str
    hours: str
    toggle_url: str
    done: bool


def topic_rows(lines, toggle_url):
    """TopicRows for TopicLines; toggle_url(pk) is the address of a topic's Done button. Topics share
    their weeks and due days, so each date is formatted once."""
    labels = {}

    def label(day):
        if day not in labels:
            labels[day] = human(day)
        return labels[day]

    return [
        TopicRow(
            pk=line.pk,
            name=line.name,
            high_yield=line.emphasis == 3,
            week_of=label(monday_of(line.starts_on)),
            due_on=label(line.due_on),
            hours=f"{line.minutes / 60:.1f}",
            toggle_url=toggle_url(line.pk),
            done=line.completed_at is not None,
        )
        for line in lines
    ]


def shown_groups(entry, toggle_url, *, area=None, everything=False):
    """The systems whose topics the plan page lists for a Step, each with its block and its rows: every
    system when asked, else those of the blocks under way and next (and the area asked for) in the
    order of their blocks. The rest stay a click away, so the page stays small whatever the plan."""
    blocks = {item.block.area_id: item for item in entry.blocks}
    for group in entry.groups:
        group.block = blocks.get(group.area.pk)
    if everything:
        shown = entry.groups
    else:
        chosen = [g for g in entry.groups if g.area.pk == area or (g.block is not None and g.block.when)]
        shown = sorted(chosen, key=_block_start)
    for group in shown:
        group.rows = topic_rows(group.plan_topics, toggle_url)
        if group.block:
            group.block.shown = True
    return shown


def _block_start(group):
    block = group.block.block if group.block else None
    return block.starts_on if block and block.starts_on else date.max


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


def timeline(milestones, plan_topics, today, *, state=state_of, area_of=lambda pt: pt.topic.area):
    """Each milestone with its progress and its topics grouped by system.

    plan_topics come ordered by milestone, then in the order the groups should show.
    """
    by_milestone = {m.pk: MilestoneProgress(m, today) for m in milestones}
    for milestone_id, rows in groupby(plan_topics, key=lambda pt: pt.milestone_id):
        entry = by_milestone[milestone_id]
        rows = list(rows)
        entry.states = [state(pt) for pt in rows]
        entry.groups = [SystemGroup(area, list(group)) for area, group in groupby(rows, key=area_of)]
    return list(by_milestone.values())


def plan_page_timeline(milestones, lines, today):
    """The timeline from TopicLines (see topic_lines), as the plan page reads it."""
    return timeline(milestones, lines, today, state=TopicLine.state, area_of=lambda line: line.area)
