"""Study plans, owned by users: the plan, a milestone per Step, and the topics scheduled in it."""

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, F, Q
from django.urls import reverse

from planner.models.catalog import THREE_DIGIT_MAX, Step, Topic
from planner.progress import TopicState
from planner.scheduling import review_start
from usmleprep.lib.dates import monday_of

WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MAX_HOURS_PER_DAY = 16


def _hours_field(default):
    return models.PositiveSmallIntegerField(default=default, validators=[MaxValueValidator(MAX_HOURS_PER_DAY)])


class PlanQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(owner=user)

    def with_progress(self):
        done = Q(milestones__plan_topics__completed_at__isnull=False)
        return self.annotate(
            topic_count=Count("milestones__plan_topics"), done_count=Count("milestones__plan_topics", filter=done)
        ).prefetch_related(models.Prefetch("milestones", queryset=Milestone.objects.select_related("step")))


class Plan(models.Model):
    # No index of its own: plan_owner_created (owner first) serves every lookup by owner.
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plans", db_index=False)
    title = models.CharField(max_length=120)
    start_date = models.DateField()
    hours_monday = _hours_field(6)
    hours_tuesday = _hours_field(6)
    hours_wednesday = _hours_field(6)
    hours_thursday = _hours_field(6)
    hours_friday = _hours_field(6)
    hours_saturday = _hours_field(6)
    hours_sunday = _hours_field(0)
    reviews_enabled = models.BooleanField(
        "spaced review of completed topics",
        default=True,
        help_text="Keeps a tenth of each study day for reviews of what you completed, timed for the exam.",
    )
    # Raised by every write to the plan or anything in it, in the write's transaction; the figures its
    # pages compute are cached under it (planner/figures.py), so a write makes them stale at once.
    figures_version = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlanQuerySet.as_manager()

    HOUR_FIELDS = [f"hours_{day.lower()}" for day in WEEKDAY_NAMES]

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # plan_list: a person's plans, newest first.
            models.Index(fields=["owner", "-created_at"], name="plan_owner_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    hours_monday__lte=MAX_HOURS_PER_DAY,
                    hours_tuesday__lte=MAX_HOURS_PER_DAY,
                    hours_wednesday__lte=MAX_HOURS_PER_DAY,
                    hours_thursday__lte=MAX_HOURS_PER_DAY,
                    hours_friday__lte=MAX_HOURS_PER_DAY,
                    hours_saturday__lte=MAX_HOURS_PER_DAY,
                    hours_sunday__lte=MAX_HOURS_PER_DAY,
                ),
                name="plan_hours_per_day_at_most_16",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("planner:plan_detail", args=[self.pk])

    @property
    def weekly_hours(self):
        """Study hours for Monday to Sunday, indexed like date.weekday()."""
        return [getattr(self, name) for name in self.HOUR_FIELDS]

    @weekly_hours.setter
    def weekly_hours(self, hours):
        for name, value in zip(self.HOUR_FIELDS, hours, strict=True):
            setattr(self, name, value)


class MilestoneQuerySet(models.QuerySet):
    def ahead(self):
        return self.exclude(status=Milestone.Status.PASSED)

    def with_step_facts(self):
        """Milestones with everything _step_facts.html shows, in a fixed number of queries."""
        return self.select_related(
            "step__format_source", "step__passing_score_source", "step__attempt_source", "step__eligibility_source"
        ).prefetch_related("step__resources")


