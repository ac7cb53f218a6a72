"""USMLE's attempt rules: plain functions over a person's exam history.

history is every attempt the person recorded, in any of their plans, as (step_code, sat_on, passed).

The rules, from usmle.org ("Attempt limit") and the ECFMG 2024 Information Booklet ("Re-examination"),
checked on 2026-11-23:
- at most four attempts at a Step, every attempt counted;
- four or more attempts at any Step without passing it make a person ineligible for every Step;
- at most three attempts at the same Step within 12 months, and a fourth at least 12 months after
  the first and at least 6 months after the most recent;
- a passed Step is not retaken (the exception, a licensing authority's time limit, is not planned here).
"""

import calendar
from datetime import date, timedelta

from planner.models import Step
from usmleprep.lib.dates import human

ATTEMPT_LIMIT = 4
MAX_ATTEMPTS_IN_WINDOW = 3
WINDOW_MONTHS = 12
# The attempt that reaches the limit waits this long after the first and after the most recent.
LAST_ATTEMPT_AFTER_FIRST_MONTHS = 12
LAST_ATTEMPT_AFTER_LATEST_MONTHS = 6

RULES = (
    f"USMLE allows {ATTEMPT_LIMIT} attempts at a Step, at most {MAX_ATTEMPTS_IN_WINDOW} within "
    f"{WINDOW_MONTHS} months; a fourth must be at least {LAST_ATTEMPT_AFTER_FIRST_MONTHS} months after the "
    f"first and at least {LAST_ATTEMPT_AFTER_LATEST_MONTHS} months after the most recent."
)


def add_months(day, months):
    """The same day of the month, months later; the month's last day when it is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def step_name(step_code):
    return Step.Code(step_code).label if step_code in Step.Code.values else step_code


def dates_sat(history, step_code):
    return sorted(sat_on for code, sat_on, _ in history if code == step_code)


def refusal_for_next_attempt(history, step_code):
    """Why no further attempt at step_code can be recorded, whatever its date; None when one can."""
    passes = [sat_on for code, sat_on, passed in history if code == step_code and passed]
    if passes:
        return f"You passed {step_name(step_code)} on {human(min(passes))}; a passed Step is not retaken."
    passed_codes = {code for code, _, passed in history if passed}
    for code in sorted({code for code, _, _ in history} - passed_codes):
        failures = len(dates_sat(history, code))
        if failures >= ATTEMPT_LIMIT:
            return (
                f"Four failed attempts at any Step make a person ineligible for every Step, and you have failed "
                f"{step_name(code)} {failures} times. A further attempt cannot be recorded."
            )
    attempts = len(dates_sat(history, step_code))
    if attempts >= ATTEMPT_LIMIT:
        return (
            f"USMLE allows at most {ATTEMPT_LIMIT} attempts at {step_name(step_code)}, counting every attempt, "
            f"and you have recorded {attempts}. A further attempt cannot be recorded."
        )
    return None


def earliest_next_attempt(history, step_code):
    """The first day the next attempt at step_code may be sat, or None when no earlier attempt limits it.

    Says nothing about whether a next attempt is allowed at all: ask refusal_for_next_attempt."""
    dates = dates_sat(history, step_code)
    if not dates:
        return None
    earliest = dates[-1] + timedelta(days=1)
    if len(dates) >= MAX_ATTEMPTS_IN_WINDOW:
        # The new attempt and the three before it must not all fall within 12 months.
        earliest = max(earliest, add_months(dates[-MAX_ATTEMPTS_IN_WINDOW], WINDOW_MONTHS))
    if len(dates) == ATTEMPT_LIMIT - 1:
        earliest = max(
            earliest,
            add_months(dates[0], LAST_ATTEMPT_AFTER_FIRST_MONTHS),
            add_months(dates[-1], LAST_ATTEMPT_AFTER_LATEST_MONTHS),
        )
    return earliest


def refusal_for_attempt(history, step_code, sat_on):
    """Why an attempt at step_code on sat_on cannot be recorded after history; None when it can."""
    refusal = refusal_for_next_attempt(history, step_code)
    if refusal:
        return refusal
    dates = dates_sat(history, step_code)
    name = step_name(step_code)
    if dates and sat_on <= dates[-1]:
        return (
            f"Attempts come in date order: this one must come after your previous {name} attempt on {human(dates[-1])}."
        )
    earliest = earliest_next_attempt(history, step_code)
    if earliest is None or sat_on >= earliest:
        return None
    if len(dates) == ATTEMPT_LIMIT - 1:
        return (
            f"A fourth attempt at {name} must be at least {LAST_ATTEMPT_AFTER_FIRST_MONTHS} months after your first "
            f"({human(dates[0])}) and at least {LAST_ATTEMPT_AFTER_LATEST_MONTHS} months after your most recent "
            f"({human(dates[-1])}): {human(earliest)} at the earliest."
        )
    return (
        f"USMLE allows at most {MAX_ATTEMPTS_IN_WINDOW} attempts at {name} within {WINDOW_MONTHS} months: "
        f"{human(earliest)} at the earliest."
    )
