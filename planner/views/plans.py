"""Plans: the landing page, the dashboard, creating and changing a plan, and its catch-up."""

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from planner import figures, layout, plans, progress
from planner.forms import CatchUpForm, DayExceptionForm, ExamDateForm, PlanForm, StepInputs, plannable_steps
from planner.models import DayException, Milestone, Plan, PlanTopic, StudyBlock
from planner.views.access import owned, owned_milestone, owned_plan
from usmleprep.lib.dates import human


@login_not_required
@require_safe
def landing(request):
    if request.user.is_authenticated:
        return redirect("planner:today")
    return render(request, "planner/landing.html")


@require_safe
def plan_list(request):
    plans = Plan.objects.for_user(request.user).with_progress()
    return render(request, "planner/plan_list.html", {"plans": plans})


@require_http_methods(["GET", "POST"])
def plan_create(request):
    today = timezone.localdate()
    plan = Plan(owner=request.user, title="My USMLE plan", start_date=today)
    form = PlanForm(request.POST or None, instance=plan, steps=plannable_steps(), today=today)
    if form.is_valid():
        plans.save_plan(form.save(commit=False), form.step_choices(), today)
        messages.success(request, "Your plan is ready. Every topic has its week.")
        return redirect(plan)
    return render(request, "planner/plan_form.html", {"form": form})


@require_safe
def plan_detail(request, pk):
    plan = owned_plan(request, pk)
    milestones = list(plan.milestones.with_step_facts())
    today = timezone.localdate()
    lines = progress.topic_lines(PlanTopic.objects.for_plan_page(plan).values(*progress.TOPIC_LINE_FIELDS))
    timeline = progress.plan_page_timeline(milestones, lines, today)
    blocks = defaultdict(list)
    for block in StudyBlock.objects.filter(milestone__plan=plan).select_related("area"):
        blocks[block.milestone_id].append(block)
    # Each Step lists the topics of its blocks under way and next; ?step=<milestone>&block=<area> adds a
    # system and ?all=1 (for one Step with ?step) lists every topic. Ids are matched as text: junk is ignored.
    asked_step, asked_area = request.GET.get("step"), request.GET.get("block")
    everything = request.GET.get("all") == "1"
    for entry in timeline:
        entry.blocks = progress.block_progress(blocks[entry.milestone.pk], entry.groups, today)
        asked = asked_step == str(entry.milestone.pk)
        area = next((g.area.pk for g in entry.groups if asked and str(g.area.pk) == asked_area), None)
        entry.showing_all = everything and (asked or asked_step is None)
        entry.shown = progress.shown_groups(
            entry, lambda pk: reverse("planner:topic_toggle", args=[pk]), area=area, everything=entry.showing_all
        )
    return render(request, "planner/plan_detail.html", {"plan": plan, "timeline": timeline, "today": today})


@require_http_methods(["GET", "POST"])
def plan_edit(request, pk):
    plan = owned_plan(request, pk)
    today = timezone.localdate()
    form = PlanForm(request.POST or None, instance=plan, steps=plannable_steps(), today=today)
    if form.is_valid():
        plans.save_plan(form.save(commit=False), form.step_choices(), today)
        messages.success(request, "Plan saved. Unfinished topics were laid out again; completed ones stay done.")
        return redirect(plan)
    return render(request, "planner/plan_form.html", {"form": form, "plan": plan})


@require_http_methods(["GET", "POST"])
def plan_delete(request, pk):
    plan = owned_plan(request, pk)
    if request.method == "POST":
        plan.delete()
        messages.success(request, f"The plan “{plan.title}” is deleted.")
        return redirect("planner:plan_list")
    return render(request, "planner/plan_confirm_delete.html", {"plan": plan})


