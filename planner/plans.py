"""Saving a study plan: the plan, its milestones and their scheduled topics, in one transaction."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Sum

from planner import scheduling
from planner.models import Milestone, PlanTopic, Step, Topic


class Choice:
    PLAN = "plan"
    PASSED = "passed"
    SKIP = "skip"


@dataclass(frozen=True)
class StepChoice:
    step: Step
    choice: str
    target_date: date | None = None


def step_weight_totals():
    return dict(Topic.objects.values("step").annotate(total=Sum("yield_weight")).values_list("step", "total"))


def _window(milestone, today):
    return max(milestone.starts_on, today), milestone.starts_on, milestone.target_date


@transaction.atomic
def save_plan(plan, choices, today):
    """Create or update plan from one StepChoice per plannable Step, and lay out its topics.

    New milestones get every topic of their Step. When a milestone's dates or the weekly hours
    change, only its unfinished topics move, laid out again from today; completed topics keep
    their dates and their completion.
    """
    hours_changed = plan.pk is not None and plan.weekly_hours != plan.__class__.objects.get(pk=plan.pk).weekly_hours
    plan.save()
    existing = {milestone.step_id: milestone for milestone in plan.milestones.all()}

    to_create, to_update, to_schedule = [], [], []
    window_start = plan.start_date
    for item in sorted(choices, key=lambda c: c.step.order):
        milestone = existing.get(item.step.pk)
        if item.choice == Choice.SKIP:
            if milestone is not None:
                milestone.delete()
            continue
        if milestone is None:
            milestone = Milestone(plan=plan, step=item.step)
            to_create.append(milestone)
        else:
            to_update.append(milestone)
        if item.choice == Choice.PASSED:
            milestone.status = Milestone.Status.PASSED
            milestone.target_date = item.target_date
            milestone.starts_on = None
            continue
        if milestone.status == Milestone.Status.PASSED:
            milestone.status = Milestone.Status.PLANNED
        moved = (milestone.target_date, milestone.starts_on) != (item.target_date, window_start)
        milestone.target_date = item.target_date
        milestone.starts_on = window_start
        window_start = item.target_date
        if milestone.pk is None or moved or hours_changed:
            milestone.scheduled_on = today
            to_schedule.append(milestone)

    Milestone.objects.bulk_create(to_create)
    totals = step_weight_totals() if to_schedule else {}
    fresh = [m for m in to_schedule if m in to_create]
    moved = [m for m in to_schedule if m not in to_create]
    _schedule_new(fresh, plan.weekly_hours, totals, today)
    _reschedule_unfinished(moved, plan.weekly_hours, totals, today)
    Milestone.objects.bulk_update(
        to_update + fresh,
        ["status", "target_date", "starts_on", "scheduled_on", "minutes_needed", "minutes_available"],
    )
    return plan


def _apply(milestone, schedule):
    milestone.minutes_needed = schedule.minutes_needed
    milestone.minutes_available = schedule.minutes_available


def _schedule_new(milestones, weekly_hours, totals, today):
    if not milestones:
        return
    topics_by_step = {}
    for topic in Topic.objects.filter(step__in=[m.step for m in milestones]).by_yield():
        topics_by_step.setdefault(topic.step_id, []).append(topic)

    rows = []
    for milestone in milestones:
        topics = topics_by_step.get(milestone.step_id, [])
        loads = [
            scheduling.TopicLoad(
                topic, scheduling.topic_minutes(milestone.step.study_hours, topic.yield_weight, totals[topic.step_id])
            )
            for topic in topics
        ]
        first_day, window_start, exam_day = _window(milestone, today)
        schedule = scheduling.lay_out(
            loads, first_day=first_day, window_start=window_start, exam_day=exam_day, weekly_hours=weekly_hours
        )
        _apply(milestone, schedule)
        rows += [
            PlanTopic(
                milestone=milestone,
                topic=slot.key,
                position=position,
                planned_minutes=slot.minutes,
                starts_on=slot.starts_on,
                due_on=slot.due_on,
            )
            for position, slot in enumerate(schedule.slots)
        ]
    PlanTopic.objects.bulk_create(rows)


def _reschedule_unfinished(milestones, weekly_hours, totals, today):
    if not milestones:
        return
    unfinished = {}
    for plan_topic in (
        PlanTopic.objects.remaining()
        .filter(milestone__in=milestones)
        .select_related("topic")
        .order_by("milestone", "position")
    ):
        unfinished.setdefault(plan_topic.milestone_id, []).append(plan_topic)

    changed = []
    for milestone in milestones:
        plan_topics = unfinished.get(milestone.pk, [])
        loads = [
            scheduling.TopicLoad(
                plan_topic,
                scheduling.topic_minutes(
                    milestone.step.study_hours, plan_topic.topic.yield_weight, totals[plan_topic.topic.step_id]
                ),
            )
            for plan_topic in plan_topics
        ]
        first_day, window_start, exam_day = _window(milestone, today)
        schedule = scheduling.lay_out(
            loads, first_day=first_day, window_start=window_start, exam_day=exam_day, weekly_hours=weekly_hours
        )
        _apply(milestone, schedule)
        for slot in schedule.slots:
            slot.key.starts_on, slot.key.due_on, slot.key.planned_minutes = slot.starts_on, slot.due_on, slot.minutes
            changed.append(slot.key)
    PlanTopic.objects.bulk_update(changed, ["starts_on", "due_on", "planned_minutes"], batch_size=500)
