"""Tracking: what a person studied, their practice scores and their exam results."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from planner.models.catalog import THREE_DIGIT_MAX, ContentArea, SelfAssessment
from planner.models.plans import Milestone, Plan

MAX_LOG_MINUTES = 16 * 60
MAX_BLOCK_QUESTIONS = 400


class StudyLog(models.Model):
    # No index of its own: studylog_plan_date (plan first) serves every lookup by plan.
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="study_logs", db_index=False)
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

    # No index of its own: practiceexam_plan_date (plan first) serves every lookup by plan.
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="practice_exams", db_index=False)
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="practice_exams")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    # The catalog's form, when the person took one the catalog knows.
    form = models.ForeignKey(SelfAssessment, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    form_name = models.CharField(max_length=60, blank=True, help_text="For example “Form 30” or “UWSA 2”.")
    taken_on = models.DateField("date")
    score = models.PositiveSmallIntegerField(
        "three-digit score",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(THREE_DIGIT_MAX)],
    )
    percent_correct = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(100)])
    # NBME's Step 1 self-assessments report a probability of passing instead of a three-digit score.
    pass_probability = models.PositiveSmallIntegerField(
        "probability of passing (%)", null=True, blank=True, validators=[MaxValueValidator(100)]
    )
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
            models.CheckConstraint(
                condition=Q(pass_probability__isnull=True) | Q(pass_probability__lte=100),
                name="practiceexam_pass_probability_at_most_100",
            ),
        ]

    def __str__(self):
        # Pages show it as the exam's name, next to its Step and date. A form picked from the catalog is
        # named by the catalog ("NBME Form 30"); form_name repeats that name, so kind + form_name would
        # read "NBME self-assessment NBME Form 30".
        if self.form_id is not None:
            return self.form.name
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
            # One sitting a day: a second result on the same day is a double submission, not an attempt.
            models.UniqueConstraint(fields=["milestone", "sat_on"], name="unique_sitting_per_day"),
            # USMLE allows at most four attempts at a Step (since 2021-07-01).
            models.CheckConstraint(condition=Q(attempt__gte=1, attempt__lte=4), name="examresult_attempt_1_to_4"),
        ]

    def __str__(self):
        outcome = "passed" if self.passed else "failed"
        return f"{self.milestone.step.name}, attempt {self.attempt}: {outcome}"


class PracticeExamSection(models.Model):
    """A practice exam's result in one system, as its score report gives it (planner/weakness.py weighs it)."""

    # No index of its own: the unique (practice_exam, area) index serves every lookup by exam.
    practice_exam = models.ForeignKey(PracticeExam, on_delete=models.CASCADE, related_name="sections", db_index=False)
    # One of the exam's Step's systems; planner.weakness.record_sections checks it.
    area = models.ForeignKey(ContentArea, on_delete=models.PROTECT, related_name="+", verbose_name="system")
    percent_correct = models.PositiveSmallIntegerField(validators=[MaxValueValidator(100)])
    # The questions the section had, when the report says; otherwise weakness.SECTION_QUESTIONS stands in.
    questions = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(MAX_BLOCK_QUESTIONS)]
    )

    class Meta:
        constraints = [
            # One result per system and exam; also the index for an exam's sections.
            models.UniqueConstraint(fields=["practice_exam", "area"], name="unique_section_per_practice_exam"),
            models.CheckConstraint(
                condition=Q(percent_correct__gte=0, percent_correct__lte=100), name="section_percent_0_to_100"
            ),
            models.CheckConstraint(
                condition=Q(questions__isnull=True) | Q(questions__gte=1, questions__lte=MAX_BLOCK_QUESTIONS),
                name="section_questions_in_range",
            ),
        ]

    def __str__(self):
        return f"{self.practice_exam}: {self.percent_correct}% in {self.area.name}"
