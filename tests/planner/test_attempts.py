from datetime import date

import pytest

from planner.attempts import add_months, earliest_next_attempt, refusal_for_attempt, refusal_for_next_attempt


def failed(step_code, *days):
    return [(step_code, day, False) for day in days]


FIRST, SECOND, THIRD = date(2027, 1, 14), date(2027, 4, 1), date(2027, 7, 1)


def test_a_first_attempt_is_allowed_on_any_day():
    assert refusal_for_attempt([], "step1", date(2027, 1, 14)) is None
    assert earliest_next_attempt([], "step1") is None


def test_a_retake_may_come_the_day_after_a_first_fail():
    history = failed("step1", FIRST)

    assert earliest_next_attempt(history, "step1") == date(2027, 1, 15)
    assert refusal_for_attempt(history, "step1", date(2027, 1, 15)) is None


@pytest.mark.parametrize("day", [date(2027, 1, 14), date(2027, 1, 1)], ids=["same day", "earlier"])
def test_an_attempt_on_or_before_the_previous_one_is_refused(day):
    assert refusal_for_attempt(failed("step1", FIRST), "step1", day) == (
        "Attempts come in date order: this one must come after your previous Step 1 attempt on 14 Jan 2027."
    )


def test_attempts_at_another_step_do_not_order_this_one():
    assert refusal_for_attempt(failed("step2ck", FIRST), "step1", date(2026, 6, 1)) is None


def test_a_passed_step_is_not_retaken():
    history = [("step1", date(2027, 3, 3), True)]

    message = "You passed Step 1 on 3 Mar 2027; a passed Step is not retaken."
    assert refusal_for_next_attempt(history, "step1") == message
    assert refusal_for_attempt(history, "step1", date(2028, 1, 1)) == message
    assert refusal_for_attempt(history, "step2ck", date(2028, 1, 1)) is None


def test_a_fourth_attempt_waits_12_months_after_the_first_and_6_after_the_latest():
    history = failed("step1", FIRST, SECOND, THIRD)

    # 12 months after the first is 14 Jan 2028; 6 months after the latest is 1 Jan 2028.
    assert earliest_next_attempt(history, "step1") == date(2028, 1, 14)
    assert refusal_for_attempt(history, "step1", date(2028, 1, 13)) == (
        "A fourth attempt at Step 1 must be at least 12 months after your first (14 Jan 2027) and at least "
        "6 months after your most recent (1 Jul 2027): 14 Jan 2028 at the earliest."
    )
    assert refusal_for_attempt(history, "step1", date(2028, 1, 14)) is None


def test_six_months_after_the_latest_can_be_the_later_bound():
    history = failed("step1", date(2027, 1, 14), date(2027, 2, 14), date(2027, 11, 30))

    assert earliest_next_attempt(history, "step1") == date(2028, 5, 30)


def test_the_three_in_12_months_rule_holds_for_any_window():
    # A fourth attempt 12 months after the first is also 12 months after the third-last: the same bound.
    history = failed("step1", date(2026, 1, 10), date(2026, 2, 10), date(2026, 3, 10))

    assert earliest_next_attempt(history, "step1") == date(2027, 1, 10)


def test_four_failed_attempts_at_any_step_make_a_person_ineligible_for_every_step():
    history = failed("step1", FIRST, SECOND, THIRD, date(2028, 2, 1))
    message = (
        "Four failed attempts at any Step make a person ineligible for every Step, and you have failed Step 1 "
        "4 times. A further attempt cannot be recorded."
    )

    assert refusal_for_next_attempt(history, "step1") == message
    assert refusal_for_attempt(history, "step2ck", date(2029, 1, 1)) == message
    assert refusal_for_attempt(history, "step3", date(2029, 1, 1)) == message


def test_four_attempts_ending_in_a_pass_leave_the_other_steps_open():
    history = [*failed("step1", FIRST, SECOND, THIRD), ("step1", date(2028, 2, 1), True)]

    assert refusal_for_attempt(history, "step2ck", date(2029, 1, 1)) is None
    assert "a passed Step is not retaken" in refusal_for_next_attempt(history, "step1")


def test_failures_spread_over_steps_do_not_make_a_person_ineligible():
    history = failed("step1", FIRST, SECOND) + failed("step2ck", FIRST, THIRD)

    assert refusal_for_attempt(history, "step3", date(2028, 1, 1)) is None


def test_step2cs_attempts_count_too():
    history = failed("step2cs", date(2019, 1, 1), date(2019, 3, 1), date(2019, 6, 1), date(2020, 1, 2))

    assert "you have failed Step 2 CS 4 times" in refusal_for_attempt(history, "step1", date(2027, 1, 1))


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2027, 1, 14), 12, date(2028, 1, 14)),
        (date(2027, 8, 31), 6, date(2028, 2, 29)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2027, 12, 1), 1, date(2028, 1, 1)),
    ],
)
def test_months_are_added_by_the_calendar(day, months, expected):
    assert add_months(day, months) == expected
