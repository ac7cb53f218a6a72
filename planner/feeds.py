"""A plan at a secret address: its calendar feed (`/calendar/<token>.ics`) and its read-only share page
(`/shared/<token>/`), with the owner's buttons to make and revoke them.

Both are computed on request from the stored layout (layout.StoredPlan), so they change as soon as the
plan does and cost the same queries for a six-week plan as for a three-year one. Neither needs a
sign-in, and neither shows an email address or a note.

The token is in the path, so anything that logs paths would log working addresses: settings.LOGGING
runs Django's request log through usmleprep.lib.log_filters.HideLinkTokens.
"""

import re
import zoneinfo
from dataclasses import dataclass
from datetime import date, timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe
from icalendar import Calendar, Event

from accounts.audit import log_event
from planner import daily, layout, progress
from planner.models import Plan, PlanLink, PlanTopic
from planner.models.sharing import latest_share_expiry
from usmleprep.lib.bounds import BoundedDateField
from usmleprep.lib.dates import human

ONE_DAY = timedelta(days=1)
# The feed reaches a month back, so the recent past stays in the calendar, and forward to the last exam,
# at most about three years ahead (a Step 3 in residency).
FEED_PAST_DAYS = 30
FEED_MAX_FUTURE_DAYS = 3 * 366
# Calendar apps poll; five minutes of caching spares the server and still follows the plan closely.
FEED_MAX_AGE = 5 * 60
# How often the feed asks calendar apps to fetch it (matching X-PUBLISHED-TTL below); Google and Apple
# poll on their own schedule anyway.
FEED_REFRESH = timedelta(hours=1)
SHARE_DAYS = 14
UID_DOMAIN = "usmleprep"


def owner_zone(plan):
    return zoneinfo.ZoneInfo(plan.owner.time_zone)


def live_link(token, kind):
    """The link behind a token, with its plan and owner; 404 if unknown, revoked or expired."""
    link = PlanLink.objects.with_token(token, kind).select_related("plan__owner").first()
    if link is None or link.is_expired(timezone.localdate(timezone=owner_zone(link.plan))):
        raise Http404("No such address.")
    return link


def not_for_search_engines(response):
    response["X-Robots-Tag"] = "noindex, nofollow"
    # The address is the secret: never send it on to another site as a Referer.
    response["Referrer-Policy"] = "no-referrer"
    return response


# The calendar feed


def hours(minutes):
    return f"{round(minutes / 60, 1):g} h"


def day_summary(tasks):
    minutes = sum(task.minutes for task in tasks)
    return f"Study: {len(tasks)} task{'s' if len(tasks) != 1 else ''}, {hours(minutes)}"


def day_description(tasks):
    return "\n".join(f"{task.label} ({task.minutes} min)" for task in tasks)


def feed_range(milestones, today):
    exams = [m.target_date for m in milestones if m.target_date and m.status != m.Status.PASSED]
    last = max([today, *exams])
    return today - FEED_PAST_DAYS * ONE_DAY, min(last, today + FEED_MAX_FUTURE_DAYS * ONE_DAY)


def all_day(uid, day, summary, description, stamp):
    return Event.new(uid=uid, start=day, end=day + ONE_DAY, summary=summary, description=description, stamp=stamp)


def feed_calendar(plan, milestones, stored, today, now):
    """The plan as an iCalendar: exams, practice exams, and one event a day with that day's tasks.

    UIDs are made of the day or the object they stand for, never random, so a calendar app that fetches
    the feed again updates its events instead of adding copies."""
    first, last = feed_range(milestones, today)
    calendar = Calendar.new(
        name=f"{plan.title} (USMLE Prep Planner)",
        prodid="-//USMLE Prep Planner//Study plan//EN",
        uid=f"plan-{plan.pk}@{UID_DOMAIN}",
        refresh_interval=FEED_REFRESH,
    )
    # RFC 7986 wants the value type spelled out; Outlook and Google read the older X-PUBLISHED-TTL.
    calendar["REFRESH-INTERVAL"].params["VALUE"] = "DURATION"
    calendar.add("X-PUBLISHED-TTL", "PT1H")
    for milestone in milestones:
        if milestone.target_date:
            passed = " (passed)" if milestone.status == milestone.Status.PASSED else ""
            calendar.add_component(
                all_day(
                    f"exam-{milestone.pk}@{UID_DOMAIN}",
                    milestone.target_date,
                    f"{milestone.step.name} exam{passed}",
                    milestone.step.full_name,
                    now,
                )
            )
    for step in stored.steps:
        for exam in step.layout.practice_exam_days:
            if first <= exam.day <= last:
                calendar.add_component(
                    all_day(
                        f"practice-{step.milestone.pk}-{exam.key}@{UID_DOMAIN}",
                        exam.day,
                        f"Practice exam: {exam.name}",
                        f"{exam.blocks} × {exam.items_per_block} questions, about {hours(exam.minutes)}",
                        now,
                    )
                )
    for day, pairs in stored.tasks_between(first, last).items():
        tasks = [task for _, task in pairs if task.kind != daily.PRACTICE_EXAM]
        if tasks:
            calendar.add_component(
                all_day(
                    f"day-{day.isoformat()}-plan-{plan.pk}@{UID_DOMAIN}",
                    day,
                    day_summary(tasks),
                    day_description(tasks),
                    now,
                )
            )
    return calendar


