from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.forms import DeleteAccountForm, ProfileForm, SignUpForm


@login_not_required
@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("planner:dashboard")
    form = SignUpForm(request.POST or None)
    if form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome, {user.name}. Your account is ready.")
        return redirect("planner:dashboard")
    return render(request, "accounts/signup.html", {"form": form})


@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if form.is_valid():
        form.save()
        messages.success(request, "Your profile is saved.")
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


@require_http_methods(["GET", "POST"])
def delete_account(request):
    form = DeleteAccountForm(request.user, request.POST or None)
    if form.is_valid():
        user = request.user
        logout(request)
        # Plans, milestones, topics, logs and scores go with the user through on_delete=CASCADE.
        user.delete()
        messages.success(request, "Your account and all its data are deleted.")
        return redirect("planner:landing")
    return render(request, "accounts/delete_account.html", {"form": form})
