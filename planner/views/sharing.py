"""A plan at a secret address: the calendar feed and the read-only share page, and the owner's buttons
that make and revoke them. What they show is built in planner/feeds.py."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from accounts.audit import log_event
from planner import feeds, layout, progress
from planner.forms import ShareLinkForm
from planner.models import PlanLink, PlanTopic
from planner.views.access import owned_plan


@login_not_required
@require_safe
def calendar_feed(request, token):
    link = feeds.live_link(token, PlanLink.Kind.CALENDAR)
    plan = link.plan
    today = timezone.localdate(timezone=feeds.owner_zone(plan))
    milestones = list(plan.milestones.select_related("step"))
    _, last = feeds.feed_range(milestones, today)
    stored = layout.StoredPlan(plan, milestones, last)
    calendar = feeds.feed_calendar(plan, milestones, stored, today, timezone.now())
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = f"private, max-age={feeds.FEED_MAX_AGE}"
    return feeds.not_for_search_engines(response)


@login_not_required
@require_safe
def shared_plan(request, token):
    link = feeds.live_link(token, PlanLink.Kind.SHARE)
    plan = link.plan
    zone = feeds.owner_zone(plan)
    # Progress counts days in the owner's time zone, whoever is looking.
    with timezone.override(zone):
        today = timezone.localdate()
        milestones = list(plan.milestones.select_related("step"))
        timeline = progress.timeline(milestones, PlanTopic.objects.for_plan_page(plan), today)
        stored = layout.StoredPlan(plan, milestones, today + (feeds.SHARE_DAYS - 1) * feeds.ONE_DAY)
        context = {
            "plan": plan,
            "link": link,
            "today": today,
            "timeline": timeline,
            "days": feeds.shared_days(stored, milestones, today),
            "exams": plan.practice_exams.select_related("milestone__step", "form").order_by("-taken_on", "-created_at"),
        }
        response = render(request, "planner/shared_plan.html", context)
    response["Cache-Control"] = "private, no-store"
    return feeds.not_for_search_engines(response)


def _created(request, plan, kind, token, expires_on=None):
    """The new address, shown this once: only its hash is stored."""
    name = "planner:calendar_feed" if kind == PlanLink.Kind.CALENDAR else "planner:shared_plan"
    address = request.build_absolute_uri(reverse(name, args=[token]))
    context = {
        "plan": plan,
        "kind": kind,
        "address": address,
        "webcal": re.sub(r"^https?://", "webcal://", address),
        "expires_on": expires_on,
    }
    return feeds.not_for_search_engines(render(request, "planner/link_created.html", context))


@require_POST
def feed_new(request, pk):
    plan = owned_plan(request, pk)
    _, token = PlanLink.issue(plan, PlanLink.Kind.CALENDAR)
    log_event(request, "calendar_feed_made", request.user, plan=plan.pk)
    return _created(request, plan, PlanLink.Kind.CALENDAR, token)


def _back_to_sharing(plan):
    return redirect(reverse("planner:plan_detail", args=[plan.pk]) + "#sharing-heading")


def _revoked(request, pk, kind, event, message):
    plan = owned_plan(request, pk)
    if PlanLink.revoke(plan, kind):
        log_event(request, event, request.user, plan=plan.pk)
        messages.success(request, message)
    return _back_to_sharing(plan)


@require_POST
def feed_revoke(request, pk):
    message = "The calendar address is turned off; calendars subscribed to it stop updating."
    return _revoked(request, pk, PlanLink.Kind.CALENDAR, "calendar_feed_revoked", message)


@require_POST
def share_new(request, pk):
    plan = owned_plan(request, pk)
    form = ShareLinkForm(request.POST, today=timezone.localdate())
    if not form.is_valid():
        for error in form.errors.get("expires_on", []):
            messages.error(request, f"No share link made. {error}")
        return _back_to_sharing(plan)
    expires_on = form.cleaned_data["expires_on"]
    _, token = PlanLink.issue(plan, PlanLink.Kind.SHARE, expires_on=expires_on)
    log_event(request, "share_link_made", request.user, plan=plan.pk)
    return _created(request, plan, PlanLink.Kind.SHARE, token, expires_on)


@require_POST
def share_revoke(request, pk):
    message = "The share link is revoked; it no longer opens your plan."
    return _revoked(request, pk, PlanLink.Kind.SHARE, "share_link_revoked", message)
