from datetime import timedelta

from django import forms

from planner import scheduling
from planner.models import MAX_HOURS_PER_DAY, WEEKDAY_NAMES, Milestone, Plan, Step
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
        if not self.instance.pk:
            self.initial.setdefault("start_date", today)
            self.initial.setdefault("title", "My USMLE plan")
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

    @staticmethod
    def choice_field(step):
        return f"{step.code}_choice"

    @staticmethod
    def date_field(step):
        return f"{step.code}_date"

    def step_fields(self):
        """(step, choice field, date field) for the template, in exam order."""
        return [(step, self[self.choice_field(step)], self[self.date_field(step)]) for step in self.steps]

    def hour_fields(self):
        return [self[name] for name in Plan.HOUR_FIELDS]

    def clean_title(self):
        title = " ".join(self.cleaned_data["title"].split())
        if not title:
            raise forms.ValidationError("Give the plan a title.")
        return title

    def clean_start_date(self):
        start_date = self.cleaned_data["start_date"]
        if start_date < self.today - timedelta(days=MAX_PAST_START_DAYS):
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
            StepChoice(step, self.cleaned_data[self.choice_field(step)], self.cleaned_data.get(self.date_field(step)))
            for step in self.steps
        ]


def plannable_steps():
    return list(Step.objects.filter(plannable=True).prefetch_related("requires_passed").order_by("order"))
