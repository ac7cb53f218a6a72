from datetime import timedelta

from django import forms

from planner import scheduling
from planner.models import (
    MAX_HOURS_PER_DAY,
    THREE_DIGIT_MAX,
    WEEKDAY_NAMES,
    ContentArea,
    Milestone,
    Plan,
    PracticeExam,
    Step,
    StudyLog,
)
from planner.plans import Choice, StepChoice
from usmleprep.lib.dates import human

# Far enough for a student planning Step 3 in residency; near enough to keep schedules small.
MAX_PLAN_YEARS = 6
MAX_PAST_START_DAYS = 366

CHOICE_LABELS = [
    (Choice.PLAN, "Plan it"),
    (Choice.PASSED, "Already passed"),
    (Choice.SKIP, "Not in this plan"),
]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class PlanForm(forms.ModelForm):
    """The plan, its weekly hours and, for each plannable Step, whether and when to take it."""

    class Meta:
        model = Plan
        fields = ["title", "start_date", *Plan.HOUR_FIELDS]
        labels = {"title": "Plan title", "start_date": "Start date"} | {
            name: day for name, day in zip(Plan.HOUR_FIELDS, WEEKDAY_NAMES, strict=True)
        }
        widgets = {"start_date": DateInput()} | {
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
            self.fields[self.date_field(step)] = forms.DateField(
                label=f"{step.name} exam date",
                required=False,
                widget=DateInput(),
                initial=milestone.target_date if milestone else None,
                help_text="The day you plan to sit the exam (or the day you passed it, if you like).",
            )
            self.fields[self.score_field(step)] = forms.IntegerField(
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

    def clean_title(self):
        return " ".join(self.cleaned_data["title"].split())

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
        window_start, previous = start_date, None
        for step in self.steps:
            choice, date_name = choices[step.code], self.date_field(step)
            target = cleaned.get(date_name)
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
            if target is None:
                self.add_error(date_name, f"Choose the date you plan to sit {step.name}.")
                return
            after = f"{previous.name}’s date" if previous else "the start date"
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
    return list(Step.objects.filter(plannable=True).prefetch_related("requires_passed").order_by("order"))


class PlanMilestoneChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, milestone):
        return milestone.step.name


class SystemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, area):
        return f"{area.step.name} · {area.name}"


def not_in_future(day, today):
    if day > today:
        raise forms.ValidationError("This date is in the future. Log what you have already done.")
    return day


class PlanRecordForm(forms.ModelForm):
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
        labels = {
            "milestone": "Step",
            "minutes": "Minutes studied",
            "questions_attempted": "Questions attempted (optional)",
            "questions_correct": "Questions correct (optional)",
        }
        help_texts = {"questions_attempted": "For a question-bank block."}
        widgets = {"studied_on": DateInput()}

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

    def clean_note(self):
        return " ".join(self.cleaned_data["note"].split())

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
    date_field = "taken_on"

    class Meta:
        model = PracticeExam
        fields = ["milestone", "kind", "form_name", "taken_on", "score", "percent_correct"]
        labels = {
            "kind": "Practice exam",
            "form_name": "Form (optional)",
            "score": "Three-digit score",
            "percent_correct": "Percent correct",
        }
        help_texts = {
            "score": "The predicted score, 1 to 300, if the exam gives one.",
            "percent_correct": "0 to 100. Give the score, the percent correct, or both.",
        }
        widgets = {"taken_on": DateInput()}

    def clean_taken_on(self):
        return not_in_future(self.cleaned_data["taken_on"], self.today)

    def clean_form_name(self):
        return " ".join(self.cleaned_data["form_name"].split())

    def clean(self):
        cleaned = super().clean()
        no_errors = "score" not in self.errors and "percent_correct" not in self.errors
        if no_errors and cleaned.get("score") is None and cleaned.get("percent_correct") is None:
            self.add_error("score", "Enter the three-digit score, the percent correct, or both.")
        return cleaned


class ExamResultForm(forms.Form):
    sat_on = forms.DateField(label="Date you sat the exam", widget=DateInput())
    passed = forms.TypedChoiceField(
        label="Result",
        choices=[("yes", "Passed"), ("no", "Failed")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    score = forms.IntegerField(label="Three-digit score", required=False, min_value=1, max_value=THREE_DIGIT_MAX)
    new_target_date = forms.DateField(
        label="New exam date, for the retake",
        required=False,
        widget=DateInput(),
        help_text="Only after a failed attempt. Your completed topics stay done.",
    )

    def __init__(self, *args, milestone, attempts_used, next_milestone, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.milestone, self.attempts_used, self.next_milestone, self.today = (
            milestone,
            attempts_used,
            next_milestone,
            today,
        )
        if not milestone.step.is_scored:
            del self.fields["score"]

    def clean_sat_on(self):
        return not_in_future(self.cleaned_data["sat_on"], self.today)

    def clean(self):
        cleaned = super().clean()
        step = self.milestone.step
        if self.attempts_used >= step.attempt_limit:
            raise forms.ValidationError(
                f"USMLE allows at most {step.attempt_limit} attempts at {step.name}, counting every attempt, "
                f"and you have recorded {self.attempts_used}. A further attempt cannot be recorded."
            )
        passed = cleaned.get("passed")
        if step.is_scored and "score" in self.fields and cleaned.get("score") is None and "score" not in self.errors:
            self.add_error("score", f"{step.name} reports a three-digit score: enter yours.")
        if passed is False:
            self._check_retake_date(cleaned.get("new_target_date"))
        return cleaned

    def _check_retake_date(self, new_date):
        if new_date is None:
            if "new_target_date" not in self.errors:
                self.add_error("new_target_date", "Choose the date of your retake.")
            return
        if new_date <= self.today or (self.milestone.starts_on and new_date <= self.milestone.starts_on):
            self.add_error("new_target_date", "Choose a retake date after today and after this Step's study began.")
        elif self.next_milestone is not None and new_date >= self.next_milestone.target_date:
            self.add_error(
                "new_target_date",
                f"The retake must come before {self.next_milestone.step.name} on "
                f"{human(self.next_milestone.target_date)}. Move that date first in the plan.",
            )
        elif not scheduling.study_minutes(self.today, new_date, self.milestone.plan.weekly_hours):
            self.add_error("new_target_date", "There is no study day before that date with your weekly hours.")

    def cleaned_data_for_record(self):
        data = self.cleaned_data
        return {
            "sat_on": data["sat_on"],
            "passed": data["passed"],
            "score": data.get("score"),
            "new_target_date": None if data["passed"] else data["new_target_date"],
        }
