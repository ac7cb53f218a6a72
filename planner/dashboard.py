"""What the dashboard shows for one plan, computed with a fixed number of queries."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from itertools import accumulate

from django.db.models import Sum
from django.utils import timezone

from planner import charts, progress, readiness
from planner.models import Milestone, PlanTopic, PracticeExam, StudyLog
from planner.weakness import MIN_QUESTIONS_FOR_WEAKNESS, weak_areas
from usmleprep.lib.dates import monday_of

HIGH_YIELD_SHOWN = 10


def streak(study_days, today):
    """Consecutive days of study ending today, or yesterday when today has nothing logged yet."""
    day = today if today in study_days else today - timedelta(days=1)
    count = 0
    while day in study_days:
        count += 1
        day -= timedelta(days=1)
    return count


def burn_up_chart(plan, entries, today):
    states = [state for entry in entries for state in entry.states]
    total = sum(s.weight for s in states)
    dated = [e.milestone.target_date for e in entries if e.milestone.target_date]
    if not total or not dated:
        return None
    first, last = plan.start_date, max(dated)

    def cumulative(pairs):
        by_day = {}
        for day, weight in pairs:
            by_day[day] = by_day.get(day, 0) + weight
        days = sorted(by_day)
        sums = accumulate(by_day[day] for day in days)
        return [(first, 0)] + [(day, round(100 * s / total)) for day, s in zip(days, sums, strict=True)]

    planned = cumulative((s.due_on, s.weight) for s in states)
    done = cumulative((max(s.completed_on, first), s.weight) for s in states if s.is_done)
    done.append((min(today, last), done[-1][1]))
    return charts.burn_up(planned, done, first, last)


@dataclass(frozen=True)
class ReadinessCard:
    milestone: Milestone
    readiness: readiness.Readiness
    chart: charts.LineChart | None
    exams: list[PracticeExam]  # every practice exam of the Step, for the card's table


def readiness_chart(milestone, found):
    if found.scored:
        # Fewer scores than a forecast needs are still drawn, against the passing line and the target.
        scores = found.scores()
        if not scores:
            return None
        return charts.readiness_scores(
            scores,
            found.band_points(),
            found.exam_day,
            passing=found.passing_score,
            target=found.target_score,
            step_name=milestone.step.name,
        )
    if not found.has_forecast:
        return None
    trend = found.outlook
    return charts.pass_probability(
        [(point.taken_on, point.pass_probability, point.percent_correct) for point in trend.points],
        found.exam_day,
        slope_per_week=trend.slope_per_week,
        projected=trend.projected_probability_on_exam_day,
        projected_percent=trend.projected_percent_on_exam_day,
        step_name=milestone.step.name,
    )


def readiness_cards(milestones, exams):
    """A card for each Step still ahead, from the practice exams build() already loaded (forms joined)."""
    by_milestone = defaultdict(list)
    for exam in exams:
        by_milestone[exam.milestone_id].append(exam)
    cards = []
    for milestone in milestones:
        exams = by_milestone[milestone.pk]
        found = readiness.milestone_readiness(milestone, exams)
        if found is not None:
            cards.append(ReadinessCard(milestone, found, readiness_chart(milestone, found), exams))
    return cards


def build(plan, today):
    zone = timezone.get_current_timezone()  # looked up once: it costs a context-local lookup per call
    milestones = list(plan.milestones.select_related("step"))
    rows = PlanTopic.objects.filter(milestone__plan=plan).as_rows()
    entries = [
        progress.MilestoneProgress(m, today, [row.state(zone) for row in rows if row.milestone_id == m.pk])
        for m in milestones
    ]
    active = [e for e in entries if e.milestone.status != Milestone.Status.PASSED]
    active_ids = {e.milestone.pk for e in active}

    # "This week" runs from this Monday to a week from today, so a Sunday still shows what comes next.
    monday = monday_of(today)
    week_end = today + timedelta(days=6)
    this_week = sorted(
        (r for r in rows if r.milestone_id in active_ids and r.starts_on <= week_end and r.due_on >= monday),
        key=lambda r: (r.due_on, r.position),
    )
    # Yield weights compare only within one Step: the high-yield list is for the next exam.
    next_exam = min(active, key=lambda e: e.milestone.target_date, default=None)
    high_yield = sorted(
        (r for r in rows if next_exam and r.milestone_id == next_exam.milestone.pk and not r.completed_at),
        key=lambda r: (-r.weight, r.due_on),
    )[:HIGH_YIELD_SHOWN]

    logged_days = set(
        StudyLog.objects.filter(plan=plan, studied_on__gt=today - timedelta(days=400), studied_on__lte=today)
        .order_by()
        .values_list("studied_on", flat=True)
        .distinct()
    )
    completion_days = {state.completed_on for entry in entries for state in entry.states if state.is_done}
    minutes_this_week = (
        StudyLog.objects.filter(plan=plan, studied_on__gte=monday, studied_on__lte=today).aggregate(
            total=Sum("minutes")
        )["total"]
        or 0
    )
    # The form's join tells readiness how each exam reports, without a query per exam.
    exams = list(PracticeExam.objects.filter(plan=plan).select_related("form").order_by("taken_on", "created_at"))
    cards = readiness_cards([e.milestone for e in active], exams)
    with_card = {card.milestone.pk for card in cards}
    with_exams = {exam.milestone_id for exam in exams}

    return {
        "plan": plan,
        "entries": entries,
        "active": active,
        "this_week": this_week,
        "week_end": week_end,
        "next_exam": next_exam,
        "high_yield": high_yield,
        "weak_areas": weak_areas(plan),
        "min_questions": MIN_QUESTIONS_FOR_WEAKNESS,
        "streak": streak(logged_days | completion_days, today),
        "hours_this_week": round(minutes_this_week / 60, 1),
        "hours_planned_this_week": sum(plan.weekly_hours),
        "burn_up": burn_up_chart(plan, active or entries, today),
        "readiness": cards,
        # A passed Step has no card: its practice exams are only named, with a link to the list of them all.
        "exam_steps_without_a_card": [m.step.name for m in milestones if m.pk in with_exams and m.pk not in with_card],
    }
