from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe


@login_not_required
@require_safe
def landing(request):
    if request.user.is_authenticated:
        return redirect("planner:dashboard")
    return render(request, "planner/landing.html")


@require_safe
def dashboard(request):
    return render(request, "planner/dashboard.html")


@require_safe
def plan_list(request):
    return render(request, "planner/plan_list.html", {"plans": []})
