from datetime import date

from planner import charts
from planner.dashboard import streak

FIRST, LAST = date(2027, 1, 1), date(2027, 12, 31)


def coordinates(series):
    return [tuple(map(float, point.split(","))) for point in series.points.split()]


def test_a_burn_up_stays_inside_the_plot_and_runs_from_start_to_end():
    chart = charts.burn_up(
        [(FIRST, 0), (date(2027, 6, 1), 50), (LAST, 100)], [(FIRST, 0), (date(2027, 3, 1), 20)], FIRST, LAST
    )

    planned = coordinates(chart.series[0])
    assert planned[0] == (chart.left, chart.bottom)  # 0% on the start day
    assert planned[-1] == (chart.right, chart.top)  # 100% on the last exam
    for x, y in planned + coordinates(chart.series[1]):
        assert chart.left <= x <= chart.right
        assert chart.top <= y <= chart.bottom
    assert "Done so far: 20%" in chart.description


def test_a_single_score_is_drawn_against_the_passing_and_target_lines_without_a_forecast():
    chart = charts.readiness_scores(
        [(date(2027, 3, 1), 210)], [], date(2027, 6, 1), passing=218, target=245, step_name="Step 2 CK"
    )

    assert [rule.label for rule in chart.rules] == ["Passing 218", "Your target 245"]
    passing, target = chart.rules
    assert target.y < passing.y  # higher scores are drawn higher up
    (dot,) = chart.series[0].dots
    assert passing.y < dot[1] <= chart.bottom  # 210 sits below the passing line
    assert [series.name for series in chart.series] == ["Practice scores"]
    assert chart.bands == []
    assert chart.title == "Step 2 CK: practice scores"
    assert chart.description == (
        "Step 2 CK: 1 practice score, the latest 210 on 1 Mar 2027, below the passing score of 218. "
        "Too few for a forecast to the exam on 1 Jun 2027 yet. Your target is 245."
    )
    assert chart.table.headers == ("Date", "Practice score")
    assert chart.table.rows == [("1 Mar 2027", "210")]


def month_labels(chart):
    return [tick.label for tick in chart.x_ticks]


def burn_up_over(first, last, middle=None):
    planned = [(first, 0)] + ([(middle, 50)] if middle else []) + [(last, 100)]
    return charts.burn_up(planned, [(first, 0)], first, last)


def test_a_span_of_a_few_weeks_in_one_month_names_the_month_once_with_its_year():
    assert month_labels(burn_up_over(date(2027, 1, 4), date(2027, 1, 25))) == ["January 2027"]
    # A month that starts the span is named once too, at the left edge.
    chart = burn_up_over(date(2027, 2, 1), date(2027, 2, 20))
    assert [(tick.label, tick.position) for tick in chart.x_ticks] == [("February 2027", chart.left)]


def test_a_span_across_the_end_of_a_month_names_each_month_once_the_new_one_where_it_starts():
    chart = burn_up_over(date(2027, 1, 20), date(2027, 2, 10), middle=date(2027, 2, 1))

    assert month_labels(chart) == ["January 2027", "February 2027"]
    february_1st = coordinates(chart.series[0])[1][0]
    assert [tick.position for tick in chart.x_ticks] == [chart.left, february_1st]
    # Across a new year, each label says which year.
    assert month_labels(burn_up_over(date(2026, 12, 10), date(2027, 1, 20))) == ["December 2026", "January 2027"]


def test_the_readiness_charts_name_each_month_once():
    band = [(date(2027, 1, 4), 200, 210, 220), (date(2027, 1, 29), 205, 215, 225)]
    scores = charts.readiness_scores(
        [(date(2027, 1, 4), 205), (date(2027, 1, 11), 210)],
        band,
        date(2027, 1, 29),
        passing=218,
        target=None,
        step_name="Step 2 CK",
    )
    probability = charts.pass_probability(
        [(date(2027, 1, 4), 70, 60), (date(2027, 1, 11), 72, 61)],
        date(2027, 2, 12),
        slope_per_week=2,
        projected=82,
        projected_percent=66,
        step_name="Step 1",
    )

    # A week's margin before the first exam starts the span in December, too close to January to name it.
    assert month_labels(scores) == ["January 2027"]
    assert month_labels(probability) == ["January 2027", "February 2027"]


def test_a_long_span_names_fewer_months_each_once_in_order():
    year = burn_up_over(date(2027, 1, 4), date(2028, 1, 4))
    assert month_labels(year) == ["January 2027", "April 2027", "July 2027", "October 2027"]
    positions = [tick.position for tick in year.x_ticks]
    assert positions == sorted(positions)
    assert all(year.left <= x <= year.right for x in positions)
    # Rows stored before dates were bounded may sit in year 1: a few labels, not one per month.
    ancient = burn_up_over(date(1, 1, 1), date(2027, 1, 4))
    labels = month_labels(ancient)
    assert 2 <= len(labels) <= 5
    assert labels[0] == "January 0001"
    assert len(set(labels)) == len(labels)


def test_the_streak_counts_back_from_today_or_from_yesterday():
    days = {date(2027, 1, 10), date(2027, 1, 11), date(2027, 1, 12), date(2027, 1, 8)}

    assert streak(days, today=date(2027, 1, 12)) == 3
    assert streak(days, today=date(2027, 1, 13)) == 3  # nothing logged yet today
    assert streak(days, today=date(2027, 1, 14)) == 0
