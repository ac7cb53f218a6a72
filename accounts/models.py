import re
import zoneinfo
from datetime import timedelta

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.fields import EmailAddressField


def validate_time_zone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a time zone we know. Pick one from the list.")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **fields):
        user = self.model(email=email, **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        fields.setdefault("email_verified_at", timezone.now())
        return self.create_user(email, password, is_staff=True, is_superuser=True, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    class Background(models.TextChoices):
        US_CANADIAN_MD = "us_md", "US or Canadian MD student or graduate"
        DO = "do", "DO student or graduate"
        IMG = "img", "International medical graduate (IMG)"

    email = EmailAddressField("email address", unique=True)
    name = models.CharField(max_length=150)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    background = models.CharField(max_length=8, choices=Background.choices, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    # Set when the person opens the link we sent to this address; reminders go to confirmed addresses only.
    email_verified_at = models.DateTimeField(null=True, blank=True)
    # Opt-in reminder emails, named like ReminderEmail.Kind, so a kind reads and sets its own field.
    daily_digest = models.BooleanField(
        "Morning digest", default=False, help_text="The day's tasks and anything overdue, at 07:00 your time."
    )
    weekly_summary = models.BooleanField(
        "Weekly summary",
        default=False,
        help_text="Progress per Step, your next practice exam and your forecast, on Monday mornings.",
    )

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

    def get_full_name(self):
        return self.name

    def get_short_name(self):
        return self.name

    @property
    def email_verified(self):
        return self.email_verified_at is not None

    def is_pending(self):
        """Made by sign-up and not yet confirmed: nobody has shown they own the address or used the account."""
        return not self.is_active and self.email_verified_at is None and self.last_login is None

    def confirm_email(self):
        if self.is_pending():
            self.is_active = True
        self.email_verified_at = timezone.now()
        self.save(update_fields=["is_active", "email_verified_at"])


def _retriable(now):
    """An email to try again: failed fewer than MAX_ATTEMPTS times, or claimed by a process that has not
    finished in STALE_CLAIM (it died between claiming and recording the outcome)."""
    Status = ReminderEmail.Status
    return models.Q(status=Status.FAILED, attempts__lt=ReminderEmail.MAX_ATTEMPTS) | models.Q(
        status=Status.SENDING, claimed_at__lt=now - ReminderEmail.STALE_CLAIM
    )


class ReminderEmailQuerySet(models.QuerySet):
    def retriable(self, now):
        return self.filter(_retriable(now))

    def settled(self, now):
        """Sent, nothing to send, given up on, or being sent right now: not to be tried this run."""
        return self.exclude(_retriable(now))

    def claim(self, user_id, kind, local_date):
        """The record this process now holds for sending this email, or None when another has it or it is done.

        The INSERT commits before anything is sent, so of two processes racing for the same email the unique
        constraint lets one through; a retry takes the record over with one conditional UPDATE, which
        PostgreSQL re-checks after the row lock, so there too only one process wins.
        """
        now = timezone.now()
        try:
            with transaction.atomic():
                return self.create(user_id=user_id, kind=kind, local_date=local_date, claimed_at=now)
        except IntegrityError:
            pass
        mine = self.filter(user_id=user_id, kind=kind, local_date=local_date)
        taken = mine.retriable(now).update(
            status=ReminderEmail.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
        return mine.first() if taken else None


class ReminderEmail(models.Model):
    """One reminder email for one person and one day of theirs: claimed before it is sent, so it goes once."""

    class Kind(models.TextChoices):
        DAILY_DIGEST = "daily_digest", "Morning digest"
        WEEKLY_SUMMARY = "weekly_summary", "Weekly summary"

    class Status(models.TextChoices):
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        NOTHING = "nothing", "Nothing to send"
        FAILED = "failed", "Failed"

    # A failing address is tried on this many runs, then left alone for the day.
    MAX_ATTEMPTS = 5
    # Longer than any send takes: a claim this old belongs to a process that died.
    STALE_CLAIM = timedelta(hours=1)

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="reminder_emails")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # The person's own date the email is for (the Monday, for the weekly summary).
    local_date = models.DateField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.SENDING)
    attempts = models.PositiveSmallIntegerField(default=1)
    claimed_at = models.DateTimeField(default=timezone.now)

    objects = ReminderEmailQuerySet.as_manager()

    class Meta:
        constraints = [
            # One email of a kind per person and day: the claim that stops two senders running at once.
            models.UniqueConstraint(fields=["user", "kind", "local_date"], name="reminderemail_once_a_day"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.local_date}: {self.get_status_display()}"

    def record(self, status):
        self.status = status
        self.save(update_fields=["status"])


class SignInThrottle(models.Model):
    """Sign-in attempts in the current window, for one account from one address or (account "") for an address.

    The account is an HMAC of the typed email, so the table keeps no addresses, nor passwords typed in the
    email box. accounts.throttle counts with one atomic upsert per attempt.
    """

    account = models.CharField(max_length=64, blank=True)
    address = models.CharField(max_length=45)
    attempts = models.PositiveIntegerField(default=0)
    window_ends = models.DateTimeField()

    class Meta:
        constraints = [
            # throttle.take_attempt upserts on this pair; throttle.clear_account deletes by its account prefix.
            models.UniqueConstraint(fields=["account", "address"], name="signinthrottle_account_address"),
        ]

    def __str__(self):
        return f"{self.attempts} attempts from {self.address} until {self.window_ends:%Y-%m-%d %H:%M}"


BROWSERS = [("Edg", "Edge"), ("OPR", "Opera"), ("Firefox", "Firefox"), ("Chrome", "Chrome"), ("Safari", "Safari")]
SYSTEMS = [
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("CrOS", "ChromeOS"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
]


def describe_user_agent(user_agent):
    """'Firefox on Linux': a few words a person recognises; unknown parts are left out."""
    browser = next((name for token, name in BROWSERS if re.search(rf"\b{token}/", user_agent)), None)
    system = next((name for token, name in SYSTEMS if token in user_agent), None)
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or "Unknown device"


# However active, a session ends this long after sign-in (accounts.sessions.keep_alive).
SESSION_MAX_AGE = timedelta(days=30)


class UserSessionQuerySet(models.QuerySet):
    def active_for(self, user):
        now = timezone.now()
        return self.filter(user=user, session__expire_date__gt=now, created_at__gt=now - SESSION_MAX_AGE).order_by(
            "-last_seen_at"
        )


class UserSession(models.Model):
    """A browser someone is signed in on, for their list of sessions.

    It points at the stored session, whose key is a hash of the cookie (accounts.sessions), and goes
    with it: sign-out, expiry and `clearsessions` delete the session and so this row.
    """

    session = models.OneToOneField("sessions.Session", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    user_agent = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)

    objects = UserSessionQuerySet.as_manager()

    def __str__(self):
        return f"{self.device} of {self.user}, last seen {self.last_seen_at:%Y-%m-%d %H:%M}"

    @property
    def device(self):
        return describe_user_agent(self.user_agent)
