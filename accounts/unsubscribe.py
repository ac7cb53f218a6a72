"""One-click unsubscribe from a reminder email, without signing in (RFC 8058).

The link carries a signed token naming the account and the kind of email. It has no date and does not
expire: mail is read weeks late, and all the link can do is turn emails off.
"""

from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from accounts.audit import log_event
from accounts.models import ReminderEmail, User

SALT = "accounts.unsubscribe"


def make_token(user, kind):
    return signing.Signer(salt=SALT).sign_object({"user": user.pk, "kind": str(kind)})


def read_token(token):
    """(user, kind) the token was made for, or None for a token we did not sign or an account gone since."""
    try:
        payload = signing.Signer(salt=SALT).unsign_object(token)
        kind = ReminderEmail.Kind(payload["kind"])
        return User.objects.get(pk=int(payload["user"])), kind
    except (signing.BadSignature, KeyError, TypeError, ValueError, User.DoesNotExist):
        return None


def stop(request, user, kind):
    if getattr(user, kind):
        setattr(user, kind, False)
        user.save(update_fields=[kind])
        log_event(request, "reminders_unsubscribed", user, kind=kind)


# csrf_exempt: mail providers send the RFC 8058 one-click POST (body List-Unsubscribe=One-Click) with no
# cookie and no CSRF token. The signed token in the URL is the proof of intent, since only the email's
# recipient has it, and the action only turns emails off. Every other POST, the confirm form a person
# submits from the GET page, still needs its CSRF token: confirm() is csrf_protect'ed.
@login_not_required
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    found = read_token(token)
    if request.method == "POST" and request.POST.get("List-Unsubscribe") == "One-Click":
        return stopped(request, found)
    return confirm(request, found)


@csrf_protect
def confirm(request, found):
    if request.method == "POST":
        return stopped(request, found)
    return page(request, found, done=False)


def stopped(request, found):
    if found is not None:
        stop(request, *found)
    return page(request, found, done=True)


def page(request, found, done):
    context = {"kind": found[1] if found else None, "done": done}
    return render(request, "accounts/unsubscribe.html", context, status=200 if found else 404)
