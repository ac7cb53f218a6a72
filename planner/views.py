from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from planner import dashboard as dashboard_data
from planner import plans, progress
from planner.forms import ExamResultForm, PlanForm, PracticeExamForm, StudyLogForm, plannable_steps
from planner.models import Milestone, Plan, PlanTopic, PracticeExam, StudyLog


@login_not_required
@require_safe
def landing(request):
    if request.user.is_authenticated:
        return redirect("planner:dashboard")
    return render(request, "planner/landing.html")


@require_safe
def dashboard(request):
    plans = list(Plan.objects.for_user(request.user))
    if not plans:
        return render(request, "planner/dashboard.html", {"plans": plans})
    chosen = request.GET.get("plan")
    plan = plans[0] if chosen is None else next((p for p in plans if str(p.pk) == chosen), None)
    if plan is None:
        raise Http404("No such plan.")
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
    milestones = list(plan.milestones.select_related("step").prefetch_related("step__resources"))
    today = timezone.localdate()
    timeline = progress.timeline(milestones, PlanTopic.objects.for_plan_page(plan), today)
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


def _back(request, fallback):
    """Where the person was, when the form said so and it is on this site."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect(fallback)


@require_POST
def topic_toggle(request, pk):
    plan_topic = get_object_or_404(
        PlanTopic.objects.select_related("milestone__plan"), pk=pk, milestone__plan__owner=request.user
    )
    plans.set_topic_done(plan_topic, done=request.POST.get("done") == "1")
    if "application/json" not in request.headers.get("Accept", ""):
        return _back(request, plan_topic.milestone.plan)
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
    milestone = get_object_or_404(Milestone.objects.select_related("plan", "step"), pk=pk, plan__owner=request.user)
    today = timezone.localdate()
    if milestone.status == Milestone.Status.PASSED or milestone.target_date <= today:
        messages.error(request, f"There is nothing to catch up for {milestone.step.name}.")
        return redirect(milestone.plan)
    if request.method == "POST":
        moves = plans.catch_up(milestone, today)
        moved = sum(1 for move in moves if move.changes_dates)
        messages.success(request, f"{moved} unfinished {milestone.step.name} topics now run from today to the exam.")
        return redirect(milestone.plan)
    moves = [move for move in plans.catch_up_moves(milestone, today) if move.changes_dates]
    return render(request, "planner/catch_up.html", {"milestone": milestone, "plan": milestone.plan, "moves": moves})


@require_http_methods(["GET", "POST"])
def exam_result(request, pk):
    milestone = get_object_or_404(Milestone.objects.select_related("plan", "step"), pk=pk, plan__owner=request.user)
    today = timezone.localdate()
    next_milestone = (
        milestone.plan.milestones.ahead()
        .filter(step__order__gt=milestone.step.order)
        .select_related("step")
        .order_by("step__order")
        .first()
    )
    form = ExamResultForm(
        request.POST or None,
        milestone=milestone,
        attempts_used=plans.attempts_used(request.user, milestone.step),
        next_milestone=next_milestone,
        today=today,
    )
    if form.is_valid():
        result = plans.record_result(milestone, **form.cleaned_data_for_record(), today=today)
        if result.passed:
            messages.success(request, f"Congratulations on passing {milestone.step.name}!")
        else:
            messages.success(
                request, f"Attempt {result.attempt} recorded. Your unfinished topics now lead up to the retake."
            )
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