@require_http_methods(["GET", "POST"])
def catch_up(request, pk):
    milestone = owned_milestone(request, pk)
    today = timezone.localdate()
    if not layout.can_lay_out(milestone) or milestone.target_date <= today:
        messages.error(request, f"There is nothing to catch up for {milestone.step.name}.")
        return redirect(milestone.plan)
    form = CatchUpForm.from_request(request)
    option = layout.catch_up_option(milestone, today, **form.cleaned_data) if form.is_valid() else None
    if request.method == "POST" and option is not None:
        with transaction.atomic():
            layout.apply_catch_up(milestone, today, option)
            moved = sum(1 for move in plans.catch_up(milestone, today) if move.changes_dates)
        messages.success(
            request,
            f"{' '.join(option.result.summary)} "
            f"{moved} unfinished {milestone.step.name} topics now run from today to the exam.",
        )
        return redirect(milestone.plan)
    stored = layout.StoredPlan(milestone.plan, [milestone], today)
    moves = [move for move in plans.catch_up_moves(milestone, today) if move.changes_dates]
    context = {
        "milestone": milestone,
        "plan": milestone.plan,
        "form": form,
        "option": option,
        "overdue": [(item, label) for _, item, label in stored.overdue_lines(today)],
        "moves": moves,
    }
    return render(request, "planner/catch_up.html", context)


def _apply_or_preview(request, milestone, change, template, context, done_message):
    """A change to a Step's inputs: previewed first (what moves in the next two weeks), applied on confirm."""
    today = timezone.localdate()
    if "apply" in request.POST:
        with transaction.atomic():
            change()
            if layout.can_lay_out(milestone):
                layout.lay_out_milestone(milestone, today)
        messages.success(request, done_message)
        return redirect(milestone.plan)
    preview = layout.preview_change(milestone, today, change) if layout.can_lay_out(milestone) else None
    return render(request, template, {**context, "preview": preview})


@require_http_methods(["GET", "POST"])
def resources(request, pk):
    milestone = owned_milestone(request, pk)
    inputs = StepInputs(milestone, request.POST or None)
    context = {"milestone": milestone, "plan": milestone.plan, "inputs": inputs}
    if request.method == "POST" and inputs.is_valid():
        return _apply_or_preview(
            request,
            milestone,
            inputs.save,
            "planner/resources.html",
            context,
            f"Resources for {milestone.step.name} saved; the work left was laid out again. Completed work stays.",
        )
    return render(request, "planner/resources.html", context)


@require_http_methods(["GET", "POST"])
def exam_date(request, pk):
    """A Step's exam date moved, with a preview of what moves first, as for resources and days off."""
    milestone = owned_milestone(request, pk)
    if milestone.status == Milestone.Status.PASSED or milestone.target_date is None:
        messages.error(request, f"{milestone.step.name} has no exam date to move: record a result or edit the plan.")
        return redirect(milestone.plan)
    form = ExamDateForm(request.POST or None, milestone=milestone, today=timezone.localdate())
    context = {"milestone": milestone, "plan": milestone.plan, "form": form}
    if request.method == "POST" and form.is_valid():
        new_date = human(form.cleaned_data["target_date"])
        done = f"{milestone.step.name} is now on {new_date}; the work left moved to fit. Completed work stays."
        return _apply_or_preview(request, milestone, form.save, "planner/exam_date.html", context, done)
    return render(request, "planner/exam_date.html", context)


@require_http_methods(["GET", "POST"])
def days_off(request, pk):
    plan = owned_plan(request, pk)
    form = DayExceptionForm(request.POST or None, instance=DayException(plan=plan))
    exceptions = plan.exceptions.all()
    context = {"plan": plan, "form": form, "exceptions": exceptions}
    milestone = plan.milestones.ahead().filter(target_date__isnull=False).order_by("target_date").first()
    if request.method == "POST" and form.is_valid():
        if milestone is None:
            form.save()
            return redirect("planner:days_off", plan.pk)

        def change():
            form.save()
            for other in plan.milestones.ahead().exclude(pk=milestone.pk):
                if layout.can_lay_out(other):
                    layout.lay_out_milestone(other, timezone.localdate())

        return _apply_or_preview(
            request, milestone, change, "planner/days_off.html", context, "Saved; the work left moved around it."
        )
    return render(request, "planner/days_off.html", context)


@require_POST
def day_off_delete(request, pk):
    exception = owned(request, DayException.objects.select_related("plan"), pk)
    plan = exception.plan
    with transaction.atomic():
        exception.delete()
        figures.bump(plan.pk)
        for milestone in plan.milestones.ahead():
            if layout.can_lay_out(milestone):
                layout.lay_out_milestone(milestone, timezone.localdate())
    messages.success(request, "Removed; those days are study days again.")
    return redirect("planner:days_off", plan.pk)
