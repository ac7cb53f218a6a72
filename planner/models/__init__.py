"""The planner's models, by subdomain; import them from here."""

from planner.models.catalog import (
    THREE_DIGIT_MAX,
    ContentArea,
    Resource,
    ResourceSection,
    SelfAssessment,
    Source,
    Step,
    Topic,
    TopicQuerySet,
)
from planner.models.plans import MAX_HOURS_PER_DAY, WEEKDAY_NAMES, Milestone, Plan, PlanTopic
from planner.models.reviews import ReviewItem
from planner.models.schedule import (
    MAX_RESOURCE_UNITS,
    Allocation,
    DayException,
    PlanResource,
    PracticeExamSlot,
    StudyBlock,
    TaskProgress,
)
from planner.models.sharing import PlanLink
from planner.models.tracking import (
    MAX_BLOCK_QUESTIONS,
    MAX_LOG_MINUTES,
    ExamResult,
    PracticeExam,
    PracticeExamSection,
    StudyLog,
)

__all__ = [
    "MAX_BLOCK_QUESTIONS",
    "MAX_HOURS_PER_DAY",
    "MAX_LOG_MINUTES",
    "MAX_RESOURCE_UNITS",
    "THREE_DIGIT_MAX",
    "WEEKDAY_NAMES",
    "Allocation",
    "ContentArea",
    "DayException",
    "ExamResult",
    "Milestone",
    "Plan",
    "PlanLink",
    "PlanResource",
    "PlanTopic",
    "PracticeExam",
    "PracticeExamSection",
    "PracticeExamSlot",
    "Resource",
    "ResourceSection",
    "ReviewItem",
    "SelfAssessment",
    "Source",
    "Step",
    "StudyBlock",
    "StudyLog",
    "TaskProgress",
    "Topic",
    "TopicQuerySet",
]
