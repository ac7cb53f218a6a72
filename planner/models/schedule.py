"""The day-by-day plan: days off, the person's resources, system blocks, and how the work is laid out.

A day's tasks are not stored. Each Step's layout is stored as allocations (this resource's units
over these days, taking this share of each day's hours), and a day's tasks are computed from them
(planner/daily.py). What the person did is stored as TaskProgress rows, keyed by resource, system
and day, never by allocation: laying the plan out again replaces allocations and leaves the record
of completed work untouched.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from planner.models.catalog import ContentArea, Resource, SelfAssessment
from planner.models.plans import MAX_HOURS_PER_DAY, Milestone, Plan

MAX_RESOURCE_UNITS = 100_000


class DayException(models.Model):
    """A day or a range of days off (0 hours), or light days with fewer hours than usual."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="exceptions")
    starts_on = models.DateField("from")
    ends_on = models.DateField("to")
    hours = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(MAX_HOURS_PER_DAY)], help_text="0 for days off."
    )
    note = models.CharField(max_length=80, blank=True, help_text="A vacation, a wedding, a night shift…")

    class Meta:
        ordering = ["starts_on"]
        indexes = [
            # layout and calendar: a plan's exceptions in date order.
            models.Index(fields=["plan", "starts_on"], name="dayexception_plan_start"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="dayexception_dates_in_order"),
            models.CheckConstraint(condition=Q(hours__lte=MAX_HOURS_PER_DAY), name="dayexception_hours_at_most_16"),
        ]

    def __str__(self):
        return self.note or f"{self.starts_on}–{self.ends_on}"

    @property
    def is_day_off(self):
        return self.hours == 0


class PlanResource(models.Model):
    """A resource a person uses for one Step, with the size of their edition and what they had done."""

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="resources")
    # None for a resource the person added themselves.
    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=12, choices=Resource.Kind.choices)
    unit = models.CharField(max_length=12, choices=Resource.Unit.choices)
    total = models.DecimalField(
        max_digits=8, decimal_places=1, validators=[MinValueValidator(1), MaxValueValidator(MAX_RESOURCE_UNITS)]
    )
    done_before = models.DecimalField(
        "already done", max_digits=8, decimal_places=1, default=0, validators=[MinValueValidator(0)]
    )
    minutes_per_unit = models.DecimalField(
        max_digits=5, decimal_places=2, validators=[MinValueValidator(0.1), MaxValueValidator(600)]
    )
    position = models.PositiveSmallIntegerField(default=0)
    # Systems whose remaining work a catch-up dropped (ContentArea ids); later layouts leave them out.
    dropped_areas = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["milestone", "position"]
        constraints = [
            # Each catalog resource once per Step; custom ones (no catalog row) as many as wanted.
            models.UniqueConstraint(
                fields=["milestone", "resource"], condition=Q(resource__isnull=False), name="unique_resource_per_step"
            ),
            models.CheckConstraint(
                condition=Q(total__gt=0, done_before__gte=0, done_before__lte=F("total")),
                name="planresource_done_within_total",
            ),
            models.CheckConstraint(condition=Q(minutes_per_unit__gt=0), name="planresource_minutes_positive"),
        ]

    def __str__(self):
        return self.name


class StudyBlock(models.Model):
    """One system's block of the content phase, in the order the person chose."""

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="blocks")
    area = models.ForeignKey(ContentArea, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["milestone", "position"]
        constraints = [
            models.UniqueConstraint(fields=["milestone", "area"], name="unique_block_per_system"),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True) | Q(ends_on__gte=F("starts_on")), name="studyblock_dates_in_order"
            ),
        ]

    def __str__(self):
        return self.area.name


class Allocation(models.Model):
    """Units of one resource spread over a span of study days, taking a share of each day's hours.

    The fields are planner.daily.Allocation's; `position` is its index in the Step's layout.
    """

    class Kind(models.TextChoices):
        STUDY = "study", "Study"
        CARD_REVIEWS = "card reviews", "Flashcard reviews"
        BLOCK_REVIEW = "block review", "Final review"
        LIGHT_REVIEW = "light review", "Light review"

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="allocations")
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=Kind.choices)
    plan_resource = models.ForeignKey(PlanResource, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    # The system the units belong to; None for mixed questions and work that runs alongside the blocks.
    area = models.ForeignKey(ContentArea, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    first_unit = models.PositiveIntegerField(null=True, blank=True)
    amount = models.PositiveIntegerField(default=0)
    starts_on = models.DateField()
    ends_on = models.DateField()
    share = models.FloatField()
    seconds_per_unit = models.PositiveIntegerField(default=60)
    grain = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["milestone", "position"]
        indexes = [
            # today and calendar: a Step's allocations that overlap a range of days.
            models.Index(fields=["milestone", "starts_on", "ends_on"], name="allocation_milestone_span"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="allocation_dates_in_order"),
            models.CheckConstraint(condition=Q(share__gt=0, share__lte=1), name="allocation_share_of_a_day"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.starts_on}–{self.ends_on}"


class PracticeExamSlot(models.Model):
    """The day a chosen self-assessment is planned for."""

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="practice_exam_slots")
    form = models.ForeignKey(SelfAssessment, on_delete=models.PROTECT, related_name="+")
    # None until laid out, or when the practice phase has no room for it.
    day = models.DateField(null=True, blank=True)
    minutes = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["milestone", "day"]
        constraints = [
            # A person chooses each self-assessment once per Step.
            models.UniqueConstraint(fields=["milestone", "form"], name="unique_practice_exam_per_step"),
        ]
        indexes = [
            # today and calendar: a Step's practice exams in a range of days.
            models.Index(fields=["milestone", "day"], name="practiceexamslot_day"),
        ]

    def __str__(self):
        return f"{self.form} on {self.day}"


class TaskProgress(models.Model):
    """What a person did of a resource on a day, for one system (or mixed questions)."""

    # No index of its own: taskprogress_resource_day (plan_resource first) serves every lookup by resource.
    plan_resource = models.ForeignKey(PlanResource, on_delete=models.CASCADE, related_name="progress", db_index=False)
    area = models.ForeignKey(ContentArea, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    day = models.DateField()
    amount = models.PositiveIntegerField(validators=[MaxValueValidator(MAX_RESOURCE_UNITS)])
    questions_correct = models.PositiveIntegerField(null=True, blank=True)
    # When it was last recorded: work recorded after a Step was laid out counts toward that layout.
    completed_at = models.DateTimeField()

    class Meta:
        ordering = ["day"]
        indexes = [
            # today and overdue: what was done of a Step's resources, by resource and system.
            models.Index(fields=["plan_resource", "area", "day"], name="taskprogress_resource_day"),
        ]
        constraints = [
            # One record per resource, system and day: ticking twice updates it.
            models.UniqueConstraint(
                fields=["plan_resource", "area", "day"], condition=Q(area__isnull=False), name="unique_progress_per_day"
            ),
            models.UniqueConstraint(
                fields=["plan_resource", "day"], condition=Q(area__isnull=True), name="unique_mixed_progress_per_day"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="taskprogress_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(questions_correct__isnull=True) | Q(questions_correct__lte=F("amount")),
                name="taskprogress_correct_at_most_done",
            ),
        ]

    def __str__(self):
        return f"{self.plan_resource} on {self.day}: {self.amount}"
