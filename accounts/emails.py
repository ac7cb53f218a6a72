"""The account emails. They are plain text and quote nothing a stranger could have typed: no names."""

from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.tokens import verification_link_args


def _send(to, subject, template, context):
    send_mail(subject, render_to_string(f"accounts/email/{template}.txt", context), None, [to])


def _password_reset_link(request, user):
    args = {"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)}
    return request.build_absolute_uri(reverse("accounts:password_reset_confirm", kwargs=args))


def send_verification(request, user):
    link = request.build_absolute_uri(reverse("accounts:verify_email", kwargs=verification_link_args(user)))
    _send(user.email, "Confirm your email for USMLE Prep Planner", "verify_email", {"link": link})


def send_sign_up_attempt(request, user):
    """Sign-up with an address that has an account: we tell that address, not the person signing up."""
    context = {
        "reset_link": _password_reset_link(request, user),
        "sign_in": request.build_absolute_uri(reverse("accounts:login")),
    }
    _send(user.email, "Someone tried to sign up with your email", "sign_up_attempt", context)


def send_email_changed(old_email):
    _send(old_email, "Your USMLE Prep Planner email was changed", "email_changed", {})


def send_password_changed(request, user):
    reset = request.build_absolute_uri(reverse("accounts:password_reset"))
    _send(user.email, "Your USMLE Prep Planner password was changed", "password_changed", {"reset": reset})
