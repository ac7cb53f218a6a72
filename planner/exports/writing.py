"""Writing a checked document into a person's account, in one transaction."""

from django.db import transaction

from planner import layout
from planner.models import (
    DayException,
    ExamResult,
    Milestone,
    Plan,
    PlanResource,
    PlanTopic,
    PracticeExam,
    PracticeExamSection,
    PracticeExamSlot,
    ReviewItem,
    StudyBlock,
    StudyLog,
    TaskProgress,
)
from usmleprep.lib.db import analyze_grown

# Writing a checked document


@transaction.atomic
def write_document(user, cleaned, today):
    """Add the document's plans to user's account and take its time zone and background; returns the plans.

    Everything is new and belongs to user. Completed work comes in as it was; each Step still ahead is
    then laid out day by day from today, around that work."""
    profile = cleaned["profile"]
    user.time_zone, user.background = profile["time_zone"], profile["background"]
    user.save(update_fields=["time_zone", "background"])
    plans = []
    for p in cleaned["plans"]:
        plan = Plan(owner=user, title=p["title"], start_date=p["start_date"], reviews_enabled=p["reviews_enabled"])
        plan.weekly_hours = p["weekly_hours"]
        plan.save()
        plans.append(plan)
        DayException.objects.bulk_create(DayException(plan=plan, **off) for off in p["days_off"])
        milestones = Milestone.objects.bulk_create(
            Milestone(plan=plan, **{k: v for k, v in m.items() if k in MILESTONE_FIELDS}) for m in p["milestones"]
        )
        for milestone, m in zip(milestones, p["milestones"], strict=True):
            _write_milestone(plan, milestone, m)
        ahead = [m for m in milestones if layout.can_lay_out(m) and m.target_date > today]
        layout.lay_out_milestones(ahead, today)
    analyze_grown(_rows_written(cleaned))
    return plans


def _rows_written(cleaned):
    milestones = [m for p in cleaned["plans"] for m in p["milestones"]]
    return {
        PlanTopic: sum(len(m["topics"]) for m in milestones),
        ReviewItem: sum(t["review"] is not None for m in milestones for t in m["topics"]),
        TaskProgress: sum(len(r["progress"]) for m in milestones for r in m["resources"]),
        StudyLog: sum(len(m["study_logs"]) for m in milestones),
        PracticeExam: sum(len(m["practice_exams"]) for m in milestones),
        PracticeExamSection: sum(len(e["sections"]) for m in milestones for e in m["practice_exams"]),
    }


MILESTONE_FIELDS = {
    "step",
    "status",
    "target_date",
    "starts_on",
    "target_score",
    "scheduled_on",
    "minutes_needed",
    "minutes_available",
}


def _write_milestone(plan, milestone, m):
    topics = PlanTopic.objects.bulk_create(
        (
            PlanTopic(
                milestone=milestone,
                topic_id=t["topic_id"],
                position=position,
                planned_minutes=t["planned_minutes"],
                starts_on=t["starts_on"],
                due_on=t["due_on"],
                completed_at=t["completed_at"],
            )
            for position, t in enumerate(m["topics"])
        ),
        batch_size=500,
    )
    ReviewItem.objects.bulk_create(
        (
            ReviewItem(plan_topic=topic, **t["review"])
            for topic, t in zip(topics, m["topics"], strict=True)
            if t["review"] is not None
        ),
        batch_size=500,
    )
    resources = PlanResource.objects.bulk_create(
        PlanResource(
            milestone=milestone,
            position=position,
            **{k: v for k, v in r.items() if k not in ("progress",)},
        )
        for position, r in enumerate(m["resources"])
    )
    TaskProgress.objects.bulk_create(
        (
            TaskProgress(plan_resource=resource, **p)
            for resource, r in zip(resources, m["resources"], strict=True)
            for p in r["progress"]
        ),
        batch_size=500,
    )
    StudyBlock.objects.bulk_create(
        StudyBlock(milestone=milestone, area=area, position=position) for position, area in enumerate(m["blocks"])
    )
    PracticeExamSlot.objects.bulk_create(
        PracticeExamSlot(milestone=milestone, form=form) for form in m["practice_exam_slots"]
    )
    StudyLog.objects.bulk_create(StudyLog(plan=plan, milestone=milestone, **log) for log in m["study_logs"])
    exams = PracticeExam.objects.bulk_create(
        PracticeExam(plan=plan, milestone=milestone, **{k: v for k, v in e.items() if k != "sections"})
        for e in m["practice_exams"]
    )
    PracticeExamSection.objects.bulk_create(
        PracticeExamSection(practice_exam=exam, **s)
        for exam, e in zip(exams, m["practice_exams"], strict=True)
        for s in e["sections"]
    )
    ExamResult.objects.bulk_create(ExamResult(milestone=milestone, **r) for r in m["exam_results"])
