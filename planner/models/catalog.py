"""The catalog: what each Step covers, loaded from planner/catalog/usmle.yaml by `load_catalog`."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

# USMLE three-digit scores run from 1 to 300.
THREE_DIGIT_MAX = 300


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
