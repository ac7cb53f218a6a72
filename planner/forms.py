import json
import math
from dataclasses import replace
from datetime import date, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction

from planner import agenda, attempts, exports, figures, layout, scheduling
from planner.models import (
    MAX_HOURS_PER_DAY,
    MAX_RESOURCE_UNITS,
    THREE_DIGIT_MAX,
    WEEKDAY_NAMES,
    ContentArea,
    DayException,
    Milestone,
    Plan,
    PlanResource,
    PracticeExam,
    PracticeExamSlot,
    Resource,
    SelfAssessment,
    Step,
    StudyBlock,
    StudyLog,
    TaskProgress,
)
from planner.models.sharing import latest_share_expiry
from planner.plans import Choice, StepChoice, save_plan
from usmleprep.lib.bounds import (
    EARLIEST_DATE,
    BoundedDateField,
    BoundedIntegerField,
    BoundedModelChoiceField,
    BoundedModelMultipleChoiceField,
    SquashedTextField,
    bounded_formfield,
    could_be_id,
)
from usmleprep.lib.dates import human

# A vacation or a leave: longer absences are better entered as a later exam date.
MAX_EXCEPTION_DAYS = 120
# Far enough for a student planning Step 3 in residency; near enough to keep schedules small.
MAX_PLAN_YEARS = 6
MAX_PAST_START_DAYS = 366

CHOICE_LABELS = [
    (Choice.PLAN, "Plan it"),
    (Choice.PASSED, "Already passed"),
    (Choice.SKIP, "Not in this plan"),
]