@login_not_required
@require_safe
def calendar_feed(request, token):
    link = live_link(token, PlanLink.Kind.CALENDAR)
    plan = link.plan
    today = timezone.localdate(timezone=owner_zone(plan))
    milestones = list(plan.milestones.select_related("step"))
    _, last = feed_range(milestones, today)
    stored = layout.StoredPlan(plan, milestones, last)
    calendar = feed_calendar(plan, milestones, stored, today, timezone.now())
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = f"private, max-age={FEED_MAX_AGE}"
    return not_for_search_engines(response)


# The read-only share page


@dataclass(frozen=True)
class SharedDay:
    day: date
    tasks: list  # daily.Task
    minutes_available: int
    exams: list  # names of the Steps whose exam is this day

    @property
    def minutes_planned(self):
        return sum(task.minutes for task in self.tasks)

    @property
    def hours_planned(self):
        return hours(self.minutes_planned)

    @property
    def is_day_off(self):
        return self.minutes_available == 0


def shared_days(stored, milestones, today):
    last = today + (SHARE_DAYS - 1) * ONE_DAY
    by_day = stored.tasks_between(today, last)
    exams = {}
    for milestone in milestones:
        if milestone.target_date and milestone.status != milestone.Status.PASSED:
            exams.setdefault(milestone.target_date, []).append(milestone.step.name)
    return [
        SharedDay(
            day,
            [task for _, task in by_day.get(day, [])],
            stored.calendar.minutes_on(day),
            exams.get(day, []),
        )
        for day in (today + offset * ONE_DAY for offset in range(SHARE_DAYS))
    ]


@login_not_required
@require_safe
def shared_plan(request, token):
    link = live_link(token, PlanLink.Kind.SHARE)
    plan = link.plan
    zone = owner_zone(plan)
    # Progress counts days in the owner's time zone, whoever is looking.
    with timezone.override(zone):
        today = timezone.localdate()
        milestones = list(plan.milestones.select_related("step"))
        timeline = progress.timeline(milestones, PlanTopic.objects.for_plan_page(plan), today)
        stored = layout.StoredPlan(plan, milestones, today + (SHARE_DAYS - 1) * ONE_DAY)
        context = {
            "plan": plan,
            "link": link,
            "today": today,
            "timeline": timeline,
            "days": shared_days(stored, milestones, today),
            "exams": plan.practice_exams.select_related("milestone__step").order_by("-taken_on", "-created_at"),
        }
        response = render(request, "planner/shared_plan.html", context)
    response["Cache-Control"] = "private, no-store"
    return not_for_search_engines(response)


# The owner's buttons on the plan page


class ShareLinkForm(forms.Form):
    expires_on = BoundedDateField(label="Works until (optional)", required=False)

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_expires_on(self):
        day = self.cleaned_data["expires_on"]
        latest = latest_share_expiry(self.today)
        if day is not None and not self.today <= day <= latest:
            raise ValidationError(f"Choose a last day from today to {human(latest)}, or leave it empty.")
        return day


def _owned_plan(request, pk):
    return get_object_or_404(Plan, pk=pk, owner=request.user)


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
    return not_for_search_engines(render(request, "planner/link_created.html", context))


@require_POST
def feed_new(request, pk):
    plan = _owned_plan(request, pk)
    _, token = PlanLink.issue(plan, PlanLink.Kind.CALENDAR)
    log_event(request, "calendar_feed_made", request.user, plan=plan.pk)
    return _created(request, plan, PlanLink.Kind.CALENDAR, token)


@require_POST
def feed_revoke(request, pk):
    plan = _owned_plan(request, pk)
    if PlanLink.revoke(plan, PlanLink.Kind.CALENDAR):
        log_event(request, "calendar_feed_revoked", request.user, plan=plan.pk)
        messages.success(request, "The calendar address is turned off; calendars subscribed to it stop updating.")
    return redirect(reverse("planner:plan_detail", args=[plan.pk]) + "#sharing-heading")


@require_POST
def share_new(request, pk):
    plan = _owned_plan(request, pk)
    form = ShareLinkForm(request.POST, today=timezone.localdate())
    if not form.is_valid():
        for error in form.errors.get("expires_on", []):
            messages.error(request, f"No share link made. {error}")
        return redirect(reverse("planner:plan_detail", args=[plan.pk]) + "#sharing-heading")
    expires_on = form.cleaned_data["expires_on"]
    _, token = PlanLink.issue(plan, PlanLink.Kind.SHARE, expires_on=expires_on)
    log_event(request, "share_link_made", request.user, plan=plan.pk)
    return _created(request, plan, PlanLink.Kind.SHARE, token, expires_on)


@require_POST
def share_revoke(request, pk):
    plan = _owned_plan(request, pk)
    if PlanLink.revoke(plan, PlanLink.Kind.SHARE):
        log_event(request, "share_link_revoked", request.user, plan=plan.pk)
        messages.success(request, "The share link is revoked; it no longer opens your plan.")
    return redirect(reverse("planner:plan_detail", args=[plan.pk]) + "#sharing-heading")


def sharing_box(plan, today):
    """What the plan page's box shows: the plan's live feed and share link, if any (one query)."""
    links = {link.kind: link for link in PlanLink.objects.filter(plan=plan)}
    share = links.get(PlanLink.Kind.SHARE)
    return {
        "plan": plan,
        "feed": links.get(PlanLink.Kind.CALENDAR),
        "share": share,
        "share_expired": share is not None and share.is_expired(today),
        "today": today,
        "latest_expiry": latest_share_expiry(today),
    }
