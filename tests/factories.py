"""Factories: plain functions that save an object with sensible defaults; keyword arguments override them.

Modelled on djangoproject.com's checklists/tests/factory.py. The dates below are the moments the suite's
stories happen in; the `clock` fixture (conftest.py) stops at NOW unless a test names another moment.
"""

from datetime import date, timedelta

from accounts.models import User
from planner import layout
from planner.models import (
    DayException,
    Plan,
    PlanResource,
    PracticeExam,
    PracticeExamSlot,
    Resource,
    SelfAssessment,
    Step,
    StudyLog,
)
from planner.plans import Choice, StepChoice, save_plan

PASSWORD = "correct horse battery staple"

# alice's plan as the tracking tests see it (make_alices_plan): started on Monday 4 Jan 2027, looked at on
# Friday 15 Jan 2027. 15:00 UTC is 10:00 in New York, so alice's "today" is 15 Jan too.
NOW = "2027-01-15 15:00 +0000"
TODAY = date(2027, 1, 15)
MONDAY = date(2027, 1, 11)
START = date(2027, 1, 4)
STEP1_DATE = date(2027, 5, 4)
STEP2CK_DATE = date(2028, 1, 4)
STEP3_DATE = date(2029, 1, 4)

# The day-by-day Step 1 plan (make_step1_plan): from Tuesday 1 Dec 2026 to the exam on 1 Apr 2027, with the
# Christmas week off. LAID_OUT_NOW is 10:00 in New York on its first day.
LAID_OUT_NOW = "2026-12-01 15:00 +0000"
LAID_OUT_START = date(2026, 12, 1)
LAID_OUT_EXAM = date(2027, 4, 1)
LAID_OUT_WEEK_OFF = (date(2026, 12, 24), date(2026, 12, 31))


def make_user(email, **kwargs):
    kwargs.setdefault("name", "Test Person")
    kwargs.setdefault("password", PASSWORD)
    return User.objects.create_user(email=email, **kwargs)


def make_plan(owner, *, start_date, steps, today=None, title="My USMLE plan", weekly_hours=(6, 6, 6, 6, 6, 6, 0)):
    """A saved plan, laid out from today; steps maps a Step code to a target date, or to "passed"."""
    plan = Plan(owner=owner, title=title, start_date=start_date)
    plan.weekly_hours = list(weekly_hours)
    choices = []
    for step in Step.objects.plannable():
        value = steps.get(step.code)
        if value is None:
            choices.append(StepChoice(step, Choice.SKIP))
        elif value == "passed":
            choices.append(StepChoice(step, Choice.PASSED))
        else:
            choices.append(StepChoice(step, Choice.PLAN, value))
    return save_plan(plan, choices, today or start_date)


def make_alices_plan(owner, steps=None, **kwargs):
    """Started on 4 Jan 2027, laid out on TODAY: Step 1 on 4 May 2027 and Step 2 CK on 4 Jan 2028 unless told."""
    kwargs.setdefault("start_date", START)
    kwargs.setdefault("today", TODAY)
    return make_plan(owner, steps=steps or {"step1": STEP1_DATE, "step2ck": STEP2CK_DATE}, **kwargs)


def make_step1_plan(owner, *, exam=LAID_OUT_EXAM, resources=("first_aid_step1", "pathoma", "uworld_step1"), forms=None):
    """A Step 1 plan with First Aid, Pathoma and UWorld, three NBME forms and the Free 120, a week off;
    returns the plan and its milestone."""
    plan = make_plan(owner, start_date=LAID_OUT_START, steps={"step1": exam}, today=LAID_OUT_START)
    milestone = plan.milestones.get()
    PlanResource.objects.filter(milestone=milestone).delete()  # the defaults a new plan starts with
    for position, key in enumerate(resources):
        layout.plan_resource_from(milestone, Resource.objects.get(key=key), position).save()
    for key in forms or ["nbme_step1_29", "nbme_step1_30", "nbme_step1_31", "free120_step1"]:
        PracticeExamSlot.objects.create(milestone=milestone, form=SelfAssessment.objects.get(key=key))
    DayException.objects.create(
        plan=plan, starts_on=LAID_OUT_WEEK_OFF[0], ends_on=LAID_OUT_WEEK_OFF[1], note="Holidays"
    )
    layout.lay_out_milestone(milestone, LAID_OUT_START)
    milestone.refresh_from_db()
    return plan, milestone


def make_week_long_plan(owner):
    """make_step1_plan with the exam eight days after the start: the smallest plan."""
    plan, _ = make_step1_plan(owner, exam=LAID_OUT_START + timedelta(days=8), forms=[])
    return plan


def make_three_year_plan(owner, **kwargs):
    """All three Steps over three years from LAID_OUT_START, laid out with each Step's default resources."""
    kwargs.setdefault("start_date", LAID_OUT_START)
    kwargs.setdefault("today", kwargs["start_date"])
    kwargs.setdefault("title", "Three years")
    steps = {"step1": date(2027, 6, 1), "step2ck": date(2028, 3, 1), "step3": date(2029, 11, 1)}
    return make_plan(owner, steps=steps, **kwargs)


def make_log(plan, milestone, **kwargs):
    kwargs.setdefault("studied_on", TODAY)
    kwargs.setdefault("minutes", 60)
    return StudyLog.objects.create(plan=plan, milestone=milestone, **kwargs)


def make_practice_exam(plan, milestone, **kwargs):
    kwargs.setdefault("kind", PracticeExam.Kind.NBME)
    kwargs.setdefault("form_name", "Form 30")
    kwargs.setdefault("taken_on", TODAY)
    if "score" not in kwargs:
        kwargs.setdefault("percent_correct", 68)  # a practice exam has a score, a percentage or both
    return PracticeExam.objects.create(plan=plan, milestone=milestone, **kwargs)


def make_unscheduled_plan(owner, **kwargs):
    """A Step 1 plan with no day-by-day layout (made before layouts existed, or not laid out yet)."""
    plan = make_plan(owner, start_date=LAID_OUT_START, steps={"step1": LAID_OUT_EXAM}, today=LAID_OUT_START, **kwargs)
    plan.milestones.update(laid_out_at=None)
    return plan
