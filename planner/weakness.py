"""Weak systems: where a person gets questions wrong, from everything they record.

Three sources, fused per system (ContentArea) of one plan:

- question blocks in the study log (questions attempted and correct);
- question counts recorded on Today's tasks (TaskProgress: the amount done and how many were right);
- practice-exam section results (PracticeExamSection: percent correct in one system).

The fusion rule. Questions from logs and tasks count as they are. A section result counts as the
questions the section had: the number the person entered when their score report gives it, otherwise
SECTION_QUESTIONS (about what a system gets on a 200-item self-assessment); its correct answers are
that many times its percent. A practice exam thus weighs as much as the questions it asked, and no
more. A system is measured once all its sources add up to MIN_QUESTIONS_FOR_WEAKNESS questions: one
section of unknown size is not enough on its own, two are, and so is one with 10 questions logged.

Which systems are weakest:

- the dashboard lists the measured systems with the lowest share correct, WEAK_AREAS_SHOWN of them;
- Today and the final review of each Step take the measured systems of that Step whose share correct
  is below the Step's own (all its measured questions together), lowest first, at most
  FINAL_REVIEW_SYSTEMS. Weakest means weaker than the person's other systems: a single measured
  system, or systems all alike, name none, and the final review keeps its default (the largest share
  of the exam first).

How the final review follows the data: weak systems change as the person records work after the
layout, and no page may write on GET. So the layout (planner/layout.py, `read_steps`) stores the
final review's block reviews for the weakest systems as they are when it is laid out, and
`layout.StoredPlan` gives the stored block reviews to the weakest systems as they are when a page reads
them (`daily.with_final_review_systems`, the same turn-by-turn rule the layout uses). StoredPlan reads
the systems' names in the same query, so Today, the calendar and every page that reads the plan run no
extra query, and the stored layout is never rewritten for it.

Each function reads all it needs in one query: a UNION ALL of the three aggregates (and, for pages,
the Steps' systems with their names), merged here.
"""

from dataclasses import dataclass

from django.db import models, transaction
from django.db.models import F, Sum, Value
from django.db.models.functions import Coalesce

from planner import figures
from planner.models import ContentArea, PracticeExam, PracticeExamSection, StudyLog, TaskProgress

# Fewer questions than this in a system say too little about it to call it weak.
MIN_QUESTIONS_FOR_WEAKNESS = 20
# A section result whose questions the person did not enter counts as this many: a 200-item
# self-assessment over Step 1's 15 or so systems gives each about 10 to 15.
SECTION_QUESTIONS = 10
WEAK_AREAS_SHOWN = 5
FINAL_REVIEW_SYSTEMS = 3


@dataclass(frozen=True)
class AreaResult:
    """A system's questions from every source; `points` are correct answers in hundredths (a section's
    percent times its questions), so that no rounding happens before the sum."""

    pk: int
    name: str
    kind: str
    step_id: int
    step_name: str
    attempted: int = 0
    points: int = 0

    @property
    def correct(self):
        return self.points / 100

    @property
    def share(self):
        return self.points / (100 * self.attempted) if self.attempted else None

    @property
    def percent(self):
        return round(self.points / self.attempted) if self.attempted else None

    @property
    def is_measured(self):
        return self.attempted >= MIN_QUESTIONS_FOR_WEAKNESS


# The fusion rule as plain values.


def section_questions(questions):
    """The questions a section result counts as."""
    return questions if questions else SECTION_QUESTIONS


def fuse(question_counts=(), sections=()):
    """(questions, correct) for one system: question counts (attempted, correct) from logs and tasks as
    they are, and each section result (percent correct, questions or None) as that many questions."""
    attempted = sum(a for a, _ in question_counts) + sum(section_questions(q) for _, q in sections)
    correct = sum(c for _, c in question_counts) + sum(p * section_questions(q) / 100 for p, q in sections)
    return attempted, correct


def lowest_first(results):
    return sorted(results, key=lambda r: (r.share, -r.attempted, r.name))


def weakest(results, count=WEAK_AREAS_SHOWN):
    """The measured systems with the lowest share correct, lowest first."""
    return lowest_first(r for r in results if r.is_measured)[:count]


def final_review_systems(results, step_id, count=FINAL_REVIEW_SYSTEMS):
    """The Step's weakest systems, lowest first: measured, and below the share correct of all the
    Step's measured questions together; at most `count`. Empty without enough data to tell."""
    measured = [r for r in results if r.step_id == step_id and r.kind == ContentArea.Kind.SYSTEM and r.is_measured]
    attempted = sum(r.attempted for r in measured)
    if not attempted:
        return []
    average = sum(r.points for r in measured) / (100 * attempted)
    return lowest_first(r for r in measured if r.share < average)[:count]


