"""The one way a view loads what a person owns. Anything else, another person's included, is a 404."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from planner.models import DayException, Milestone, Plan, PlanTopic, PracticeExam, ReviewItem, StudyLog

# The path from each kind of object to the person who owns it.
OWNER_PATHS = {
    Plan: "owner",
    Milestone: "plan__owner",
    DayException: "plan__owner",
    StudyLog: "plan__owner",
    PracticeExam: "plan__owner",
    PlanTopic: "milestone__plan__owner",
    ReviewItem: "plan_topic__milestone__plan__owner",
}


def owned(request, queryset, pk):
    """The object `pk` of `queryset` (a model or a queryset) if it belongs to the person asking."""
    model = getattr(queryset, "model", queryset)
    return get_object_or_404(queryset, pk=pk, **{OWNER_PATHS[model]: request.user})


def owned_plan(request, pk):
    return owned(request, Plan, pk)


def owned_milestone(request, pk):
    return owned(request, Milestone.objects.select_related("plan", "step"), pk)


def chosen_plan(plans, chosen):
    """The newest of the person's plans, or the one asked for (?plan=).

    Matched as text against their own plans, so another person's id, junk or a huge number is a 404.
    """
    if chosen is None:
        return plans[0] if plans else None
    plan = next((p for p in plans if str(p.pk) == chosen), None)
    if plan is None:
        raise Http404("No such plan.")
    return plan
