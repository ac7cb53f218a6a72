"""Tracking: ticking topics and tasks, spaced reviews, study logs, practice exams and exam results."""

from django.contrib import messages
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from planner import agenda, figures, plans, progress
from planner.forms import ExamResultForm, PracticeExamForm, StudyLogForm, TaskProgressForm
from planner.models import Milestone, PlanTopic, PracticeExam, ReviewItem, StudyLog
from planner.views.access import owned, owned_plan
from usmleprep.lib.dates import human
from usmleprep.lib.http import redirect_back


def wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


@require_POST
def topic_toggle(request, pk):
    plan_topic = owned(request, PlanTopic.objects.select_related("milestone__plan"), pk)
    plans.set_topic_done(plan_topic, done=request.POST.get("done") == "1")
    if not wants_json(request):
        return redirect_back(request, plan_topic.milestone.plan)
    milestone = plan_topic.milestone
    rows = PlanTopic.objects.filter(milestone=milestone).select_related("topic")
    entry = progress.MilestoneProgress(milestone, timezone.localdate(), [progress.state_of(pt) for pt in rows])
    return JsonResponse(
        {
            "done": plan_topic.completed_at is not None,
            "milestone": milestone.pk,
            "summary": render_to_string("planner/_progress_sentence.html", {"entry": entry}),
            "percent": entry.percent_by_weight,
            "standing": entry.standing.label,
        }
    )


def _result_message(milestone, result, retake_on):
    if result.passed:
        return f"Congratulations on passing {milestone.step.name}!"
    if retake_on is None:
        return f"Attempt {result.attempt} recorded. No further attempt can be planned."
    return f"Attempt {result.attempt} recorded. Your unfinished topics now lead up to the retake."


@require_http_methods(["GET", "POST"])
def exam_result(request, pk):
    milestone = owned(request, Milestone.objects.select_related("plan", "step__passing_score_source"), pk)
    today = timezone.localdate()
    next_milestone = milestone.next_ahead()
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


@require_safe
def log_list(request, pk):
    plan = owned_plan(request, pk)
    logs = plan.study_logs.select_related("milestone__step", "area")[:200]
    return render(request, "planner/log_list.html", {"plan": plan, "logs": logs})


@require_http_methods(["GET", "POST"])
def log_create(request, pk):
    plan = owned_plan(request, pk)
    form = StudyLogForm(request.POST or None, instance=StudyLog(plan=plan), plan=plan, today=timezone.localdate())
    if form.is_valid():
        log = form.save()
        messages.success(request, f"Logged {log.minutes} minutes of {log.milestone.step.name}.")
        return redirect("planner:log_list", plan.pk)
    return render(request, "planner/log_form.html", {"plan": plan, "form": form})


def _deleted(request, model, pk, message, list_name):
    """Delete a record of the person's plan, which makes the plan's figures stale, and go back to its list."""
    record = owned(request, model, pk)
    with transaction.atomic():
        record.delete()
        figures.bump(record.plan_id)
    messages.success(request, message)
    return redirect(list_name, record.plan_id)


@require_POST
def log_delete(request, pk):
    return _deleted(request, StudyLog, pk, "The log entry is deleted.", "planner:log_list")


@require_safe
def practice_exam_list(request, pk):
    plan = owned_plan(request, pk)
    exams = plan.practice_exams.select_related("milestone__step", "form").order_by("-taken_on", "-created_at")
    return render(request, "planner/practice_exam_list.html", {"plan": plan, "exams": exams})


@require_http_methods(["GET", "POST"])
def practice_exam_create(request, pk):
    plan = owned_plan(request, pk)
    form = PracticeExamForm(
        request.POST or None,
        instance=PracticeExam(plan=plan),
        plan=plan,
        today=timezone.localdate(),
        # A planned practice exam's task links here with its Step, form and day.
        suggested=request.GET,
    )
    if form.is_valid():
        exam = form.save()
        messages.success(request, f"Recorded {exam} for {exam.milestone.step.name}.")
        return redirect("planner:practice_exam_list", plan.pk)
    return render(request, "planner/practice_exam_form.html", {"plan": plan, "form": form})


@require_POST
def practice_exam_delete(request, pk):
    return _deleted(request, PracticeExam, pk, "The practice exam is deleted.", "planner:practice_exam_list")


@require_POST
def review_done(request, pk):
    item = owned(request, ReviewItem.objects.select_related("plan_topic__milestone__plan"), pk)
    rating = request.POST.get("rating", "")
    if rating not in dict(agenda.REVIEW_RATINGS):
        messages.error(request, "Choose how well you remembered it: Forgot, Hard, Good or Easy.")
    else:
        item = plans.record_review(item, rating, timezone.now())
        messages.success(request, f"Next review of “{item.plan_topic.topic.name}”: {human(item.due_on)}.")
    return redirect_back(request, "planner:today")


def _errors(form):
    return [error for errors in form.errors.values() for error in errors]


@require_POST
def task_done(request, pk):
    today = timezone.localdate()
    with transaction.atomic():
        # The plan's row first, as every other write to the plan takes it (planner/figures.py), then the
        # milestone's: a plan edit in another tab waits for this tick instead of deadlocking with it.
        figures.lock(Milestone.objects.filter(pk=pk, plan__owner=request.user).values("plan")[:1])
        # Locked, so two quick ticks of an overdue item cannot both add its units.
        milestone = owned(request, Milestone.objects.select_for_update(of=("self",)).select_related("plan"), pk)
        form = TaskProgressForm(request.POST, milestone=milestone, today=today)
        valid = form.is_valid()
        if valid:
            row, message = form.save()
    if not valid:
        if wants_json(request):
            return JsonResponse({"done": False, "errors": _errors(form)}, status=400)
        for error in _errors(form):
            messages.error(request, error)
        return redirect_back(request, "planner:today")
    if not wants_json(request):
        messages.success(request, message)
        return redirect_back(request, "planner:today")
    # An overdue item ticked (now or before) is done; a task is done once its whole amount is recorded.
    is_overdue = form.cleaned_data["overdue"]
    day_plan = agenda.read_today(milestone.plan, today)[2][0]
    return JsonResponse(
        {
            "done": True if is_overdue else row.is_done,
            "recorded": None if is_overdue else row.recorded,
            "amount": row.amount if row else None,
            "status": "Done" if is_overdue else row.status,
            "message": message,
            "summary": agenda.done_summary(day_plan),
        }
    )