# Reading


def _area_columns(prefix):
    return {
        "area_pk": F(prefix or "pk"),
        "area_name": F(f"{prefix}__name" if prefix else "name"),
        "area_kind": F(f"{prefix}__kind" if prefix else "kind"),
        "step_pk": F(f"{prefix}__step" if prefix else "step"),
        "step_name": F(f"{prefix}__step__name" if prefix else "step__name"),
    }


def area_results(plan_id, step_ids=None, *, every_area=False):
    """AreaResults of a plan's systems with questions recorded, fused from the three sources, in one query.

    step_ids limits them to those Steps; every_area adds the Steps' other areas with no questions
    (for their names)."""
    step_ids = None if step_ids is None else list(step_ids)
    if step_ids is not None and not step_ids:
        return []
    on_steps = {} if step_ids is None else {"area__step__in": step_ids}
    whole = models.IntegerField()
    logged = (
        StudyLog.objects.filter(plan_id=plan_id, area__isnull=False, questions_attempted__isnull=False, **on_steps)
        .values(**_area_columns("area"))
        .annotate(
            attempted=Sum("questions_attempted"),
            points=Sum(F("questions_correct") * 100, output_field=whole),
        )
        .order_by()
    )
    ticked = (
        TaskProgress.objects.filter(
            plan_resource__milestone__plan_id=plan_id, area__isnull=False, questions_correct__isnull=False, **on_steps
        )
        .values(**_area_columns("area"))
        .annotate(attempted=Sum("amount"), points=Sum(F("questions_correct") * 100, output_field=whole))
        .order_by()
    )
    weight = Coalesce("questions", Value(SECTION_QUESTIONS), output_field=whole)
    sectioned = (
        PracticeExamSection.objects.filter(practice_exam__plan_id=plan_id, **on_steps)
        .values(**_area_columns("area"))
        .annotate(attempted=Sum(weight), points=Sum(F("percent_correct") * weight, output_field=whole))
        .order_by()
    )
    parts = [ticked, sectioned]
    if every_area and step_ids is not None:
        parts.append(
            ContentArea.objects.filter(step__in=step_ids)
            .values(**_area_columns(""))
            .annotate(attempted=Value(0, output_field=whole), points=Value(0, output_field=whole))
            .order_by()
        )
    totals = {}
    for row in logged.union(*parts, all=True):
        pk = row["area_pk"]
        before = totals.get(pk)
        attempted, points = (before.attempted, before.points) if before else (0, 0)
        totals[pk] = AreaResult(
            pk,
            row["area_name"],
            row["area_kind"],
            row["step_pk"],
            row["step_name"],
            attempted + (row["attempted"] or 0),
            points + (row["points"] or 0),
        )
    return list(totals.values())


def weak_areas(plan):
    """The dashboard's weakest systems of every Step of the plan: one query."""
    return weakest(area_results(plan.pk))


def final_review_systems_by_milestone(milestones):
    """{milestone id: weakest system ids} for a batch of milestones, one query per plan among them."""
    by_plan = {}
    for milestone in milestones:
        by_plan.setdefault(milestone.plan_id, []).append(milestone)
    chosen = {}
    for plan_id, group in by_plan.items():
        results = area_results(plan_id, {m.step_id for m in group})
        for milestone in group:
            chosen[milestone.pk] = tuple(r.pk for r in final_review_systems(results, milestone.step_id))
    return chosen


# Writing


def sections_of(exam):
    """{area id: PracticeExamSection} of one practice exam."""
    return {section.area_id: section for section in PracticeExamSection.objects.filter(practice_exam=exam)}


@transaction.atomic
def record_sections(exam, results):
    """Set a practice exam's section results to `results`, {area: (percent correct, questions or None)};
    a system left out has none. Each area must be a system of the exam's Step."""
    # Locked, so two saves of the same exam at once cannot both insert a system's result.
    list(PracticeExam.objects.select_for_update().filter(pk=exam.pk).values_list("pk", flat=True))
    figures.bump(exam.plan_id)
    step_id = exam.milestone.step_id
    for area in results:
        if area.step_id != step_id or area.kind != ContentArea.Kind.SYSTEM:
            raise ValueError(f"{area} is not a system of this practice exam's Step.")
    PracticeExamSection.objects.filter(practice_exam=exam).delete()
    return PracticeExamSection.objects.bulk_create(
        PracticeExamSection(practice_exam=exam, area=area, percent_correct=percent, questions=questions)
        for area, (percent, questions) in results.items()
    )
