from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from planner import dashboard as dashboard_data
from planner import layout, plans, progress
from planner.forms import (
    CatchUpForm,
    DayExceptionForm,
    ExamResultForm,
    PlanForm,
    PracticeExamForm,
    StepInputs,
    StudyLogForm,
    plannable_steps,
)
from planner.models import DayException, Milestone, Plan, PlanTopic, PracticeExam, StudyBlock, StudyLog
from usmleprep.lib.http import redirect_back


@login_not_required
@require_safe
def landing(request):
    if request.user.is_authenticated:
        return redirect("planner:today")
    return render(request, "planner/landing.html")


@require_safe
def dashboard(request):
    plans = list(Plan.objects.for_user(request.user))
    chosen = request.GET.get("plan")
    if chosen is None:
        plan = plans[0] if plans else None
    else:
        # Matched as text against the person's own plans: another person's id, junk or a huge number is not found.
        plan = next((p for p in plans if str(p.pk) == chosen), None)
        if plan is None:
            raise Http404("No such plan.")
    if plan is None:
        return render(request, "planner/dashboard.html", {"plans": plans})
    context = dashboard_data.build(plan, timezone.localdate())
    return render(request, "planner/dashboard.html", {"plans": plans, **context})


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
    plan = get_object_or_404(Plan, pk=pk, owner=request.user)
    milestones = list(plan.milestones.with_step_facts())
    today = timezone.localdate()
    timeline = progress.timeline(milestones, PlanTopic.objects.for_plan_page(plan), today)
    blocks = defaultdict(list)
    for block in StudyBlock.objects.filter(milestone__plan=plan).select_related("area"):
        blocks[block.milestone_id].append(block)
    for entry in timeline:
        entry.blocks = progress.block_progress(blocks[entry.milestone.pk], entry.groups)
    return render(request, "planner/plan_detail.html", {"plan": plan, "timeline": timeline, "today": today})


@require_http_methods(["GET", "POST"])
def plan_edit(request, pk):
    plan = get_object_or_404(Plan, pk=pk, owner=request.user)
    today = timezone.localdate()
    form = PlanForm(request.POST or None, instance=plan, steps=plannable_steps(), today=today)
    if form.is_valid():
        plans.save_plan(form.save(commit=False), form.step_choices(), today)
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


@require_POST
def topic_toggle(request, pk):
    plan_topic = get_object_or_404(
        PlanTopic.objects.select_related("milestone__plan"), pk=pk, milestone__plan__owner=request.user
    )
    plans.set_topic_done(plan_topic, done=request.POST.get("done") == "1")
    if "application/json" not in request.headers.get("Accept", ""):
        return redirect_back(request, plan_topic.milestone.plan)
    milestone = plan_topic.milestone
    rows = PlanTopic.objects.filter(milestone=milestone).select_related("topic")
    entry = progress.MilestoneProgress(milestone, timezone.localdate(), [progress.state_of(pt) for pt in rows])
    return JsonResponse(
        {
            "done": plan_topic.completed_at is not None,
            "milestone": milestone.pk,
            "summary": f"{entry.done} of {entry.total} topics done ({entry.percent_by_weight}% by yield)",
            "percent": entry.percent_by_weight,
            "standing": entry.standing.label,
        }
    )


@require_http_methods(["GET", "POST"])
def catch_up(request, pk):
    milestone = _owned_milestone(request, pk)
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


def _result_message(milestone, result, retake_on):
    if result.passed:
        return f"Congratulations on passing {milestone.step.name}!"
    if retake_on is None:
        return f"Attempt {result.attempt} recorded. No further attempt can be planned."
    return f"Attempt {result.attempt} recorded. Your unfinished topics now lead up to the retake."


