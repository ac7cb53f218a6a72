"""Writing study plans: the plan, its milestones and their scheduled topics, each change in one transaction."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from planner import figures, layout, review, scheduling
from planner.models import ExamResult, Milestone, PlanTopic, ReviewItem, Step, Topic
from usmleprep.lib.db import insert_rows, update_rows


class Choice:
    PLAN = "plan"
    PASSED = "passed"
    SKIP = "skip"


@dataclass(frozen=True)
class StepChoice:
    step: Step
    choice: str
    target_date: date | None = None
    target_score: int | None = None


@dataclass(frozen=True)
class Move:
    plan_topic: PlanTopic
    starts_on: date
    due_on: date
    minutes: int
    was: tuple[date, date]  # (starts_on, due_on) before the move

    @property
    def changes_dates(self):
        return (self.starts_on, self.due_on) != self.was


def step_weight_totals():
    return dict(Topic.objects.values("step").annotate(total=Sum("yield_weight")).values_list("step", "total"))


def _lay_out(milestone, loads, weekly_hours, today):
    return scheduling.lay_out(
        loads,
        first_day=max(milestone.starts_on, today),
        window_start=milestone.starts_on,
        exam_day=milestone.target_date,
        weekly_hours=weekly_hours,
    )


@transaction.atomic
def save_plan(plan, choices, today):
    """Create or update plan from one StepChoice per plannable Step, and lay out its topics.

    New milestones get every topic of their Step. When a milestone's dates or the weekly hours
    change, only its unfinished topics move, laid out again from today; completed topics keep
    their dates and their completion.
    """
    saved = type(plan).objects.get(pk=plan.pk) if plan.pk is not None else None
    hours_changed = saved is not None and plan.weekly_hours != saved.weekly_hours
    # Review time is taken from each day's hours, so turning it on or off lays out every Step's days again.
    reviews_changed = saved is not None and plan.reviews_enabled != saved.reviews_enabled
    existed = plan.pk is not None
    plan.save()
    existing = {milestone.step_id: milestone for milestone in plan.milestones.all()}

    to_create, to_update, to_schedule = [], [], []
    window_start = plan.start_date
    # Step 1 and Step 2 CK may come in either order (FSMB): windows follow the exam dates.
    for item in sorted(choices, key=lambda c: (c.target_date or date.max, c.step.order)):
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
        milestone.target_score = item.target_score
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
            to_schedule.append(milestone)

    Milestone.objects.bulk_create(to_create)
    totals = step_weight_totals() if to_schedule else {}
    fresh = [m for m in to_schedule if m in to_create]
    _schedule_new(fresh, plan.weekly_hours, totals, today)
    moves = unfinished_moves([m for m in to_schedule if m not in to_create], plan.weekly_hours, totals, today)
    _apply_moves(moves)
    Milestone.objects.bulk_update(
        to_update + fresh,
        ["status", "target_date", "starts_on", "scheduled_on", "minutes_needed", "minutes_available", "target_score"],
    )
    layout.add_default_resources(*fresh)
    if reviews_changed:
        to_schedule += [m for m in to_update if m not in to_schedule and layout.can_lay_out(m)]
    layout.lay_out_milestones(to_schedule, today)
    if existed:  # a new plan has no figures cached yet
        figures.bump(plan.pk)
    return plan


def _record_schedule(milestone, schedule, today):
    milestone.scheduled_on = today
    milestone.minutes_needed = schedule.minutes_needed
    milestone.minutes_available = schedule.minutes_available


def _schedule_new(milestones, weekly_hours, totals, today):
    if not milestones:
        return
    topics_by_step = {}
    for topic in Topic.objects.current().filter(step__in=[m.step for m in milestones]).by_yield():
        topics_by_step.setdefault(topic.step_id, []).append(topic)

    rows = []
    for milestone in milestones:
        loads = [
            scheduling.TopicLoad(
                topic, scheduling.topic_minutes(milestone.step.study_hours, topic.yield_weight, totals[topic.step_id])
            )
            for topic in topics_by_step.get(milestone.step_id, [])
        ]
        schedule = _lay_out(milestone, loads, weekly_hours, today)
        _record_schedule(milestone, schedule, today)
        rows += [
            (milestone.pk, slot.key.pk, position, slot.minutes, slot.starts_on, slot.due_on)
            for position, slot in enumerate(schedule.slots)
        ]
    insert_rows(PlanTopic, ["milestone", "topic", "position", "planned_minutes", "starts_on", "due_on"], rows)


def unfinished_moves(milestones, weekly_hours, totals, today):
    """Where each milestone's unfinished topics go when laid out again from today. Writes nothing
    but the milestones' in-memory schedule figures."""
    if not milestones:
        return []
    unfinished = {}
    for plan_topic in (
        PlanTopic.objects.remaining()
        .filter(milestone__in=milestones)
        .select_related("topic")
        .order_by("milestone", "position")
    ):
        unfinished.setdefault(plan_topic.milestone_id, []).append(plan_topic)

    moves = []
    for milestone in milestones:
        loads = [
            scheduling.TopicLoad(
                plan_topic,
                scheduling.topic_minutes(
                    milestone.step.study_hours, plan_topic.topic.yield_weight, totals[plan_topic.topic.step_id]
                ),
            )
            for plan_topic in unfinished.get(milestone.pk, [])
        ]
        schedule = _lay_out(milestone, loads, weekly_hours, today)
        _record_schedule(milestone, schedule, today)
        moves += [
            Move(slot.key, slot.starts_on, slot.due_on, slot.minutes, (slot.key.starts_on, slot.key.due_on))
            for slot in schedule.slots
        ]
    return moves


