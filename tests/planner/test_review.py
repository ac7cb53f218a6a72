import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner import review
from planner.review import new_card, plan_reviews, retrievability

TODAY = date(2027, 3, 1)
NOON = datetime(2027, 3, 1, 12, tzinfo=UTC)


def test_good_pushes_the_next_review_later_than_again():
    card = new_card(NOON - timedelta(days=3))

    _, due_after_good = review.review(card, "good", NOON)
    _, due_after_again = review.review(card, "Again", NOON)

    assert due_after_good > due_after_again > NOON


def test_recall_is_near_certain_right_after_a_good_review_and_fades():
    card, _ = review.review(new_card(NOON - timedelta(days=3)), "good", NOON)

    recalls = [retrievability(card, NOON + timedelta(days=days)) for days in (0, 1, 7, 30, 90)]

    assert recalls[0] == pytest.approx(1)
    assert recalls == sorted(recalls, reverse=True)
    assert len(set(recalls)) == len(recalls)


def test_card_state_survives_json_and_any_time_zone():
    completed = datetime(2027, 3, 1, 8, tzinfo=ZoneInfo("America/Chicago"))
    card = json.loads(json.dumps(new_card(completed)))

    assert retrievability(card, completed) == pytest.approx(1)
    with pytest.raises(ValueError, match="timezone-aware"):
        new_card(datetime(2027, 3, 1, 8))
    with pytest.raises(ValueError, match="Unknown rating"):
        review.review(card, "perfect", NOON)


def test_an_overdue_review_is_planned_from_today():
    card = new_card(NOON - timedelta(days=30))
    overdue = datetime(2027, 2, 3, 12, tzinfo=UTC)
    exam = TODAY + timedelta(days=60)

    plan = plan_reviews([("renal", card, overdue)], exam, TODAY, every_day(TODAY, exam, 60), 10)

    assert plan.by_day[TODAY] == ["renal"]
    assert plan.shortfall == []
    assert plan.exam_day_recall["renal"] >= 0.9


def test_a_full_day_sends_the_review_to_the_nearest_earlier_day_with_room():
    exam = TODAY + timedelta(days=10)
    capacity = every_day(TODAY, exam, 10)
    capacity[exam - timedelta(days=1)] = 0
    card = new_card(NOON - timedelta(days=1))

    plan = plan_reviews([("renal", card, NOON + timedelta(days=30))], exam, TODAY, capacity, 10)

    assert plan.by_day == {exam - timedelta(days=2): ["renal"]}


def every_day(first, end, minutes):
    return {first + timedelta(days=offset): minutes for offset in range((end - first).days + 7)}


ratings = st.sampled_from(["again", "hard", "good", "easy"])
histories = st.lists(st.tuples(st.integers(min_value=1, max_value=40), ratings), max_size=5)


def card_from(history, days_ago):
    """A card completed days_ago and reviewed after each gap with each rating, no later than today."""
    moment = NOON - timedelta(days=days_ago)
    card = new_card(moment)
    due = datetime.fromisoformat(card["due"])
    for gap, rating in history:
        moment += timedelta(days=gap)
        if moment > NOON:
            break
        card, due = review.review(card, rating, moment)
    return card, due


items = st.lists(st.tuples(histories, st.integers(min_value=0, max_value=120)), min_size=1, max_size=12)


def make_items(drawn):
    return [(index, *card_from(history, days_ago)) for index, (history, days_ago) in enumerate(drawn)]


@settings(max_examples=60, deadline=None)
@given(
    drawn=items,
    days_to_exam=st.integers(min_value=1, max_value=90),
    capacity=st.lists(st.integers(min_value=0, max_value=90), min_size=1, max_size=100),
    minutes_per_review=st.integers(min_value=5, max_value=30),
    stretch=st.integers(min_value=1, max_value=21),
)
def test_plans_keep_their_promises(drawn, days_to_exam, capacity, minutes_per_review, stretch):
    exam = TODAY + timedelta(days=days_to_exam)
    day_capacity = {TODAY + timedelta(days=offset): minutes for offset, minutes in enumerate(capacity)}
    planned_items = make_items(drawn)

    plan = plan_reviews(planned_items, exam, TODAY, day_capacity, minutes_per_review, final_stretch_days=stretch)

    short = {key for key, _ in plan.shortfall}
    for day, keys in plan.by_day.items():
        # nothing before today or on and after the exam; no day over its minutes; a topic once a day
        assert TODAY <= day < exam
        assert len(keys) * minutes_per_review <= day_capacity.get(day, 0)
        assert len(keys) == len(set(keys))
    stretch_start = max(TODAY, exam - timedelta(days=stretch))
    for key, _, _ in planned_items:
        reviewed_in_stretch = any(key in plan.by_day.get(stretch_start + timedelta(days=d), []) for d in range(stretch))
        assert reviewed_in_stretch or key in short
        # recall on exam day reaches the aim, or the plan says it does not
        assert plan.exam_day_recall[key] >= 0.9 or key in short


@settings(max_examples=40, deadline=None)
@given(drawn=items, days_to_exam=st.integers(min_value=1, max_value=90))
def test_with_room_to_spare_every_topic_is_reviewed_in_the_final_stretch(drawn, days_to_exam):
    exam = TODAY + timedelta(days=days_to_exam)
    planned_items = make_items(drawn)
    last_day = exam - timedelta(days=1)

    plan = plan_reviews(planned_items, exam, TODAY, every_day(TODAY, exam, 24 * 60), 10)

    stretch_start = max(TODAY, exam - timedelta(days=14))
    for key, _, _ in planned_items:
        assert any(key in keys for day, keys in plan.by_day.items() if day >= stretch_start)
        if plan.exam_day_recall[key] < 0.9:
            # infeasible, not for want of room: even a review the day before leaves a hard topic under the aim
            assert key in plan.by_day[last_day]
            assert {reason for k, reason in plan.shortfall if k == key} == {
                f"predicted recall on exam day is {plan.exam_day_recall[key]:.0%}, under the 90% aim"
            }
        else:
            assert key not in {k for k, _ in plan.shortfall}


@settings(max_examples=30, deadline=None)
@given(drawn=items, days_to_exam=st.integers(min_value=15, max_value=90))
def test_with_no_room_in_the_final_stretch_every_topic_is_reported(drawn, days_to_exam):
    exam = TODAY + timedelta(days=days_to_exam)
    capacity = {day: minutes for day, minutes in every_day(TODAY, exam, 60).items() if day < exam - timedelta(days=14)}
    planned_items = make_items(drawn)

    plan = plan_reviews(planned_items, exam, TODAY, capacity, 10)

    assert {key for key, _ in plan.shortfall} == {key for key, _, _ in planned_items}
    assert all(day < exam - timedelta(days=14) for day in plan.by_day)


def test_nothing_is_planned_once_the_exam_day_has_come():
    card = new_card(NOON - timedelta(days=5))

    plan = plan_reviews([("renal", card, NOON)], TODAY, TODAY, every_day(TODAY, TODAY, 60), 10)

    assert plan.by_day == {}
    assert [key for key, _ in plan.shortfall] == ["renal"]