class Milestone(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        PASSED = "passed", "Passed"
        FAILED = "failed", "Failed, retake planned"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="milestones")
    step = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PLANNED)
    target_date = models.DateField(null=True, blank=True)
    # The day this Step's study window opens: the plan's start or the previous Step's exam date.
    # Stored so the database itself can refuse a target date that is not after it.
    starts_on = models.DateField(null=True, blank=True)
    scheduled_on = models.DateField(
        null=True, blank=True, help_text="When the topics were last laid out; progress is measured from here."
    )
    minutes_needed = models.PositiveIntegerField(default=0)
    minutes_available = models.PositiveIntegerField(default=0)
    target_score = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(THREE_DIGIT_MAX)]
    )
    # The day-by-day layout (planner/layout.py): when it was made, its phases and what it said.
    laid_out_at = models.DateTimeField(null=True, blank=True)
    practice_starts_on = models.DateField(null=True, blank=True)
    final_review_starts_on = models.DateField(null=True, blank=True)
    layout_summary = models.JSONField(default=dict, blank=True)

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        ordering = ["step__order"]
        constraints = [
            # One milestone per Step per plan.
            models.UniqueConstraint(fields=["plan", "step"], name="unique_step_per_plan"),
            # A Step still ahead needs a target date; only an already passed one may have none.
            models.CheckConstraint(
                condition=Q(status="passed") | Q(target_date__isnull=False), name="milestone_ahead_has_target"
            ),
            # Dates in order: each exam after the start of its window.
            models.CheckConstraint(
                condition=Q(target_date__isnull=True) | Q(starts_on__isnull=True) | Q(target_date__gt=F("starts_on")),
                name="milestone_target_after_window_start",
            ),
        ]

    def __str__(self):
        return f"{self.step.name} ({self.plan})"

    @property
    def is_short_of_time(self):
        return self.minutes_needed > self.minutes_available

    @property
    def hours_needed(self):
        return round(self.minutes_needed / 60)

    @property
    def hours_available(self):
        return round(self.minutes_available / 60)

    @property
    def review_starts_on(self):
        if self.starts_on is None or self.target_date is None:
            return None
        return review_start(self.starts_on, self.target_date)

    @property
    def phases(self):
        """{"content": (first day, last day), "practice": …, "final_review": …} of the stored layout."""
        summary = self.layout_summary or {}
        return {
            name: tuple(date.fromisoformat(day) for day in summary[name])
            for name in ("content", "practice", "final_review")
            if summary.get(name)
        }

    def next_ahead(self):
        """The plan's next Step after this one (in Step order) still to be passed, or None."""
        following = self.plan.milestones.ahead().filter(step__order__gt=self.step.order).select_related("step")
        return following.order_by("step__order").first()

    def days_left(self, today):
        if self.target_date is None:
            return None
        return (self.target_date - today).days


@dataclass(frozen=True)
class ScheduledTopic:
    """A scheduled topic's columns as Today and the dashboard read them: plain values, no model objects to build."""

    pk: int
    milestone_id: int
    weight: float
    starts_on: date
    due_on: date
    minutes: int
    completed_at: datetime | None
    position: int
    name: str
    area_id: int
    area_name: str

    def state(self, zone):
        completed_on = self.completed_at.astimezone(zone).date() if self.completed_at else None
        return TopicState(self.weight, self.due_on, self.minutes, completed_on)


class PlanTopicQuerySet(models.QuerySet):
    def as_rows(self):
        """The topics as ScheduledTopics, by milestone in yield order."""
        columns = ["pk", "milestone", "topic__yield_weight", "starts_on", "due_on", "planned_minutes", "completed_at"]
        columns += ["position", "topic__name", "topic__area", "topic__area__name"]
        return [ScheduledTopic(*values) for values in self.order_by("milestone", "position").values_list(*columns)]

    def remaining(self):
        return self.filter(completed_at__isnull=True)

    def completed(self):
        return self.filter(completed_at__isnull=False)

    def for_owner(self, user):
        return self.filter(milestone__plan__owner=user)

    def due_between(self, first_day, last_day):
        return self.filter(starts_on__lte=last_day, due_on__gte=first_day)

    def for_plan_page(self, plan):
        """A plan's topics by milestone, then grouped by system (heaviest first), then in yield order."""
        return (
            self.filter(milestone__plan=plan)
            .select_related("topic__area__source")
            .order_by("milestone__step__order", "-topic__area__share_max", "topic__area__position", "position")
        )


class PlanTopic(models.Model):
    """A catalog topic scheduled inside one milestone's window."""

    # No index of its own: plantopic_milestone_position (milestone first) serves every lookup by milestone.
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="plan_topics", db_index=False)
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(help_text="Place in yield order within the milestone.")
    planned_minutes = models.PositiveIntegerField(default=0)
    starts_on = models.DateField()
    due_on = models.DateField()
    completed_at = models.DateTimeField(null=True, blank=True)

    objects = PlanTopicQuerySet.as_manager()

    class Meta:
        ordering = ["milestone", "position"]
        constraints = [
            models.UniqueConstraint(fields=["milestone", "topic"], name="unique_topic_per_milestone"),
            models.CheckConstraint(condition=Q(due_on__gte=F("starts_on")), name="plantopic_due_after_start"),
        ]
        indexes = [
            # plan_detail: a milestone's topics in yield order.
            models.Index(fields=["milestone", "position"], name="plantopic_milestone_position"),
            # dashboard: this week's topics, by due date.
            models.Index(fields=["milestone", "due_on"], name="plantopic_milestone_due"),
        ]

    def __str__(self):
        return f"{self.topic} ({self.milestone.step.name})"

    @property
    def week_of(self):
        return monday_of(self.starts_on)

    @property
    def planned_hours(self):
        return self.planned_minutes / 60
