from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from planner import progress
from planner.forms import PlanForm, plannable_steps
from planner.models import Plan, PlanTopic
from planner.plans import save_plan


@login_not_required
@require_safe
def landing(request):
    if request.user.is_authenticated:
        return redirect("planner:dashboard")
    return render(request, "planner/landing.html")


@require_safe
def dashboard(request):
    plans = Plan.objects.for_user(request.user)
    return render(request, "planner/dashboard.html", {"plans": plans})


@require_safe
def plan_list(request):
    plans = Plan.objects.for_user(request.user).with_progress()
    return render(request, "planner/plan_list.html", {"plans": plans})


@require_http_methods(["GET", "POST"])
def plan_create(request):
    today = timezone.localdate()
    plan = Plan(owner=request.user)
    form = PlanForm(request.POST or None, instance=plan, steps=plannable_steps(), today=today)
    if form.is_valid():
        save_plan(form.save(commit=False), form.step_choices(), today)
        messages.success(request, "Your plan is ready. Every topic has its week.")
        return redirect(plan)
    return render(request, "planner/plan_form.html", {"form": form})


@require_safe
def plan_detail(request, pk):
    plan = get_object_or_404(Plan, pk=pk, owner=request.user)
    milestones = list(plan.milestones.select_related("step"))
    plan_topics = (
        PlanTopic.objects.filter(milestone__plan=plan)
        .select_related("topic__area")
        .order_by("milestone", "-topic__area__share_max", "topic__area__position", "position")
    )
    today = timezone.localdate()
    return render(
        request,
        "planner/plan_detail.html",
        {"plan": plan, "timeline": progress.timeline(milestones, plan_topics, today), "today": today},
    )


@require_http_methods(["GET", "POST"])
def plan_edit(request, pk):
    plan = get_object_or_404(Plan, pk=pk, owner=request.user)
    today = timezone.localdate()
    form = PlanForm(request.POST or None, instance=plan, steps=plannable_steps(), today=today)
    if form.is_valid():
        save_plan(form.save(commit=False), form.step_choices(), today)
        messages.success(request, "Plan saved. Unfinished topics were laid out again; completed ones stay done.")
        return redirect(plan)
    return render(request, "planner/plan_form.html", {"form": form, "plan": plan})


@require_http_methods(["GET", "POST"])
def plan_delete(request, pk):
    plan = get_object_or_404(Plan, pk=pk, owner=request.user)
    if request.method == "POST":
        plan.delete()
        messages.success(request, f"The plan “{plan.title}” is deleted.")
        return redirect("planner:plan_list")
    return render(request, "planner/plan_confirm_delete.html", {"plan": plan})


