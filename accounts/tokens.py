from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from accounts.models import User


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    """Signed links that confirm an email address; they last PASSWORD_RESET_TIMEOUT (3 days)."""

    key_salt = "accounts.tokens.EmailVerificationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        # Confirming, or changing the email or the password, makes every earlier link stop working.
        return f"{user.pk}{user.password}{user.email}{user.email_verified_at}{timestamp}"


verification_tokens = EmailVerificationTokenGenerator()


def verification_link_args(user):
    return {"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": verification_tokens.make_token(user)}


def user_for_verification_link(uidb64, token):
    try:
        user = User.objects.get(pk=int(urlsafe_base64_decode(uidb64)))
    except (ValueError, OverflowError, User.DoesNotExist):
        return None
    return user if verification_tokens.check_token(user, token) else None
