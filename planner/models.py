from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, F, Q
from django.urls import reverse

from planner.scheduling import review_start
from usmleprep.lib.dates import monday_of

# USMLE three-digit scores run from 1 to 300.
THREE_DIGIT_MAX = 300
WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MAX_HOURS_PER_DAY = 16


# The catalog: what each Step covers, loaded from planner/catalog/usmle.yaml by `load_catalog`.


class Step(models.Model):
    class Code(models.TextChoices):
        STEP1 = "step1", "Step 1"
        STEP2CK = "step2ck", "Step 2 CK"
        STEP3 = "step3", "Step 3"
        STEP2CS = "step2cs", "Step 2 CS"

    class Scoring(models.TextChoices):
        PASS_FAIL = "pass_fail", "Pass/fail"
        THREE_DIGIT = "three_digit", "Three-digit score"
        NONE = "none", "Not scored"

    code = models.CharField(max_length=8, choices=Code.choices, unique=True)
    name = models.CharField(max_length=40)
    full_name = models.CharField(max_length=80)
    order = models.PositiveSmallIntegerField(help_text="Sequence of the Steps; 0 for discontinued ones.")
    plannable = models.BooleanField(default=True)
    discontinued_year = models.PositiveSmallIntegerField(null=True, blank=True)
    summary = models.TextField()
    typical_timing = models.TextField(blank=True)
    exam_days = models.PositiveSmallIntegerField(null=True, blank=True)
    blocks = models.PositiveSmallIntegerField(null=True, blank=True)
    max_questions = models.PositiveSmallIntegerField(null=True, blank=True)
    testing_hours = models.PositiveSmallIntegerField(null=True, blank=True)
    scoring = models.CharField(max_length=12, choices=Scoring.choices)
    pass_fail_since = models.DateField(null=True, blank=True)
    passing_score = models.PositiveSmallIntegerField(null=True, blank=True)
    passing_score_uncertain = models.BooleanField(default=False)
    attempt_limit = models.PositiveSmallIntegerField(default=4)
    requires_passed = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="required_by")
    requires_degree = models.BooleanField(default=False)
    study_hours = models.PositiveSmallIntegerField(
        default=0, help_text="This project's estimate of the dedicated study hours a typical student plans."
    )
    sources = models.JSONField(default=list, blank=True)
    checked_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["order"]

    def __str__(self):
        return self.name

    @property
    def is_scored(self):
        return self.scoring == self.Scoring.THREE_DIGIT


class ContentArea(models.Model):
    class Kind(models.TextChoices):
        SYSTEM = "system", "System"
        DISCIPLINE = "discipline", "Discipline"
        COMPETENCY = "competency", "Physician task"

    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="areas")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    name = models.CharField(max_length=160)
    share_min = models.PositiveSmallIntegerField(validators=[MaxValueValidator(100)])
    share_max = models.PositiveSmallIntegerField(validators=[MaxValueValidator(100)])
    uncertain = models.BooleanField(default=False, help_text="Backed by one source only, or sources disagree.")
    source = models.URLField(max_length=500, blank=True)
    source_date = models.DateField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["step__order", "kind", "position"]
        constraints = [
            # load_catalog updates areas by (step, kind, name).
            models.UniqueConstraint(fields=["step", "kind", "name"], name="unique_area_per_step"),
            models.CheckConstraint(condition=Q(share_min__lte=F("share_max")), name="area_share_range_in_order"),
        ]

    def __str__(self):
        return f"{self.step.name}: {self.name}"

    @property
    def share_midpoint(self):
        return (self.share_min + self.share_max) / 2


class TopicQuerySet(models.QuerySet):
    def by_yield(self):
        return self.order_by("-yield_weight", "area__position", "position")


class Topic(models.Model):
    """A subtopic of a system that a student ticks off."""

    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="topics")
    area = models.ForeignKey(ContentArea, on_delete=models.CASCADE, related_name="topics")
    name = models.CharField(max_length=120)
    emphasis = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(3)], help_text="1 = lower yield, 3 = highest yield."
    )
    yield_weight = models.FloatField(
        help_text="Share of the exam, in percent, this topic stands for: its system's share split by emphasis."
    )
    position = models.PositiveSmallIntegerField(default=0)

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["-yield_weight", "position"]
        constraints = [
            # load_catalog updates topics by (area, name).
            models.UniqueConstraint(fields=["area", "name"], name="unique_topic_per_area"),
            models.CheckConstraint(condition=Q(emphasis__gte=1, emphasis__lte=3), name="topic_emphasis_1_to_3"),
        ]

    def __str__(self):
        return self.name


