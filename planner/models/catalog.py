"""The catalog: what each Step covers, loaded from planner/catalog/usmle.yaml by `load_catalog`.

Every published figure points at a Source, and the source's strength is what the pages show next to
the figure, the same way everywhere.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

# USMLE three-digit scores run from 1 to 300.
THREE_DIGIT_MAX = 300


class Source(models.Model):
    class Strength(models.TextChoices):
        OFFICIAL = "official", "Official source"
        SECONDARY = "secondary", "Several secondary sources"
        SINGLE = "single", "One secondary source"

    key = models.SlugField(max_length=60, unique=True)
    url = models.URLField(max_length=500)
    title = models.CharField(max_length=200)
    strength = models.CharField(max_length=12, choices=Strength.choices)
    date = models.DateField(help_text="The page's date, or the day it was read.")

    class Meta:
        ordering = ["key"]

    def __str__(self):
        return self.title

    @property
    def is_official(self):
        return self.strength == self.Strength.OFFICIAL


class StepQuerySet(models.QuerySet):
    def plannable(self):
        return self.filter(plannable=True)


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
    order = models.PositiveSmallIntegerField(help_text="Display order of the Steps; 0 for discontinued ones.")
    plannable = models.BooleanField(default=True)
    discontinued_year = models.PositiveSmallIntegerField(null=True, blank=True)
    summary = models.TextField()
    typical_timing = models.TextField(blank=True)
    order_note = models.TextField(blank=True, help_text="When people take this Step relative to the others.")
    # The exam day as delivered: one entry per testing day, {blocks, items_min, items_max,
    # minutes_per_block, case_simulations}.
    format_days = models.JSONField(default=list, blank=True)
    total_items = models.PositiveSmallIntegerField(null=True, blank=True)
    testing_hours = models.PositiveSmallIntegerField(null=True, blank=True)
    format_effective_on = models.DateField(null=True, blank=True)
    format_source = models.ForeignKey(Source, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    scoring = models.CharField(max_length=12, choices=Scoring.choices)
    pass_fail_since = models.DateField(null=True, blank=True)
    passing_score = models.PositiveSmallIntegerField(null=True, blank=True)
    passing_score_source = models.ForeignKey(Source, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    attempt_limit = models.PositiveSmallIntegerField(default=4)
    attempt_source = models.ForeignKey(Source, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    requires_passed = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="required_by")
    requires_degree = models.BooleanField(default=False)
    requires_ecfmg_for_img = models.BooleanField(default=False)
    eligibility_source = models.ForeignKey(Source, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    study_hours = models.PositiveSmallIntegerField(
        default=0, help_text="This project's estimate of the dedicated study hours a typical student plans."
    )
    checked_on = models.DateField(null=True, blank=True)

    objects = StepQuerySet.as_manager()

    class Meta:
        ordering = ["order"]

    def __str__(self):
        return self.name

    @property
    def is_scored(self):
        return self.scoring == self.Scoring.THREE_DIGIT

    @property
    def exam_days(self):
        return len(self.format_days)

    @property
    def blocks(self):
        return sum(day["blocks"] for day in self.format_days)


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
    source = models.ForeignKey(Source, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
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
    def current(self):
        return self.filter(retired_on__isnull=True)

    def by_yield(self):
        return self.order_by("-yield_weight", "area__position", "position")


class Topic(models.Model):
    """A unit of study inside one system, which a student ticks off."""

    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="topics")
    area = models.ForeignKey(ContentArea, on_delete=models.CASCADE, related_name="topics")
    name = models.CharField(max_length=120)
    discipline = models.CharField(max_length=40, blank=True)
    emphasis = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(3)], help_text="1 = lower yield, 3 = highest yield."
    )
    yield_weight = models.FloatField(
        help_text="Share of the exam, in percent, this topic stands for: its system's share split by emphasis."
    )
    position = models.PositiveSmallIntegerField(default=0)
    # A topic gone from the catalog while plans still use it is retired, never deleted with their work.
    retired_on = models.DateField(null=True, blank=True)

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
    """A study resource for one Step, sized in the unit students plan with."""

    class Kind(models.TextChoices):
        BOOK = "book", "Book"
        VIDEO = "video", "Video course"
        QBANK = "qbank", "Question bank"
        FLASHCARDS = "flashcards", "Flashcards"
        CASES = "cases", "Case simulations"

    class Unit(models.TextChoices):
        PAGE = "page", "pages"
        CHAPTER = "chapter", "chapters"
        HOUR = "hour", "hours of video"
        QUESTION = "question", "questions"
        CARD = "card", "cards"
        CASE = "case", "cases"

    key = models.SlugField(max_length=60, unique=True)
    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="resources")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    unit = models.CharField(max_length=12, choices=Unit.choices)
    total = models.DecimalField(max_digits=8, decimal_places=1, validators=[MinValueValidator(0.1)])
    # None: no source gives a size, and the catalog says the size is this project's estimate.
    size_source = models.ForeignKey(Source, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    edition = models.CharField(max_length=40, blank=True)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    retired_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["step__order", "position"]
        constraints = [
            models.CheckConstraint(condition=Q(total__gt=0), name="resource_total_positive"),
        ]

    def __str__(self):
        return self.name

    @property
    def size_is_estimate(self):
        return self.size_source_id is None


class ResourceSection(models.Model):
    """The part of a resource that covers one system, in the resource's own order."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="sections")
    area = models.ForeignKey(ContentArea, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    amount = models.DecimalField(max_digits=8, decimal_places=1)
    first_unit = models.PositiveIntegerField(null=True, blank=True, help_text="First page or chapter number.")

    class Meta:
        ordering = ["resource", "position"]
        constraints = [
            # load_catalog rewrites a resource's sections by position.
            models.UniqueConstraint(fields=["resource", "position"], name="unique_section_position"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="resourcesection_amount_positive"),
        ]

    def __str__(self):
        return f"{self.resource}: {self.area.name}"


class SelfAssessment(models.Model):
    """A self-assessment that exists, with how it reports its result."""

    class Provider(models.TextChoices):
        NBME = "nbme", "NBME"
        UWORLD = "uworld", "UWorld"
        USMLE = "usmle", "USMLE"
        OTHER = "other", "Other"

    class Reports(models.TextChoices):
        PERCENT_AND_PASS_PROBABILITY = "percent_and_pass_probability", "Percent correct and probability of passing"
        THREE_DIGIT = "three_digit", "Three-digit score"
        PERCENT_CORRECT = "percent_correct", "Percent correct"

    key = models.SlugField(max_length=60, unique=True)
    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="self_assessments")
    name = models.CharField(max_length=80)
    provider = models.CharField(max_length=8, choices=Provider.choices)
    blocks = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    items_per_block = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    reports = models.CharField(max_length=32, choices=Reports.choices)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)
    retired_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["step__order", "position"]

    def __str__(self):
        return self.name

    @property
    def items(self):
        return self.blocks * self.items_per_block

    @property
    def reports_three_digit(self):
        return self.reports == self.Reports.THREE_DIGIT
