"""Laying topics out over the days before an exam: plain functions over plain values.

Time is counted in whole minutes so that "no day over its hours" holds exactly.
"""

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

# The final stretch before each exam is kept for review and practice exams:
# about 15% of the window, and never less than a week.
REVIEW_SHARE = 0.15
MIN_REVIEW_DAYS = 7


@dataclass(frozen=True)
class TopicLoad:
    key: object
    minutes: int


@dataclass(frozen=True)
class Slot:
    key: object
    starts_on: date
    due_on: date
    minutes: int


@dataclass
class Schedule:
    slots: list[Slot]
    minutes_needed: int
    minutes_available: int
    review_starts_on: date
    booked: dict[date, int] = field(default_factory=dict)

    @property
    def is_short(self):
        return self.minutes_needed > self.minutes_available


class NoStudyDays(ValueError):
    pass


def days_between(first_day, end_day):
    """Every day from first_day up to, not including, end_day."""
    return [first_day + timedelta(days=offset) for offset in range((end_day - first_day).days)]


def review_start(window_start, exam_day):
    """The first day of the review stretch before exam_day."""
    window_days = (exam_day - window_start).days
    review_days = max(MIN_REVIEW_DAYS, math.ceil(window_days * REVIEW_SHARE))
    if review_days >= window_days:
        # Too short a window for a separate review stretch: study until the exam.
        return exam_day
    return exam_day - timedelta(days=review_days)


def study_minutes(first_day, end_day, weekly_hours):
    return sum(weekly_hours[day.weekday()] * 60 for day in days_between(first_day, end_day))


def topic_minutes(step_study_hours, topic_weight, step_total_weight):
    """A topic's share of its Step's study time, in proportion to its yield weight."""
    if step_total_weight <= 0:
        return 0
    return round(step_study_hours * 60 * topic_weight / step_total_weight)


def lay_out(topics, *, first_day, window_start, exam_day, weekly_hours):
    """Lay topics (already in yield order) out on study days from first_day until the review stretch.

    window_start is where the whole window opens (it fixes where review starts); first_day is
    where laying out starts, later than window_start when a plan is rescheduled part-way.

    Each topic takes a stretch of the calendar in proportion to the minutes it needs, so the
    topics fill the study days evenly up to the review stretch. When they need more time than
    the days hold, every topic is shortened in the same proportion so that all still fit, and
    the schedule says how short it is. `booked` holds the minutes of each day's hours given to topics.
    """
    study_end = review_start(window_start, exam_day)
    days = [day for day in days_between(first_day, study_end) if weekly_hours[day.weekday()] > 0]
    if not days:
        # No study day before the review stretch (a very short window): use the review days too.
        study_end = exam_day
        days = [day for day in days_between(first_day, study_end) if weekly_hours[day.weekday()] > 0]
    if not days:
        raise NoStudyDays(f"No study day between {first_day} and {exam_day}.")

    capacity = {day: weekly_hours[day.weekday()] * 60 for day in days}
    minutes_available = sum(capacity.values())
    minutes_needed = sum(topic.minutes for topic in topics)

    def calendar_span(minutes):
        # Integer arithmetic: the spans never add up to more than the days hold.
        if minutes_needed == 0:
            return 0
        return minutes * minutes_available // minutes_needed

    slots = []
    booked = {}
    index = 0
    free_today = capacity[days[0]]
    for topic in topics:
        remaining = calendar_span(topic.minutes)
        planned = min(topic.minutes, remaining)
        if free_today == 0 and index + 1 < len(days):
            index += 1
            free_today = capacity[days[index]]
        starts_on = days[index]
        while remaining > 0:
            if free_today == 0:
                index += 1
                free_today = capacity[days[index]]
            taken = min(remaining, free_today)
            booked[days[index]] = booked.get(days[index], 0) + taken
            free_today -= taken
            remaining -= taken
        slots.append(Slot(topic.key, starts_on, days[index], planned))

    return Schedule(
        slots=slots,
        minutes_needed=minutes_needed,
        minutes_available=minutes_available,
        review_starts_on=study_end,
        booked=booked,
    )
