"""Reminder emails: the morning digest and the Monday summary, from 07:00 in each person's own time zone.

`send_due(now)` is the one entry point; `manage.py send_reminders` runs it every few minutes. Each email is
claimed in accounts.ReminderEmail (unique per person, kind and local date) before it is sent, so it goes out
once even when two senders run at the same moment, and a failure is recorded so the next run tries again.
The digests are built by plain functions over the stored plan (layout.StoredPlan), progress and readiness.
"""

import logging
import zoneinfo
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core import mail
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import ReminderEmail, User
from accounts.unsubscribe import make_token
from planner import layout, progress, readiness
from planner.models import Plan, PlanTopic, PracticeExam, PracticeExamSlot
from usmleprep.lib.dates import human

logger = logging.getLogger("usmleprep.reminders")

Kind = ReminderEmail.Kind
Status = ReminderEmail.Status
# The day's emails go out from 07:00 local time, and not after noon: a missed morning (the sender was
# down, or reminders were turned on in the evening) is skipped rather than sent at night.
FIRST_HOUR, LAST_HOUR = 7, 12
MONDAY = 0


# What the emails say: plain values, built from a few queries per person.


@dataclass(frozen=True)
class Line:
    step: str
    label: str
    minutes: int
    due_on: date | None = None


@dataclass(frozen=True)
class DailyDigest:
    day: date
    plan: Plan
    tasks: list[Line]
    overdue: list[Line]

    @property
    def is_empty(self):
        return not self.tasks and not self.overdue

    @property
    def minutes(self):
        return sum(line.minutes for line in self.tasks)


@dataclass(frozen=True)
class StepProgress:
    name: str
    exam_day: date | None
    done: int
    total: int
    standing: progress.Standing
    target_score: int | None = None
    verdict: readiness.Verdict | None = None  # only when there is a forecast


@dataclass(frozen=True)
class NextPracticeExam:
    name: str
    step: str
    day: date


@dataclass(frozen=True)
class WeeklySummary:
    monday: date
    plan: Plan
    steps: list[StepProgress]
    next_exam: NextPracticeExam | None

    @property
    def is_empty(self):
        return not self.steps and self.next_exam is None


def newest_plan(user):
    return Plan.objects.for_user(user).order_by("-created_at").first()


def daily_digest(user, today):
    """The day's tasks and the work left behind, from the person's newest plan; None without a plan."""
    plan = newest_plan(user)
    if plan is None:
        return None
    stored = layout.StoredPlan(plan, list(plan.milestones.select_related("step")), today)
    tasks = [
        Line(step.milestone.step.name, task.label, task.minutes)
        for step, task in stored.tasks_between(today, today).get(today, [])
    ]
    overdue = [
        Line(step.milestone.step.name, label, item.minutes, item.since)
        for step, item, label in sorted(stored.overdue_lines(today), key=lambda line: line[1].since)
    ]
    return DailyDigest(today, plan, tasks, overdue)


def weekly_summary(user, today):
    """Progress per Step still ahead, the next practice exam and the forecasts; None without a plan."""
    plan = newest_plan(user)
    if plan is None:
        return None
    zone = zoneinfo.ZoneInfo(user.time_zone)
    milestones = list(plan.milestones.ahead().select_related("step"))
    ids = [m.pk for m in milestones]
    states = defaultdict(list)
    for milestone_id, weight, due_on, minutes, completed_at in PlanTopic.objects.filter(milestone__in=ids).values_list(
        "milestone", "topic__yield_weight", "due_on", "planned_minutes", "completed_at"
    ):
        completed_on = completed_at.astimezone(zone).date() if completed_at else None
        states[milestone_id].append(progress.TopicState(weight, due_on, minutes, completed_on))
    exams = defaultdict(list)
    for exam in PracticeExam.objects.filter(milestone__in=ids).select_related("form"):
        exams[exam.milestone_id].append(exam)
    steps = []
    for m in milestones:
        entry = progress.MilestoneProgress(m, today, states[m.pk])
        found = readiness.milestone_readiness(m, exams[m.pk])
        verdict = found.verdict if found and found.has_forecast else None
        steps.append(
            StepProgress(m.step.name, m.target_date, entry.done, entry.total, entry.standing, m.target_score, verdict)
        )
    taken = PracticeExam.objects.filter(milestone=OuterRef("milestone"), form=OuterRef("form"))
    slot = (
        PracticeExamSlot.objects.filter(~Exists(taken), milestone__in=ids, day__gte=today)
        .select_related("form")
        .order_by("day")
        .first()
    )
    step_names = {m.pk: m.step.name for m in milestones}
    next_exam = slot and NextPracticeExam(slot.form.name, step_names[slot.milestone_id], slot.day)
    return WeeklySummary(today, plan, steps, next_exam)


