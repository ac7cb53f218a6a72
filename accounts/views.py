from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts import emails, sessions, throttle
from accounts.audit import client_address, log_event
from accounts.forms import DeleteAccountForm, PasswordChangeForm, PasswordResetForm, ProfileForm, SignUpForm
from accounts.models import UserSession
from accounts.signup import sign_up
from accounts.tokens import user_for_verification_link
from usmleprep.lib.bounds import could_be_id


@login_not_required
@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("planner:today")
    form = SignUpForm(request.POST or None)
    if form.is_valid():
        sign_up(request, form)
        return redirect("accounts:signup_done")
    return render(request, "accounts/signup.html", {"form": form})


@login_not_required
@require_safe
def signup_done(request):
    return render(request, "accounts/signup_done.html")


@login_not_required
@require_http_methods(["GET", "POST"])
def verify_email(request, uidb64, token):
    user = user_for_verification_link(uidb64, token)
    if user is not None and request.method == "POST":
        user.confirm_email()
        log_event(request, "email_verified", user)
        messages.success(request, "Your email address is confirmed.")
        return redirect("accounts:profile" if request.user.is_authenticated else "accounts:login")
    return render(request, "accounts/verify_email.html", {"valid": user is not None})


@require_POST
def resend_verification(request):
    emails.send_verification(request, request.user)
    messages.success(request, f"We sent a new link to {request.user.email}. It works for 3 days.")
    return redirect("accounts:profile")


@require_http_methods(["GET", "POST"])
def profile(request):
    email = request.user.email
    form = ProfileForm(request.POST or None, instance=request.user, address=client_address(request))
    if form.is_valid():
        user = form.save()
        if user.email != email:
            emails.send_email_changed(email)
            emails.send_verification(request, user)
            log_event(request, "email_changed", user)
            messages.success(request, f"Your profile is saved. We sent a link to {user.email} to confirm it.")
        else:
            messages.success(request, "Your profile is saved.")
        return redirect("accounts:profile")
    context = {
        "form": form,
        "email": email,
        "email_verified": request.user.email_verified_at is not None,
        "sessions": UserSession.objects.active_for(request.user),
        "current_session": sessions.current_key(request),
    }
    return render(request, "accounts/profile.html", context)


@require_POST
def sign_out_session(request):
    pk = request.POST.get("session", "")
    if not could_be_id(pk):
        raise Http404
    user_session = get_object_or_404(UserSession, pk=pk, user=request.user)
    log_event(request, "session_revoked", request.user, session=user_session.pk)
    if user_session.session_id == sessions.current_key(request):
        logout(request)
        return redirect("planner:landing")
    sessions.end(user_session)
    messages.success(request, f"Signed out of {user_session.device}.")
    return redirect("accounts:profile")


@require_POST
def sign_out_other_sessions(request):
    count = sessions.end_others(request)
    log_event(request, "sessions_revoked", request.user, count=count)
    messages.success(request, f"Signed out of {count} other session{'s' if count != 1 else ''}.")
    return redirect("accounts:profile")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")
    form_class = PasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "address": client_address(self.request)}

    def form_valid(self, form):
        response = super().form_valid(form)
        # The new password ends the other sessions (their auth hash no longer matches); remove them from the
        # list, and list this one again under the key update_session_auth_hash gave it.
        sessions.end_all(self.request.user)
        sessions.start(self.request, self.request.user)
        emails.send_password_changed(self.request, self.request.user)
        log_event(self.request, "password_changed", self.request.user)
        return response


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.user
        throttle.clear_account(user.email)
        sessions.end_all(user)
        emails.send_password_changed(self.request, user)
        log_event(self.request, "password_reset", user)
        return response


@require_http_methods(["GET", "POST"])
def delete_account(request):
    form = DeleteAccountForm(request.user, request.POST or None, address=client_address(request))
    if form.is_valid():
        user = request.user
        log_event(request, "account_deleted", user)
        logout(request)
        # Plans, milestones, topics, logs and scores go with the user through on_delete=CASCADE.
        user.delete()
        messages.success(request, "Your account and all its data are deleted.")
        return redirect("planner:landing")
    return render(request, "accounts/delete_account.html", {"form": form})
