"""Secret addresses that show one plan without signing in: its calendar feed and its read-only page.

The address carries a random token (256 bits from `secrets.token_urlsafe(32)`); the table keeps only
its SHA-256, so a copy of the database holds no working address. The owner sees the address once,
right after making it; making a new one replaces the old, and revoking deletes the row, so the old
address answers 404 from then on.
"""

import hashlib
import re
import secrets

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from planner.models.plans import Plan

TOKEN_BYTES = 32
# token_urlsafe(32): 43 characters of the URL-safe base64 alphabet.
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


class PlanLinkQuerySet(models.QuerySet):
    def with_token(self, token, kind):
        """The link with this token, if any; expiry is the caller's to check, in the owner's time zone.

        The lookup is an indexed equality on the token's hash: the database compares hashes, never the
        token itself, so the time a lookup takes tells nothing about a working token."""
        if not isinstance(token, str) or not TOKEN_PATTERN.fullmatch(token):
            return self.none()
        return self.filter(token_hash=hash_token(token), kind=kind)


class PlanLink(models.Model):
    class Kind(models.TextChoices):
        CALENDAR = "calendar", "Calendar feed"
        SHARE = "share", "Read-only share link"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    # The last day a share link works, in the owner's time zone; None: until revoked.
    expires_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = PlanLinkQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "kind"]
        constraints = [
            # One address of each kind per plan: making a new one replaces the old.
            models.UniqueConstraint(fields=["plan", "kind"], name="one_link_of_each_kind_per_plan"),
            # A calendar feed lasts until revoked.
            models.CheckConstraint(
                condition=Q(kind="share") | Q(expires_on__isnull=True), name="planlink_only_shares_expire"
            ),
        ]
        # The unique index on token_hash serves the lookup of every feed and share page.

    def __str__(self):
        return f"{self.get_kind_display()} of {self.plan}"

    @classmethod
    @transaction.atomic
    def issue(cls, plan, kind, expires_on=None):
        """Make a new address of this kind for the plan, replacing any old one; returns (link, token)."""
        token = secrets.token_urlsafe(TOKEN_BYTES)
        link, _ = cls.objects.update_or_create(
            plan=plan,
            kind=kind,
            defaults={"token_hash": hash_token(token), "expires_on": expires_on, "created_at": timezone.now()},
        )
        return link, token

    @classmethod
    def revoke(cls, plan, kind):
        return cls.objects.filter(plan=plan, kind=kind).delete()[0] > 0

    def is_expired(self, today):
        return self.expires_on is not None and self.expires_on < today


def latest_share_expiry(today):
    """A share link lasts at most a year (28 February when today is 29 February); the owner can make a new one."""
    try:
        return today.replace(year=today.year + 1)
    except ValueError:
        return today.replace(year=today.year + 1, day=28)
