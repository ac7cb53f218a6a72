"""Sign-up that does not tell the person signing up whether the address already has an account.

Either way they see the same "check your email" page and are not signed in. A new address gets an
inactive account and a link to confirm it; only the link activates the account, so signing in with the
password just chosen fails the same way for a new address as for a taken one. A taken address gets an
email saying someone tried to sign up, with a password-reset link; the password typed is hashed anyway,
so both paths take about as long.
"""

from django.contrib.auth.hashers import make_password

from accounts import emails
from accounts.audit import log_event
from accounts.models import User


def sign_up(request, form):
    email = form.cleaned_data["email"]
    user = User.objects.filter(email=email).first()
    if user is not None and not user.is_pending():
        make_password(form.cleaned_data["password1"])
        emails.send_sign_up_attempt(request, user)
        log_event(request, "sign_up_existing_address", user)
        return
    if user is None:
        user = form.save(commit=False)
        user.is_active = False
    else:
        # Nobody has confirmed this address yet, so the latest sign-up's name and password stand.
        user.name = form.cleaned_data["name"]
        user.set_password(form.cleaned_data["password1"])
    user.save()
    emails.send_verification(request, user)
    log_event(request, "sign_up", user)
