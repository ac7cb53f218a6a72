from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner import scheduling
from planner.scheduling import TopicLoad, lay_out, review_start

SIX_DAYS = [6, 6, 6, 6, 6, 6, 0]
MONDAY = date(2027, 1, 4)


def test_review_takes_fifteen_percent_of_a_long_window():
    # 200 days: 15% is 30 days.
    assert review_start(MONDAY, MONDAY + timedelta(days=200)) == MONDAY + timedelta(days=170)


def test_review_takes_at_least_a_week():
    assert review_start(MONDAY, MONDAY + timedelta(days=30)) == MONDAY + timedelta(days=23)


def test_a_window_of_a_week_or_less_has_no_separate_review():
    exam = MONDAY + timedelta(days=7)
    assert review_start(MONDAY, exam) == exam


def test_topics_fill_the_study_days_in_order_and_leave_the_review_stretch():
    topics = [TopicLoad("heart failure", 600), TopicLoad("arrhythmias", 300), TopicLoad("vasculitis", 300)]
    exam = MONDAY + timedelta(days=28)  # 4 weeks; review is the last 7 days

    schedule = lay_out(topics, first_day=MONDAY, window_start=MONDAY, exam_day=exam, weekly_hours=SIX_DAYS)

    assert schedule.review_starts_on == exam - timedelta(days=7)
    assert [slot.key for slot in schedule.slots] == ["heart failure", "arrhythmias", "vasculitis"]
    assert schedule.slots[0].starts_on == MONDAY
    assert schedule.slots[-1].due_on < schedule.review_starts_on
    assert not schedule.is_short
    assert [slot.minutes for slot in schedule.slots] == [600, 300, 300]


def test_a_short_window_still_schedules_every_topic_and_says_by_how_much():
    topics = [TopicLoad(n, 600) for n in range(10)]  # 100 hours
    exam = MONDAY + timedelta(days=14)  # 7 study days before review: 42 hours

    schedule = lay_out(topics, first_day=MONDAY, window_start=MONDAY, exam_day=exam, weekly_hours=SIX_DAYS)

    assert schedule.is_short
    assert schedule.minutes_needed == 6000
    assert schedule.minutes_available == 6 * 6 * 60
    assert len(schedule.slots) == 10
    assert all(slot.due_on < exam - timedelta(days=7) for slot in schedule.slots)


def test_it_refuses_a_window_with_no_study_day():
    sunday = date(2027, 1, 10)
    with pytest.raises(scheduling.NoStudyDays):
        lay_out(
            [TopicLoad("x", 60)],
            first_day=sunday,
            window_start=sunday,
            exam_day=sunday + timedelta(days=1),
            weekly_hours=SIX_DAYS,
        )


def test_topic_minutes_follow_yield():
    assert scheduling.topic_minutes(100, 2.0, 10.0) == 1200
    assert scheduling.topic_minutes(100, 0, 0) == 0


weekly_hours = st.lists(st.integers(min_value=0, max_value=16), min_size=7, max_size=7).filter(any)
loads = st.lists(st.integers(min_value=0, max_value=3000), min_size=0, max_size=60)


@settings(max_examples=200, deadline=None)
@given(
    hours=weekly_hours,
    minutes=loads,
    start_offset=st.integers(min_value=0, max_value=6),
    window=st.integers(min_value=8, max_value=400),
    late_start=st.integers(min_value=0, max_value=30),
)
def test_schedules_keep_their_promises(hours, minutes, start_offset, window, late_start):
    window_start = MONDAY + timedelta(days=start_offset)
    exam = window_start + timedelta(days=window)
    first_day = min(window_start + timedelta(days=late_start), exam - timedelta(days=1))
    if scheduling.study_minutes(first_day, exam, hours) == 0:
        return
    topics = [TopicLoad(index, m) for index, m in enumerate(minutes)]

    schedule = lay_out(topics, first_day=first_day, window_start=window_start, exam_day=exam, weekly_hours=hours)

    assert [slot.key for slot in schedule.slots] == list(range(len(topics)))
    for slot in schedule.slots:
        # every topic inside its window, on study days only
        assert first_day <= slot.starts_on <= slot.due_on < exam
        assert hours[slot.starts_on.weekday()] > 0
        assert hours[slot.due_on.weekday()] > 0
        assert slot.minutes <= minutes[slot.key]
    for day, booked in schedule.booked.items():
        # nothing on a rest day, no day over its hours
        assert 0 < booked <= hours[day.weekday()] * 60
    # yield order kept: later topics never start or end before earlier ones
    for earlier, later in zip(schedule.slots, schedule.slots[1:], strict=False):
        assert earlier.starts_on <= later.starts_on
        assert earlier.due_on <= later.due_on
    if not schedule.is_short:
        assert [slot.minutes for slot in schedule.slots] == minutes
