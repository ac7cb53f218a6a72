"""The pages that show a plan's figures, cached until the plan changes (planner/figures.py): Today, the
signed-in home; the dashboard; and the month calendar."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from planner import agenda, figures
from planner import dashboard as dashboard_data
from planner.models import Plan
from planner.views.access import chosen_plan, owned_plan


def chosen_plan_page(request, template, page, build):
    """`template` for the person's plan asked for (?plan=), else their newest, with build(plan, today)."""
    plans = list(Plan.objects.for_user(request.user))
    plan = chosen_plan(plans, request.GET.get("plan"))
    if plan is None:
        return render(request, template, {"plans": plans})
    today = timezone.localdate()
    context = figures.cached(plan, page, today, lambda: build(plan, today))
    # The live plan over the cached copy: the figures may be older than the plan's own row.
    return render(request, template, {"plans": plans, **context, "plan": plan})


@require_safe
def today(request):
    return chosen_plan_page(request, "planner/today.html", "today", agenda.today_context)


@require_safe
def dashboard(request):
    return chosen_plan_page(request, "planner/dashboard.html", "dashboard", dashboard_data.build)


@require_safe
def calendar(request, pk):
    plan = owned_plan(request, pk)
    today, requested = timezone.localdate(), request.GET.get("month")
    month = agenda.parse_month(requested)
    page = f"calendar-{month:%Y-%m}" if month else "calendar"
    context = figures.cached(plan, page, today, lambda: agenda.month_context(plan, today, requested))
    return render(request, "planner/calendar.html", {**context, "plan": plan})
