import logging

from django.contrib.auth.backends import ModelBackend

from accounts import throttle
from accounts.audit import client_address, log_event
from accounts.models import User


class ThrottledModelBackend(ModelBackend):
    """Email and password, behind the sign-in throttle: the app's and the admin's sign-in share its limits.

    A refused attempt sets request.sign_in_refused ("account" or "address") for the form's message.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None or username is None or password is None:
            return super().authenticate(request, username, password, **kwargs)
        address = client_address(request)
        refused = throttle.take_attempt(username, address)
        if refused:
            request.sign_in_refused = refused
            log_event(request, "sign_in_refused", self._account(username), logging.WARNING, limit=refused)
            return None
        user = super().authenticate(request, username, password, **kwargs)
        if user is None:
            log_event(request, "sign_in_failed", self._account(username), logging.WARNING)
        else:
            throttle.give_back(username, address)
            log_event(request, "sign_in", user)
        return user

    def _account(self, email):
        return User.objects.filter(email=email).first()
