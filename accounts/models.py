import zoneinfo

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


def validate_time_zone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a time zone we know. Pick one from the list.")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, email):
        return self.get(email=email.strip().lower())

    def create_user(self, email, password=None, **fields):
        user = self.model(email=email, **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        return self.create_user(email, password, is_staff=True, is_superuser=True, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    class Background(models.TextChoices):
        US_CANADIAN_MD = "us_md", "US or Canadian MD student or graduate"
        DO = "do", "DO student or graduate"
        IMG = "img", "International medical graduate (IMG)"

    email = models.EmailField("email address", unique=True)
    name = models.CharField(max_length=150)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    background = models.CharField(max_length=8, choices=Background.choices, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        constraints = [
            # Emails are stored lower-cased, so the unique index on email is case-insensitive.
            models.CheckConstraint(condition=models.Q(email=Lower("email")), name="user_email_lowercase"),
        ]

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def get_full_name(self):
        return self.name

    def get_short_name(self):
        return self.name


class SignInFailure(models.Model):
    """One failed sign-in for an email address; counted to throttle password guessing."""

    email = models.CharField(max_length=254)
    failed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            # throttle.is_locked_out: failures for one email in the last window.
            models.Index(fields=["email", "failed_at"], name="signinfailure_email_time"),
        ]

    def __str__(self):
        return f"{self.email} at {self.failed_at:%Y-%m-%d %H:%M}"