@require_http_methods(["GET", "POST"])
def exam_result(request, pk):
    milestone = get_object_or_404(
        Milestone.objects.select_related("plan", "step__passing_score_source"), pk=pk, plan__owner=request.user
    )
    today = timezone.localdate()
    next_milestone = (
        milestone.plan.milestones.ahead()
        .filter(step__order__gt=milestone.step.order)
        .select_related("step")
        .order_by("step__order")
        .first()
    )
    # The rules are checked and the attempt written in one transaction, holding the person's attempts.
    with transaction.atomic():
        form = ExamResultForm(
            request.POST or None,
            milestone=milestone,
            history=plans.attempt_history(request.user, lock=request.method == "POST"),
            next_milestone=next_milestone,
            today=today,
        )
        if form.is_valid():
            record = form.cleaned_data_for_record()
            result = plans.record_result(milestone, **record, today=today)
            messages.success(request, _result_message(milestone, result, record["new_target_date"]))
            return redirect(milestone.plan)
    results = milestone.results.all()
    return render(
        request,
        "planner/exam_result.html",
        {"form": form, "milestone": milestone, "plan": milestone.plan, "results": results},
    )


def _owned_plan(request, pk):
    return get_object_or_404(Plan, pk=pk, owner=request.user)


@require_safe
def log_list(request, pk):
    plan = _owned_plan(request, pk)
    logs = plan.study_logs.select_related("milestone__step", "area")[:200]
    return render(request, "planner/log_list.html", {"plan": plan, "logs": logs})


@require_http_methods(["GET", "POST"])
def log_create(request, pk):
    plan = _owned_plan(request, pk)
    form = StudyLogForm(request.POST or None, instance=StudyLog(plan=plan), plan=plan, today=timezone.localdate())
    if form.is_valid():
        log = form.save()
        messages.success(request, f"Logged {log.minutes} minutes of {log.milestone.step.name}.")
        return redirect("planner:log_list", plan.pk)
    return render(request, "planner/log_form.html", {"plan": plan, "form": form})


@require_POST
def log_delete(request, pk):
    log = get_object_or_404(StudyLog, pk=pk, plan__owner=request.user)
    log.delete()
    messages.success(request, "The log entry is deleted.")
    return redirect("planner:log_list", log.plan_id)


@require_safe
def practice_exam_list(request, pk):
    plan = _owned_plan(request, pk)
    exams = plan.practice_exams.select_related("milestone__step").order_by("-taken_on", "-created_at")
    return render(request, "planner/practice_exam_list.html", {"plan": plan, "exams": exams})


@require_http_methods(["GET", "POST"])
def practice_exam_create(request, pk):
    plan = _owned_plan(request, pk)
    form = PracticeExamForm(
        request.POST or None, instance=PracticeExam(plan=plan), plan=plan, today=timezone.localdate()
    )
    if form.is_valid():
        exam = form.save()
        messages.success(request, f"Recorded {exam} for {exam.milestone.step.name}.")
        return redirect("planner:practice_exam_list", plan.pk)
    return render(request, "planner/practice_exam_form.html", {"plan": plan, "form": form})


@require_POST
def practice_exam_delete(request, pk):
    exam = get_object_or_404(PracticeExam, pk=pk, plan__owner=request.user)
    exam.delete()
    messages.success(request, "The practice exam is deleted.")
    return redirect("planner:practice_exam_list", exam.plan_id)


def _owned_milestone(request, pk):
    return get_object_or_404(Milestone.objects.select_related("plan", "step"), pk=pk, plan__owner=request.user)


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
    milestone = _owned_milestone(request, pk)
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
def days_off(request, pk):
    plan = _owned_plan(request, pk)
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
    exception = get_object_or_404(DayException.objects.select_related("plan"), pk=pk, plan__owner=request.user)
    plan = exception.plan
    with transaction.atomic():
        exception.delete()
        for milestone in plan.milestones.ahead():
            if layout.can_lay_out(milestone):
                layout.lay_out_milestone(milestone, timezone.localdate())
    messages.success(request, "Removed; those days are study days again.")
    return redirect("planner:days_off", plan.pk)
