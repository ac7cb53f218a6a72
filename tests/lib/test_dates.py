from datetime import date

from usmleprep.lib.dates import human, monday_of


def test_human_dates_read_day_month_year():
    assert human(date(2027, 3, 3)) == "3 Mar 2027"


def test_monday_of_any_day_is_the_monday_that_starts_its_week():
    assert monday_of(date(2027, 1, 4)) == date(2027, 1, 4)  # a Monday
    assert monday_of(date(2027, 1, 10)) == date(2027, 1, 4)  # the Sunday after
