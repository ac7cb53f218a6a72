"""A plan at a secret address: its calendar feed (`/calendar/<token>.ics`) and its read-only share page
(`/shared/<token>/`), with the owner's buttons to make and revoke them.

Both are computed on request from the stored layout (layout.StoredPlan), so they change as soon as the
plan does and cost the same queries for a six-week plan as for a three-year one. Neither needs a
sign-in, and neither shows an email address or a note.

The token is in the path, so anything that logs paths would log working addresses: settings.LOGGING
runs Django's request log through usmleprep.lib.log_filters.HideLinkTokens.
"""

import zoneinfo
from dataclasses import dataclass
from datetime import date, timedelta

from django.http import Http404
from django.utils import timezone
from icalendar import Calendar, Event

from planner import daily
from planner.models import PlanLink
from planner.models.sharing import latest_share_expiry

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


# The owner's buttons on the plan page


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
