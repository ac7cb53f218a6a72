from datetime import date

from usmleprep.lib.dates import human, monday_of


def test_human_dates_read_day_month_year():
    assert human(date(2027, 3, 3)) == "3 Mar 2027"


def test_monday_of_any_day_is_the_monday_that_starts_its_week():
    assert monday_of(date(2027, 1, 4)) == date(2027, 1, 4)  # a Monday
    assert monday_of(date(2027, 1, 10)) == date(2027, 1, 4)  # the Sunday after


def test_every_template_formats_dates_with_the_human_filter_without_loading_it():
    from django.template import engines

    page = engines["django"].from_string('{{ day|human }} · {{ day|human:"weekday" }} · {{ day|human:"long" }}')

    assert page.render({"day": date(2027, 3, 3)}) == "3 Mar 2027 · Wed 3 Mar 2027 · Wednesday 3 March 2027"
    assert page.render({"day": None}) == " ·  · "