class PlanForm(forms.ModelForm):
    """The plan, its weekly hours and, for each plannable Step, whether and when to take it."""

    class Meta:
        model = Plan
        fields = ["title", "start_date", *Plan.HOUR_FIELDS, "reviews_enabled"]
        formfield_callback = bounded_formfield
        field_classes = {"title": SquashedTextField}
        labels = {
            "title": "Plan title",
            "start_date": "Start date",
            "reviews_enabled": "Spaced review of completed topics",
        } | {name: day for name, day in zip(Plan.HOUR_FIELDS, WEEKDAY_NAMES, strict=True)}
        help_texts = {
            "reviews_enabled": "Keeps a tenth of each study day for short reviews of the topics you have ticked "
            "done, timed so that you still remember them on exam day. Turned off, the whole day goes to new work "
            "and Today shows no reviews."
        }
        widgets = {
            name: forms.NumberInput(attrs={"min": 0, "max": MAX_HOURS_PER_DAY, "inputmode": "numeric"})
            for name in Plan.HOUR_FIELDS
        }

    def __init__(self, *args, steps, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.steps = steps
        self.today = today
        self.milestones = {m.step_id: m for m in self.instance.milestones.all()} if self.instance.pk else {}
        for step in steps:
            milestone = self.milestones.get(step.pk)
            if milestone is None:
                initial_choice = Choice.SKIP if self.instance.pk else Choice.PLAN
            else:
                initial_choice = Choice.PASSED if milestone.status == Milestone.Status.PASSED else Choice.PLAN
            self.fields[self.choice_field(step)] = forms.ChoiceField(
                label=f"{step.name}", choices=CHOICE_LABELS, initial=initial_choice, widget=forms.RadioSelect
            )
            self.fields[self.date_field(step)] = BoundedDateField(
                label=f"{step.name} exam date",
                required=False,
                initial=milestone.target_date if milestone else None,
                help_text="The day you plan to sit the exam (or the day you passed it, if you like).",
            )
            self.fields[self.score_field(step)] = BoundedIntegerField(
                label=f"{step.name} target score (optional)",
                required=False,
                min_value=1,
                max_value=THREE_DIGIT_MAX,
                initial=milestone.target_score if milestone else None,
                help_text="The three-digit score you aim for in practice exams"
                + (f"; {step.passing_score} is the minimum passing score." if step.passing_score else "."),
            )

    @staticmethod
    def choice_field(step):
        return f"{step.code}_choice"

    @staticmethod
    def date_field(step):
        return f"{step.code}_date"

    @staticmethod
    def score_field(step):
        return f"{step.code}_target_score"

    def step_fields(self):
        """(step, choice, date and target score fields) for the template, in exam order."""
        return [
            (step, self[self.choice_field(step)], self[self.date_field(step)], self[self.score_field(step)])
            for step in self.steps
        ]

    def hour_fields(self):
        return [self[name] for name in Plan.HOUR_FIELDS]

    def clean_start_date(self):
        start_date = self.cleaned_data["start_date"]
        # Only a new or moved start date is held to this: an old plan stays editable.
        if "start_date" in self.changed_data and start_date < self.today - timedelta(days=MAX_PAST_START_DAYS):
            raise forms.ValidationError("The start date can be at most a year in the past.")
        if start_date > self.today + timedelta(days=365 * MAX_PLAN_YEARS):
            raise forms.ValidationError(f"The start date must be within {MAX_PLAN_YEARS} years from today.")
        return start_date

    def clean(self):
        cleaned = super().clean()
        start_date = cleaned.get("start_date")
        weekly_hours = [cleaned.get(name) for name in Plan.HOUR_FIELDS]
        if all(hours is not None for hours in weekly_hours) and sum(weekly_hours) == 0:
            self.add_error(Plan.HOUR_FIELDS[0], "Plan at least one hour of study in the week.")
            weekly_hours = None
        if start_date is None or weekly_hours is None or None in weekly_hours:
            return cleaned

        choices = {step.code: cleaned.get(self.choice_field(step)) for step in self.steps}
        if all(choice in (Choice.SKIP, None) for choice in choices.values()):
            self.add_error(self.choice_field(self.steps[0]), "Choose at least one Step to plan or mark as passed.")
            return cleaned
        self._check_sequence(cleaned, choices, start_date, weekly_hours)
        return cleaned

    def _check_sequence(self, cleaned, choices, start_date, weekly_hours):
        planned = []
        for step in self.steps:
            choice, date_name = choices[step.code], self.date_field(step)
            if choice == Choice.SKIP:
                self._check_can_skip(step)
            for required in step.requires_passed.all():
                if choice != Choice.SKIP and choices.get(required.code) == Choice.SKIP:
                    self.add_error(
                        self.choice_field(step),
                        f"{step.name} comes after {required.name}: plan {required.name} first, "
                        f"or mark it as already passed.",
                    )
            if choice != Choice.PLAN:
                continue
            if cleaned.get(date_name) is None:
                if date_name not in self.errors:  # a date typed but refused already says why
                    self.add_error(date_name, f"Choose the date you plan to sit {step.name}.")
                return
            planned.append((cleaned[date_name], step))
        # Step 1 and Step 2 CK may be taken in either order (FSMB); each window runs from the exam
        # before it, so they are checked in date order.
        planned.sort(key=lambda item: (item[0], item[1].order))
        dates = {step.code: target for target, step in planned}
        window_start, previous = start_date, None
        for target, step in planned:
            date_name = self.date_field(step)
            after = f"{previous.name}’s date" if previous else "the start date"
            earlier = [r for r in step.requires_passed.all() if r.code in dates and dates[r.code] >= target]
            if earlier:
                names = " and ".join(r.name for r in earlier)
                self.add_error(date_name, f"{step.name} comes after {names}: choose a later date for it.")
                return
            if target <= window_start:
                self.add_error(date_name, f"{step.name} must come after {after} ({human(window_start)}).")
                return
            if target <= self.today:
                self.add_error(date_name, f"Choose a date after today for {step.name}, or mark it as passed.")
                return
            if target > start_date + timedelta(days=365 * MAX_PLAN_YEARS):
                self.add_error(date_name, f"Keep exam dates within {MAX_PLAN_YEARS} years of the start date.")
                return
            first_day = max(window_start, self.today)
            if scheduling.study_minutes(first_day, target, weekly_hours) == 0:
                self.add_error(
                    date_name,
                    f"There is no study day before {step.name} on {human(target)} with the hours you set. "
                    "Choose a later date or add study hours.",
                )
                return
            window_start, previous = target, step

    def _check_can_skip(self, step):
        milestone = self.milestones.get(step.pk)
        if milestone is not None and milestone.plan_topics.completed().exists():
            self.add_error(
                self.choice_field(step),
                f"You have completed topics for {step.name}; keep it in the plan so that work is not lost.",
            )

    def step_choices(self):
        return [
            StepChoice(
                step,
                self.cleaned_data[self.choice_field(step)],
                self.cleaned_data.get(self.date_field(step)),
                self.cleaned_data.get(self.score_field(step)),
            )
            for step in self.steps
        ]


def plannable_steps():
    return list(Step.objects.plannable().prefetch_related("requires_passed").order_by("order"))


class ExamDateForm(forms.Form):
    """A new exam date for one Step. The plan form with only that date changed decides whether it fits
    (after today, after the start date, Step 3 after Step 1 and Step 2 CK, which may come in either
    order), so both pages hold dates to the same rules; save() is then the plan form's save."""

    target_date = BoundedDateField(label="New exam date")

    def __init__(self, data=None, *, milestone, today):
        super().__init__(data)
        self.milestone, self.today = milestone, today
        self.fields["target_date"].label = f"New {milestone.step.name} exam date"
        self.fields["target_date"].help_text = "Unfinished work moves to fit the new date; completed work stays."
        self.steps = plannable_steps()
        self.plan_form = None

    def clean_target_date(self):
        day = self.cleaned_data["target_date"]
        step = self.milestone.step
        if day == self.milestone.target_date:
            raise ValidationError(f"{step.name} is on {human(day)} already. Choose another day.")
        plan_form = self._plan_form(day)
        if plan_form.is_valid():
            self.plan_form = plan_form
            return day
        own = PlanForm.date_field(step)
        as_it_stands = self._plan_form()
        as_it_stands.is_valid()
        if problems := [error for name, errors in as_it_stands.errors.items() if name != own for error in errors]:
            # Something else in the plan breaks its rules already (an exam date gone by): that comes first.
            raise ValidationError(f"First change this on the plan’s Edit page: {' '.join(problems)}")
        messages = list(plan_form.errors.get(own, []))
        dates = {PlanForm.date_field(s): s for s in self.steps}
        for name, errors in plan_form.errors.items():
            if name == own:
                continue
            # The error is about another Step that this date pushes out of order.
            other, other_date = dates.get(name), plan_form.data.get(name)
            then = f"Then {other.name} on {human(other_date)} no longer fits: " if other and other_date else ""
            messages += [then + error for error in errors]
        raise ValidationError(messages)

    def _plan_form(self, new_date=None):
        """The plan form filled in as the plan stands, with this Step's date changed when one is given."""
        plan = self.milestone.plan
        current = PlanForm(instance=plan, steps=self.steps, today=self.today)
        data = {name: current[name].value() for name in current.fields}
        if new_date is not None:
            data[PlanForm.date_field(self.milestone.step)] = new_date
        return PlanForm(data, instance=plan, steps=self.steps, today=self.today)

    def save(self):
        """Move the exam date as the plan form does: unfinished topics and work follow it, completed stay."""
        save_plan(self.plan_form.save(commit=False), self.plan_form.step_choices(), self.today)
        self.milestone.refresh_from_db()


class PlanMilestoneChoiceField(BoundedModelChoiceField):
    def label_from_instance(self, milestone):
        return milestone.step.name


class SystemChoiceField(BoundedModelChoiceField):
    def label_from_instance(self, area):
        return f"{area.step.name} · {area.name}"


def not_in_future(day, today):
    if day > today:
        raise forms.ValidationError("This date is in the future. Log what you have already done.")
    return day


class PlanRowForm(forms.ModelForm):
    """A form for a row inside a plan: saving it makes the plan's cached figures stale, in the same transaction."""

    @transaction.atomic
    def save(self, commit=True):
        row = super().save(commit)
        if commit:
            figures.bump(row.plan_id)
        return row


class PlanRecordForm(PlanRowForm):
    """Something done for one of the plan's Steps, on a day that has already come."""

    date_field = None

    def __init__(self, *args, plan, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.milestones = plan.milestones.select_related("step").order_by("step__order")
        self.fields["milestone"] = PlanMilestoneChoiceField(queryset=self.milestones, label="Step", empty_label=None)
        if self.initial.get(self.date_field) is None:
            self.initial[self.date_field] = today


class StudyLogForm(PlanRecordForm):
    date_field = "studied_on"

    class Meta:
        model = StudyLog
        fields = ["milestone", "studied_on", "minutes", "area", "note", "questions_attempted", "questions_correct"]
        formfield_callback = bounded_formfield
        field_classes = {"note": SquashedTextField}
        labels = {
            "milestone": "Step",
            "minutes": "Minutes studied",
            "questions_attempted": "Questions attempted (optional)",
            "questions_correct": "Questions correct (optional)",
        }
        help_texts = {"questions_attempted": "For a question-bank block."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"] = SystemChoiceField(
            queryset=ContentArea.objects.filter(step__in=self.milestones.values("step"), kind=ContentArea.Kind.SYSTEM)
            .select_related("step")
            .order_by("step__order", "position"),
            required=False,
            label="System (optional)",
        )

    def clean_studied_on(self):
        return not_in_future(self.cleaned_data["studied_on"], self.today)

    def clean(self):
        cleaned = super().clean()
        attempted, correct = cleaned.get("questions_attempted"), cleaned.get("questions_correct")
        if attempted is None and correct is not None and "questions_attempted" not in self.errors:
            self.add_error("questions_attempted", "Enter how many questions you attempted.")
        if attempted is not None and correct is None and "questions_correct" not in self.errors:
            self.add_error("questions_correct", "Enter how many you got right (0 if none).")
        if attempted is not None and correct is not None and correct > attempted:
            self.add_error("questions_correct", f"You cannot get more right than you attempted ({attempted}).")
        area, milestone = cleaned.get("area"), cleaned.get("milestone")
        if area is not None and milestone is not None and area.step_id != milestone.step_id:
            self.add_error("area", f"Choose a system of {milestone.step.name}.")
        return cleaned


class PracticeExamForm(PlanRecordForm):
    """A practice exam, picked from the catalog's self-assessments (and held to what that form reports)
    or described by kind and name when the catalog does not know it.

    `suggested` (a task's link: ?milestone=&form=&day=) fills in the Step, the form and the date; a value
    that is not one of this plan's, or not a day that has come, is ignored."""

    date_field = "taken_on"
    OTHER_LABEL = "Other / not in the list"
    KIND_OF_PROVIDER = {
        SelfAssessment.Provider.NBME: PracticeExam.Kind.NBME,
        SelfAssessment.Provider.UWORLD: PracticeExam.Kind.UWSA,
        SelfAssessment.Provider.USMLE: PracticeExam.Kind.FREE120,
        SelfAssessment.Provider.OTHER: PracticeExam.Kind.OTHER,
    }

    class Meta:
        model = PracticeExam
        fields = [
            "milestone",
            "form",
            "taken_on",
            "score",
            "percent_correct",
            "pass_probability",
            "kind",
            "form_name",
        ]
        formfield_callback = bounded_formfield
        field_classes = {"form_name": SquashedTextField}
        labels = {
            "kind": "Kind of practice exam",
            "form_name": "Form (optional)",
            "score": "Three-digit score",
            "percent_correct": "Percent correct",
            "pass_probability": "Probability of passing (%)",
        }
        help_texts = {
            "score": "1 to 300, for a self-assessment that gives one.",
            "percent_correct": "0 to 100.",
            "pass_probability": "0 to 100. NBME’s Step 1 self-assessments report it, with the percent correct.",
            "kind": "Only for a practice exam that is not in the list.",
        }

    def __init__(self, *args, suggested=None, **kwargs):
        super().__init__(*args, **kwargs)
        forms_of_steps = list(
            SelfAssessment.objects.filter(step__in=self.milestones.values("step"), retired_on__isnull=True)
            .select_related("step")
            .order_by("step__order", "position")
        )
        self.catalog_forms = {sa.pk: sa for sa in forms_of_steps}
        field = BoundedModelChoiceField(
            queryset=SelfAssessment.objects.filter(pk__in=self.catalog_forms).select_related("step"),
            required=False,
            label="Self-assessment",
            help_text="What you enter below depends on what it reports.",
        )
        groups = {}
        for sa in forms_of_steps:
            groups.setdefault(sa.step.name, []).append((sa.pk, f"{sa.name} · {sa.get_reports_display().lower()}"))
        field.choices = [("", self.OTHER_LABEL), *groups.items()]
        self.fields["form"] = field
        self.fields["kind"].required = False
        self.fields["kind"].choices = [("", "Choose…"), *PracticeExam.Kind.choices]
        if not self.is_bound and suggested:
            self.initial.update(self._suggested(suggested))

    def _suggested(self, query):
        initial = {}
        milestones = {m.pk: m for m in self.milestones}
        milestone_id = query.get("milestone", "")
        milestone = milestones.get(int(milestone_id)) if could_be_id(milestone_id) else None
        if milestone is None:
            return initial
        initial["milestone"] = milestone.pk
        form_id = query.get("form", "")
        sa = self.catalog_forms.get(int(form_id)) if could_be_id(form_id) else None
        if sa is not None and sa.step_id == milestone.step_id:
            initial["form"] = sa.pk
        try:
            day = date.fromisoformat(query.get("day", ""))
        except ValueError:
            day = None
        if day is not None and EARLIEST_DATE <= day <= self.today:
            initial["taken_on"] = day
        return initial

    def clean_taken_on(self):
        return not_in_future(self.cleaned_data["taken_on"], self.today)

    def clean(self):
        cleaned = super().clean()
        milestone, sa = cleaned.get("milestone"), cleaned.get("form")
        if "form" in self.errors:
            return cleaned  # which checks apply depends on the form, still unknown
        if sa is not None:
            if milestone is not None and sa.step_id != milestone.step_id:
                self.add_error(
                    "form",
                    f"{sa.name} is a {sa.step.name} self-assessment. Choose one of {milestone.step.name}, "
                    f"or “{self.OTHER_LABEL}”.",
                )
                return cleaned
            cleaned["kind"] = self.KIND_OF_PROVIDER[sa.provider]
            cleaned["form_name"] = sa.name
            self._check_reported(sa, cleaned)
        else:
            self._check_other(milestone, cleaned)
        return cleaned

    def _missing(self, name, cleaned):
        return name not in self.errors and cleaned.get(name) is None

    def _given(self, name, cleaned):
        return name not in self.errors and cleaned.get(name) is not None

    def _check_reported(self, sa, cleaned):
        """Only what the chosen form reports: a made-up three-digit score is worse than none."""
        Reports = SelfAssessment.Reports
        if sa.reports == Reports.THREE_DIGIT:
            if self._missing("score", cleaned):
                self.add_error("score", f"{sa.name} gives a three-digit score: enter it.")
        elif self._given("score", cleaned):
            what = (
                "percent correct and a probability of passing"
                if sa.reports == Reports.PERCENT_AND_PASS_PROBABILITY
                else "percent correct"
            )
            self.add_error("score", f"{sa.name} reports {what}, not a three-digit score: leave this empty.")
        if sa.reports != Reports.THREE_DIGIT and self._missing("percent_correct", cleaned):
            self.add_error("percent_correct", f"Enter the percent correct {sa.name} reports.")
        if sa.reports == Reports.PERCENT_AND_PASS_PROBABILITY:
            if self._missing("pass_probability", cleaned):
                self.add_error("pass_probability", f"Enter the probability of passing {sa.name} reports.")
        elif self._given("pass_probability", cleaned):
            self.add_error("pass_probability", f"{sa.name} does not report a probability of passing: leave this empty.")

    def _check_other(self, milestone, cleaned):
        kind = cleaned.get("kind")
        if not kind and "kind" not in self.errors:
            self.add_error("kind", "Choose the kind of practice exam, or pick it from the list above.")
        if self._missing("score", cleaned) and self._missing("percent_correct", cleaned):
            self.add_error("score", "Enter the three-digit score, the percent correct, or both.")
        # Since 2022 NBME's Step 1 self-assessments report percent correct and a pass probability.
        step1_nbme = milestone is not None and not milestone.step.is_scored and kind == PracticeExam.Kind.NBME
        if step1_nbme and self._given("score", cleaned):
            self.add_error(
                "score",
                "NBME's Step 1 self-assessments report percent correct and a probability of passing, "
                "not a three-digit score: enter those instead.",
            )
        if not step1_nbme and self._given("pass_probability", cleaned):
            self.add_error(
                "pass_probability",
                "Only NBME’s Step 1 self-assessments report a probability of passing: leave this empty.",
            )


class ExamResultForm(forms.Form):
    """One attempt at a Step, held to USMLE's attempt rules over every attempt the person recorded."""

    sat_on = BoundedDateField(label="Date you sat the exam")
    passed = forms.TypedChoiceField(
        label="Result",
        choices=[("yes", "Passed"), ("no", "Failed")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    score = BoundedIntegerField(label="Three-digit score", required=False, min_value=1, max_value=THREE_DIGIT_MAX)
    new_target_date = BoundedDateField(label="New exam date, for the retake", required=False)

    def __init__(self, *args, milestone, history, next_milestone, today, **kwargs):
        """history: every attempt the person recorded, as (step code, date sat, passed)."""
        super().__init__(*args, **kwargs)
        self.milestone, self.history, self.next_milestone, self.today = milestone, history, next_milestone, today
        self.step_code = milestone.step.code
        # Why no attempt at this Step can be recorded at all (passed, or no attempts left); shown instead of the form.
        self.refusal = attempts.refusal_for_next_attempt(history, self.step_code)
        previous = attempts.dates_sat(history, self.step_code)
        if previous:
            self.fields["sat_on"].help_text = (
                f"Attempts come in date order: after your previous {milestone.step.name} attempt on "
                f"{human(previous[-1])}."
            )
        self.fields[
            "new_target_date"
        ].help_text = f"Only after a failed attempt; your completed topics stay done. {attempts.RULES}"
        if not milestone.step.is_scored:
            del self.fields["score"]

    def clean_sat_on(self):
        return not_in_future(self.cleaned_data["sat_on"], self.today)

    def clean(self):
        cleaned = super().clean()
        if self.refusal:
            raise forms.ValidationError(self.refusal)
        step, sat_on = self.milestone.step, cleaned.get("sat_on")
        if sat_on is not None and (refusal := attempts.refusal_for_attempt(self.history, self.step_code, sat_on)):
            self.add_error("sat_on", refusal)
        if step.is_scored and "score" in self.fields and cleaned.get("score") is None and "score" not in self.errors:
            self.add_error("score", f"{step.name} reports a three-digit score: enter yours.")
        # The retake depends on this attempt's date, so it is checked once that date is right.
        if cleaned.get("passed") is False and "sat_on" not in self.errors:
            self._check_retake_date(cleaned.get("new_target_date"), [*self.history, (self.step_code, sat_on, False)])
        return cleaned

    def _check_retake_date(self, new_date, history):
        """The retake is the next attempt after this one: it must itself be an attempt the rules allow."""
        if "new_target_date" in self.errors:
            return
        no_retake = attempts.refusal_for_next_attempt(history, self.step_code)
        if no_retake:
            # The attempt is recorded; there is no retake to plan.
            if new_date is not None:
                self.add_error("new_target_date", f"Leave the retake date empty: no retake is possible. {no_retake}")
            return
        if new_date is None:
            self.add_error("new_target_date", "Choose the date of your retake.")
            return
        plan = self.milestone.plan
        if new_date <= self.today or (self.milestone.starts_on and new_date <= self.milestone.starts_on):
            self.add_error("new_target_date", "Choose a retake date after today and after this Step's study began.")
        elif new_date > plan.start_date + timedelta(days=365 * MAX_PLAN_YEARS):
            self.add_error("new_target_date", f"Keep exam dates within {MAX_PLAN_YEARS} years of the plan's start.")
        elif refusal := attempts.refusal_for_attempt(history, self.step_code, new_date):
            self.add_error("new_target_date", refusal)
        elif self.next_milestone is not None and new_date >= self.next_milestone.target_date:
            self.add_error(
                "new_target_date",
                f"The retake must come before {self.next_milestone.step.name} on "
                f"{human(self.next_milestone.target_date)}. Move that date first in the plan.",
            )
        elif not scheduling.study_minutes(self.today, new_date, plan.weekly_hours):
            self.add_error("new_target_date", "There is no study day before that date with your weekly hours.")

    def cleaned_data_for_record(self):
        data = self.cleaned_data
        return {
            "sat_on": data["sat_on"],
            "passed": data["passed"],
            "score": data.get("score"),
            "new_target_date": None if data["passed"] else data.get("new_target_date"),
        }


# The day-by-day plan's inputs: resources, practice exams, block order, days off.


class CompactFieldsMixin:
    """Bootstrap's small inputs for forms laid out by hand in table-like rows (resources page)."""

    def style_fields(self):
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select form-select-sm"
            else:
                css = "form-control form-control-sm"
            if self.is_bound and name in self.errors:
                css += " is-invalid"
                widget.attrs["aria-describedby"] = f"{self.auto_id % self.add_prefix(name)}_error"
            widget.attrs["class"] = css


class CatalogResourceForm(CompactFieldsMixin, forms.Form):
    """Whether a person uses one of the catalog's resources for a Step, and its size in their edition."""

    use = forms.BooleanField(required=False)
    total = forms.DecimalField(min_value=1, max_value=MAX_RESOURCE_UNITS, decimal_places=1, label="Size")
    done_before = forms.DecimalField(min_value=0, max_value=MAX_RESOURCE_UNITS, decimal_places=1, label="Done")
    minutes_per_unit = forms.DecimalField(min_value=0.1, max_value=600, decimal_places=2, label="Minutes each")

    def __init__(self, *args, resource, plan_resource=None, has_progress=False, **kwargs):
        self.resource, self.plan_resource, self.has_progress = resource, plan_resource, has_progress
        source = plan_resource or resource
        initial = {
            "use": plan_resource is not None,
            "total": source.total,
            "done_before": plan_resource.done_before if plan_resource else 0,
            "minutes_per_unit": plan_resource.minutes_per_unit
            if plan_resource
            else layout.default_minutes_per_unit(resource.unit),
        }
        super().__init__(*args, initial=initial, prefix=resource.key, **kwargs)
        self.style_fields()

    def clean(self):
        cleaned = super().clean()
        total, done = cleaned.get("total"), cleaned.get("done_before")
        if total is not None and done is not None and done > total:
            self.add_error("done_before", f"You cannot have done more than its size ({total:g}).")
        if self.has_progress and not cleaned.get("use"):
            self.add_error(
                "use",
                f"You have recorded work in {self.resource.name}; keep it in the plan so that work is not lost.",
            )
        return cleaned


class CustomResourceForm(CompactFieldsMixin, forms.ModelForm):
    """A resource the catalog does not know, with its own unit and size."""

    remove = forms.BooleanField(required=False, label="Remove")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()

    class Meta:
        model = PlanResource
        fields = ["name", "kind", "unit", "total", "done_before", "minutes_per_unit"]
        formfield_callback = bounded_formfield
        field_classes = {"name": SquashedTextField}
        labels = {"total": "Size", "done_before": "Done", "minutes_per_unit": "Minutes each"}

    def clean(self):
        cleaned = super().clean()
        total, done = cleaned.get("total"), cleaned.get("done_before")
        if total is not None and done is not None and done > total:
            self.add_error("done_before", f"You cannot have done more than its size ({total:g}).")
        if cleaned.get("remove") and self.instance.pk and self.instance.progress.exists():
            self.add_error("remove", "You have recorded work in this resource; keep it so that work is not lost.")
        return cleaned


class BaseCustomResourceFormSet(forms.BaseModelFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        id_field = form.fields["id"]
        form.fields["id"] = BoundedModelChoiceField(
            id_field.queryset, initial=id_field.initial, required=False, widget=forms.HiddenInput
        )


# absolute_max: a posted TOTAL_FORMS of 2000 otherwise builds 1,010 forms (about 20 s of server time).
CustomResourceFormSet = forms.modelformset_factory(
    PlanResource,
    form=CustomResourceForm,
    formset=BaseCustomResourceFormSet,
    extra=1,
    max_num=10,
    absolute_max=10,
    validate_max=True,
)


class StepInputsForm(forms.Form):
    """The practice exams a person chose for a Step, and the order of its system blocks."""

    practice_exams = BoundedModelMultipleChoiceField(
        queryset=SelfAssessment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Self-assessments to schedule",
    )

    def __init__(self, *args, milestone, blocks, chosen_forms, **kwargs):
        super().__init__(*args, initial={"practice_exams": chosen_forms}, **kwargs)
        self.blocks = blocks
        self.fields["practice_exams"].queryset = SelfAssessment.objects.filter(
            step=milestone.step_id, retired_on__isnull=True
        )
        for position, block in enumerate(blocks, start=1):
            self.fields[f"block_{block.pk}"] = BoundedIntegerField(
                label=block.area.name, min_value=1, max_value=len(blocks), initial=position
            )

    def block_fields(self):
        return [self[f"block_{block.pk}"] for block in self.blocks]

    def block_order(self):
        """The blocks sorted by the numbers typed; a block given a new number goes before one that kept it."""
        typed = {block.pk: self.cleaned_data[f"block_{block.pk}"] for block in self.blocks}
        shown = {block.pk: number for number, block in enumerate(self.blocks, start=1)}
        return sorted(self.blocks, key=lambda b: (typed[b.pk], typed[b.pk] == shown[b.pk], shown[b.pk]))


class StepInputs:
    """Every input of one Step's day-by-day plan on one page: catalog resources, the person's own,
    self-assessments and block order. Valid only when every part is; save() writes them all."""

    def __init__(self, milestone, data=None):
        self.milestone = milestone
        step_resources = Resource.objects.filter(step=milestone.step_id, retired_on__isnull=True)
        mine = {pr.resource_id: pr for pr in milestone.resources.all()}
        with_progress = set(
            TaskProgress.objects.filter(plan_resource__milestone=milestone).values_list("plan_resource", flat=True)
        )
        self.catalog = [
            CatalogResourceForm(
                data,
                resource=resource,
                plan_resource=mine.get(resource.pk),
                has_progress=mine.get(resource.pk) is not None and mine[resource.pk].pk in with_progress,
            )
            for resource in step_resources.select_related("size_source")
        ]
        self.custom = CustomResourceFormSet(
            data, queryset=milestone.resources.filter(resource__isnull=True), prefix="custom"
        )
        self.blocks = list(milestone.blocks.select_related("area").order_by("position"))
        chosen = list(milestone.practice_exam_slots.values_list("form", flat=True))
        self.choices = StepInputsForm(data, milestone=milestone, blocks=self.blocks, chosen_forms=chosen)

    def is_valid(self):
        results = [form.is_valid() for form in self.catalog] + [self.custom.is_valid(), self.choices.is_valid()]
        return all(results)

    @property
    def has_errors(self):
        return any(form.errors for form in self.catalog) or self.custom.total_error_count() or self.choices.errors

    @transaction.atomic
    def save(self):
        milestone = self.milestone
        figures.bump(milestone.plan_id)
        for position, form in enumerate(self.catalog):
            values = {name: form.cleaned_data[name] for name in ("total", "done_before", "minutes_per_unit")}
            if form.cleaned_data["use"]:
                plan_resource = form.plan_resource or layout.plan_resource_from(milestone, form.resource)
                for name, value in {**values, "position": position}.items():
                    setattr(plan_resource, name, value)
                plan_resource.save()
            elif form.plan_resource is not None:
                form.plan_resource.delete()
        for form in self.custom.forms:
            if not form.has_changed() and form.instance.pk is None:
                continue
            if form.cleaned_data.get("remove"):
                if form.instance.pk:
                    form.instance.delete()
                continue
            plan_resource = form.save(commit=False)
            plan_resource.milestone = milestone
            plan_resource.position = len(self.catalog) + 1
            plan_resource.save()
        chosen = set(self.choices.cleaned_data["practice_exams"])
        milestone.practice_exam_slots.exclude(form__in=chosen).delete()
        have = set(milestone.practice_exam_slots.values_list("form", flat=True))
        PracticeExamSlot.objects.bulk_create(
            PracticeExamSlot(milestone=milestone, form=form) for form in chosen if form.pk not in have
        )
        ordered = self.choices.block_order()
        for position, block in enumerate(ordered):
            block.position = position
        StudyBlock.objects.bulk_update(ordered, ["position"])


class DayExceptionForm(PlanRowForm):
    class Meta:
        model = DayException
        fields = ["starts_on", "ends_on", "hours", "note"]
        formfield_callback = bounded_formfield
        field_classes = {"note": SquashedTextField}
        labels = {"starts_on": "From", "ends_on": "To (the same day for one day)", "hours": "Study hours on these days"}

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("starts_on"), cleaned.get("ends_on")
        if first and last and last < first:
            self.add_error("ends_on", "The last day comes on or after the first.")
        elif first and last and (last - first).days > MAX_EXCEPTION_DAYS:
            self.add_error("ends_on", f"Enter at most {MAX_EXCEPTION_DAYS} days at a time.")
        return cleaned


class CatchUpForm(forms.Form):
    strategy = forms.ChoiceField(
        choices=layout.Strategy.CHOICES, initial=layout.Strategy.SPREAD, widget=forms.RadioSelect, label="How"
    )
    days = BoundedIntegerField(
        min_value=1, max_value=30, initial=5, label="Over how many days", help_text="For spreading or pushing later."
    )
    extra_hours = BoundedIntegerField(
        min_value=1, max_value=6, initial=1, label="Hours more on each study day", help_text="For studying more."
    )

    @classmethod
    def from_request(cls, request):
        """Bound to what was sent (the query string for a preview, the body to apply) over the defaults."""
        sent = request.POST if request.method == "POST" else request.GET
        defaults = {name: field.initial for name, field in cls.base_fields.items()}
        return cls(defaults | {name: sent[name] for name in defaults if name in sent})


# Ticking a task done


class TaskProgressForm(forms.Form):
    """A task ticked done or not, or the part of it done, for one resource, system and day."""

    plan_resource = BoundedModelChoiceField(queryset=None)
    area = BoundedModelChoiceField(queryset=None, required=False)
    day = BoundedDateField()
    done = forms.TypedChoiceField(
        choices=[("1", "done"), ("0", "not done")], coerce=int, required=False, empty_value=None
    )
    amount = forms.IntegerField(min_value=0, max_value=MAX_RESOURCE_UNITS, required=False)
    questions_correct = forms.IntegerField(min_value=0, max_value=MAX_RESOURCE_UNITS, required=False)
    overdue = forms.BooleanField(required=False)

    def __init__(self, data, *, milestone, today):
        super().__init__(data)
        self.milestone, self.today = milestone, today
        self.fields["plan_resource"].queryset = milestone.resources.all()
        self.fields["area"].queryset = ContentArea.objects.filter(step=milestone.step_id)
        self.row = None

    def clean_day(self):
        day = self.cleaned_data["day"]
        if day > self.today:
            raise ValidationError("Work can be recorded up to today, not ahead of it.")
        if day < self.milestone.plan.start_date:
            raise ValidationError(
                f"The plan starts on {human(self.milestone.plan.start_date)}; record work from then on."
            )
        return day

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        done, amount, correct = data.get("done"), data.get("amount"), data.get("questions_correct")
        if (done is None) == (amount is None):
            raise ValidationError("Tick the task done, or enter how much of it you did.")
        resource, area, day = data["plan_resource"], data["area"], data["day"]
        area_id = area.pk if area else None
        stored = layout.StoredPlan(self.milestone.plan, [self.milestone], self.today)
        if data["overdue"]:
            if done != 1:
                raise ValidationError("An overdue item can only be ticked done.")
            # None: nothing of it is overdue any more (ticked already), so there is nothing to add.
            self.row = agenda.find_overdue(stored, self.milestone.pk, resource.pk, area_id, day, self.today)
        else:
            self.row = agenda.find_task(stored, self.milestone.pk, resource.pk, area_id, day)
            if self.row is None:
                raise ValidationError(f"{resource.name} has no task on {human(day)} to record.")
            if amount is not None and amount > self.row.most:
                self.add_error("amount", f"Enter at most {self.row.most:,} {self.row.unit}: three times the task.")
        if correct is not None:
            if resource.unit != Resource.Unit.QUESTION:
                self.add_error("questions_correct", "Only questions have a number correct.")
            elif amount is not None and correct > amount:
                self.add_error("questions_correct", "There cannot be more correct than questions done.")
            elif amount is None and self.row and correct > self.row.amount:
                self.add_error("questions_correct", "There cannot be more correct than questions in the task.")
        return data

    def save(self):
        """Record it through layout.record_progress; returns (row as now recorded, message)."""
        data = self.cleaned_data
        resource, day = data["plan_resource"], data["day"]
        area_id = data["area"].pk if data["area"] else None
        existing = TaskProgress.objects.filter(plan_resource=resource, area_id=area_id, day=day).first()
        before = existing.amount if existing else 0
        correct = data.get("questions_correct")
        if correct is None and existing:
            correct = existing.questions_correct
        if data["overdue"]:
            if self.row is None:
                return None, "That is recorded already."
            # The overdue units join what the day they fell due already has.
            amount = before + self.row.amount
            layout.record_progress(resource.pk, area_id, day, amount, existing.questions_correct if existing else None)
            return self.row, f"{self.row.label}: done, recorded on {human(day)}."
        done = data["done"]
        amount = data["amount"] if done is None else (self.row.amount if done else 0)
        if correct is not None and correct > amount:
            correct = None  # an earlier count of correct answers that no longer fits what was done
        progress_row = layout.record_progress(resource.pk, area_id, day, amount, correct if amount else None)
        row = replace(
            self.row,
            recorded=progress_row.amount if progress_row else 0,
            correct=progress_row.questions_correct if progress_row else None,
        )
        if row.is_done:
            message = f"{row.label}: done."
        elif row.recorded:
            message = f"{row.label}: {row.status.lower()}."
        else:
            message = f"{row.label}: not done."
        return row, message


# Sharing, export and import


class ShareLinkForm(forms.Form):
    expires_on = BoundedDateField(label="Works until (optional)", required=False)

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_expires_on(self):
        day = self.cleaned_data["expires_on"]
        latest = latest_share_expiry(self.today)
        if day is not None and not self.today <= day <= latest:
            raise ValidationError(f"Choose a last day from today to {human(latest)}, or leave it empty.")
        return day


def _refuse_constant(name):
    raise ValueError(f"{name} is not a number JSON allows")


class ImportForm(forms.Form):
    file = forms.FileField(label="Export file (.json)", help_text="The JSON file an export gave you; at most 5 MB.")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > exports.MAX_IMPORT_BYTES:
            raise ValidationError(
                f"This file is {math.ceil(upload.size * 10 / 1024 / 1024) / 10:g} MB; an import takes at most "
                f"{exports.MAX_IMPORT_BYTES // 1024 // 1024} MB. Is it an export of this site?"
            )
        try:
            # utf-8-sig: a byte-order mark, which some editors add on saving, is not an error.
            return json.loads(
                upload.read(exports.MAX_IMPORT_BYTES + 1).decode("utf-8-sig"), parse_constant=_refuse_constant
            )
        except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError are ValueErrors
            raise ValidationError("This is not a JSON file. Choose the .json file an export gave you.") from None