def _apply_moves(moves):
    for move in moves:
        move.plan_topic.starts_on, move.plan_topic.due_on = move.starts_on, move.due_on
        move.plan_topic.planned_minutes = move.minutes
    update_rows(
        PlanTopic,
        ["starts_on", "due_on", "planned_minutes"],
        [(move.plan_topic.pk, move.starts_on, move.due_on, move.minutes) for move in moves],
    )


def catch_up_moves(milestone, today):
    """The catch-up preview: the unfinished topics laid out again from today to the exam."""
    return unfinished_moves([milestone], milestone.plan.weekly_hours, step_weight_totals(), today)


@transaction.atomic
def catch_up(milestone, today):
    figures.bump(milestone.plan_id)
    moves = catch_up_moves(milestone, today)
    _apply_moves(moves)
    milestone.save(update_fields=["scheduled_on", "minutes_needed", "minutes_available"])
    return moves


def attempts_used(owner, step):
    return ExamResult.objects.filter(milestone__plan__owner=owner, milestone__step=step).count()


def attempt_history(owner, *, lock=False):
    """Every attempt the person recorded, in any of their plans, oldest first: (step code, date sat, passed).

    With lock (inside a transaction), a second request recording an attempt for the same person waits
    for the first and then sees its attempt, so a double submit cannot slip past the attempt rules."""
    if lock:
        list(owner._meta.model.objects.select_for_update().filter(pk=owner.pk).values_list("pk", flat=True))
    return list(
        ExamResult.objects.filter(milestone__plan__owner=owner)
        .order_by("sat_on", "attempt")
        .values_list("milestone__step__code", "sat_on", "passed")
    )


@transaction.atomic
def record_result(milestone, *, sat_on, passed, score, new_target_date, today):
    """Record an exam attempt. A pass closes the milestone on the day sat; a fail sets the retake date and
    lays the unfinished topics out again before it, keeping everything already completed. A fail with no
    retake date (no attempt left) only closes the attempt."""
    figures.bump(milestone.plan_id)
    result = ExamResult.objects.create(
        milestone=milestone,
        attempt=attempts_used(milestone.plan.owner, milestone.step) + 1,
        sat_on=sat_on,
        passed=passed,
        score=score,
    )
    if passed:
        # A passed milestone's date is the day it was passed, as when a plan marks a Step passed.
        milestone.status, milestone.target_date, milestone.starts_on = Milestone.Status.PASSED, sat_on, None
        milestone.save(update_fields=["status", "target_date", "starts_on"])
        return result
    milestone.status = Milestone.Status.FAILED
    if new_target_date is None:
        milestone.save(update_fields=["status"])
        return result
    milestone.target_date = new_target_date
    to_schedule = [milestone]
    # The next Step's window now opens on the retake date.
    following = milestone.next_ahead()
    if following is not None:
        following.starts_on = new_target_date
        to_schedule.append(following)
    _apply_moves(unfinished_moves(to_schedule, milestone.plan.weekly_hours, step_weight_totals(), today))
    Milestone.objects.bulk_update(
        to_schedule, ["status", "target_date", "starts_on", "scheduled_on", "minutes_needed", "minutes_available"]
    )
    layout.lay_out_milestones(to_schedule, today)
    return result


@transaction.atomic
def set_topic_done(plan_topic, done):
    """Mark a topic done or not done. Idempotent: a second identical request changes nothing, so two
    tabs or a double click never count twice, and the first completion time is kept."""
    figures.bump(plan_topic.milestone.plan_id)
    rows = PlanTopic.objects.filter(pk=plan_topic.pk, completed_at__isnull=done)
    rows.update(completed_at=timezone.now() if done else None)
    plan_topic.refresh_from_db(fields=["completed_at"])
    # A completed topic becomes a review item; one no longer completed has nothing to review.
    if done:
        card = review.new_card(plan_topic.completed_at)
        ReviewItem.objects.get_or_create(
            plan_topic=plan_topic, defaults={"card": card, "due_on": local_day(review.due_of(card))}
        )
    else:
        ReviewItem.objects.filter(plan_topic=plan_topic).delete()
    return plan_topic


@transaction.atomic
def record_review(item, rating, reviewed_at):
    """The person recalled a topic and rated it; FSRS sets the next review."""
    figures.bump(item.plan_topic.milestone.plan_id)
    item.card, due = review.review(item.card, rating, reviewed_at)
    item.due_on = local_day(due)
    item.reviews += 1
    item.last_rating = rating
    item.last_reviewed_at = reviewed_at
    item.save(update_fields=["card", "due_on", "reviews", "last_rating", "last_reviewed_at"])
    return item


def local_day(moment):
    return timezone.localtime(moment).date()
