"""Today, the signed-in home, and the month calendar of a plan."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from planner import agenda
from planner.models import Plan
from planner.views.access import chosen_plan, owned_plan


@require_safe
def today(request):
    plans = list(Plan.objects.for_user(request.user))
    plan = chosen_plan(plans, request.GET.get("plan"))
    if plan is None:
        return render(request, "planner/today.html", {"plans": plans})
    context = agenda.today_context(plan, timezone.localdate())
    return render(request, "planner/today.html", {"plans": plans, **context})


@require_safe
def calendar(request, pk):
    plan = owned_plan(request, pk)
    context = agenda.month_context(plan, timezone.localdate(), request.GET.get("month"))
    return render(request, "planner/calendar.html", context)