# Who is due, and sending.


def due(kind, now):
    """(person, their local date) for each one whose email of this kind is due now and not yet settled.

    Two queries whoever is due: the time zones of the people who want this email, then the people in the
    zones where it is now morning (Monday morning for the weekly summary) with nothing settled for that date.
    """
    wanting = User.objects.filter(is_active=True, email_verified_at__isnull=False, **{kind: True})
    day_in = {}
    for name in wanting.order_by().values_list("time_zone", flat=True).distinct():
        try:
            local = now.astimezone(zoneinfo.ZoneInfo(name))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            logger.warning("reminder_unknown_time_zone zone=%r", name)
            continue
        if FIRST_HOUR <= local.hour < LAST_HOUR and (kind != Kind.WEEKLY_SUMMARY or local.weekday() == MONDAY):
            day_in[name] = local.date()
    if not day_in:
        return []
    zones_by_day = defaultdict(list)
    for name, day in day_in.items():
        zones_by_day[day].append(name)
    condition = Q()
    for day, zones in zones_by_day.items():
        settled = ReminderEmail.objects.settled(now).filter(user=OuterRef("pk"), kind=kind, local_date=day)
        condition |= Q(~Exists(settled), time_zone__in=zones)
    return [(user, day_in[user.time_zone]) for user in wanting.filter(condition).order_by("pk")]


BUILDERS = {Kind.DAILY_DIGEST: daily_digest, Kind.WEEKLY_SUMMARY: weekly_summary}
SUBJECTS = {Kind.DAILY_DIGEST: "Your study plan for {day}", Kind.WEEKLY_SUMMARY: "Your week ahead, from {day}"}


def message_for(user, kind, day):
    """The email, or None when there is nothing to say (no plan; no task and nothing overdue)."""
    digest = BUILDERS[kind](user, day)
    if digest is None or digest.is_empty:
        return None
    unsubscribe_url = settings.SITE_URL + reverse("accounts:unsubscribe", args=[make_token(user, kind)])
    context = {"digest": digest, "site_url": settings.SITE_URL, "unsubscribe_url": unsubscribe_url}
    message = mail.EmailMultiAlternatives(
        SUBJECTS[kind].format(day=human(day)),
        render_to_string(f"planner/email/{kind}.txt", context),
        to=[user.email],
        # RFC 8058: mail providers show an unsubscribe button that POSTs List-Unsubscribe=One-Click here.
        headers={"List-Unsubscribe": f"<{unsubscribe_url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )
    message.attach_alternative(render_to_string(f"planner/email/{kind}.html", context), "text/html")
    return message


def send_one(user, kind, day):
    """Claim, build and send one email; returns its outcome, or None when another run has it or it is done."""
    claim = ReminderEmail.objects.claim(user.pk, kind, day)
    if claim is None:
        return None
    try:
        message = message_for(user, kind, day)
    except Exception:
        # A bug meeting this person's data: the others still get theirs, and the traceback names no address.
        logger.exception("reminder_not_built account=%s kind=%s date=%s", user.pk, kind, day)
        claim.record(Status.FAILED)
        return Status.FAILED
    if message is None:
        claim.record(Status.NOTHING)
        return Status.NOTHING
    try:
        message.send()
    except Exception as error:
        # Only the error's class: SMTP errors quote the recipient's address, which the log must not hold.
        logger.error(
            "reminder_failed account=%s kind=%s date=%s attempt=%s error=%s",
            user.pk,
            kind,
            day,
            claim.attempts,
            type(error).__name__,
        )
        claim.record(Status.FAILED)
        return Status.FAILED
    claim.record(Status.SENT)
    logger.info("reminder_sent account=%s kind=%s date=%s", user.pk, kind, day)
    return Status.SENT


def send_due(now=None):
    """Send every reminder due now; a Counter of outcomes by (kind, status).

    Call it outside any transaction: each claim must be committed before its email is sent.
    """
    now = now or timezone.now()
    outcomes = Counter()
    for kind in Kind:
        for user, day in due(kind, now):
            outcome = send_one(user, kind, day)
            if outcome is not None:
                outcomes[(kind, outcome)] += 1
    return outcomes
