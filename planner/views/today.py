"""Today, the signed-in home, and the month calendar of a plan."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from planner import agenda, figures
from planner.models import Plan
from planner.views.access import chosen_plan, owned_plan


@require_safe
def today(request):
    plans = list(Plan.objects.for_user(request.user))
    plan = chosen_plan(plans, request.GET.get("plan"))
    if plan is None:
        return render(request, "planner/today.html", {"plans": plans})
    day = timezone.localdate()
    context = figures.cached(plan, "today", day, lambda: agenda.today_context(plan, day))
    return render(request, "planner/today.html", {"plans": plans, **context, "plan": plan})


@require_safe
def calendar(request, pk):
    plan = owned_plan(request, pk)
    today, requested = timezone.localdate(), request.GET.get("month")
    month = agenda.parse_month(requested)
    page = f"calendar-{month:%Y-%m}" if month else "calendar"
    context = figures.cached(plan, page, today, lambda: agenda.month_context(plan, today, requested))
    return render(request, "planner/calendar.html", {**context, "plan": plan})