class Resource(models.Model):
    class Kind(models.TextChoices):
        BOOK = "book", "Book"
        VIDEO = "video", "Video course"
        QBANK = "qbank", "Question bank"
        SELF_ASSESSMENT = "self_assessment", "Self-assessment"

    name = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    description = models.TextField(blank=True)
    steps = models.ManyToManyField(Step, related_name="resources")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


# Study plans, owned by users.


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
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plans")
    title = models.CharField(max_length=120)
    start_date = models.DateField()
    hours_monday = _hours_field(6)
    hours_tuesday = _hours_field(6)
    hours_wednesday = _hours_field(6)
    hours_thursday = _hours_field(6)
    hours_friday = _hours_field(6)
    hours_saturday = _hours_field(6)
    hours_sunday = _hours_field(0)
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

    def days_left(self, today):
        if self.target_date is None:
            return None
        return (self.target_date - today).days


class PlanTopicQuerySet(models.QuerySet):
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
            .select_related("topic__area")
            .order_by("milestone__step__order", "-topic__area__share_max", "topic__area__position", "position")
        )


class PlanTopic(models.Model):
    """A catalog topic scheduled inside one milestone's window."""

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="plan_topics")
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


# Tracking: what a person studied, their practice scores and their exam results.

MAX_LOG_MINUTES = 16 * 60
MAX_BLOCK_QUESTIONS = 400


class StudyLog(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="study_logs")
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="study_logs")
    area = models.ForeignKey(
        ContentArea, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="system"
    )
    studied_on = models.DateField("date")
    minutes = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(MAX_LOG_MINUTES)])
    note = models.CharField(max_length=200, blank=True, help_text="Topics or resources, in a few words.")
    questions_attempted = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(MAX_BLOCK_QUESTIONS)]
    )
    questions_correct = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(MAX_BLOCK_QUESTIONS)]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-studied_on", "-created_at"]
        indexes = [
            # dashboard: hours this week, streak and weakest areas, all by plan and date.
            models.Index(fields=["plan", "studied_on"], name="studylog_plan_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=1, minutes__lte=MAX_LOG_MINUTES), name="studylog_minutes_in_range"
            ),
            # A question block has both counts, and never more right than attempted.
            models.CheckConstraint(
                condition=Q(questions_attempted__isnull=True, questions_correct__isnull=True)
                | Q(questions_attempted__gte=1, questions_correct__lte=F("questions_attempted")),
                name="studylog_correct_at_most_attempted",
            ),
        ]

    def __str__(self):
        return f"{self.studied_on}: {self.minutes} min"

    @property
    def percent_correct(self):
        if not self.questions_attempted:
            return None
        return round(100 * self.questions_correct / self.questions_attempted)


class PracticeExam(models.Model):
    class Kind(models.TextChoices):
        NBME = "nbme", "NBME self-assessment"
        UWSA = "uwsa", "UWorld self-assessment"
        FREE120 = "free120", "Free 120"
        OTHER = "other", "Other practice exam"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="practice_exams")
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="practice_exams")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    form_name = models.CharField(max_length=60, blank=True, help_text="For example “Form 30” or “UWSA 2”.")
    taken_on = models.DateField("date")
    score = models.PositiveSmallIntegerField(
        "three-digit score",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(THREE_DIGIT_MAX)],
    )
    percent_correct = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(100)])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["taken_on", "created_at"]
        indexes = [
            # dashboard: a plan's practice scores over time.
            models.Index(fields=["plan", "taken_on"], name="practiceexam_plan_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=False) | Q(percent_correct__isnull=False), name="practiceexam_has_a_result"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=THREE_DIGIT_MAX),
                name="practiceexam_score_on_scale",
            ),
            models.CheckConstraint(
                condition=Q(percent_correct__isnull=True) | Q(percent_correct__lte=100),
                name="practiceexam_percent_at_most_100",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.form_name}".strip()


class ExamResult(models.Model):
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="results")
    attempt = models.PositiveSmallIntegerField()
    sat_on = models.DateField("date sat")
    passed = models.BooleanField()
    score = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(THREE_DIGIT_MAX)]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["attempt"]
        constraints = [
            models.UniqueConstraint(fields=["milestone", "attempt"], name="unique_attempt_per_milestone"),
            # USMLE allows at most four attempts at a Step (since 2021-07-01).
            models.CheckConstraint(condition=Q(attempt__gte=1, attempt__lte=4), name="examresult_attempt_1_to_4"),
        ]

    def __str__(self):
        outcome = "passed" if self.passed else "failed"
        return f"{self.milestone.step.name}, attempt {self.attempt}: {outcome}"
