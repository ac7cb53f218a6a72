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


def test_a_score_chart_draws_the_passing_and_target_lines_and_says_where_the_latest_score_is():
    chart = charts.scores(
        [(date(2027, 3, 1), 210), (date(2027, 4, 1), 226)], FIRST, LAST, passing=218, target=245, step_name="Step 2 CK"
    )

    assert [rule.label for rule in chart.rules] == ["Passing 218", "Your target 245"]
    passing, target = chart.rules
    assert target.y < passing.y  # higher scores are drawn higher up
    assert chart.description == "2 practice scores for Step 2 CK; latest 226, above the passing score of 218."


def test_the_streak_counts_back_from_today_or_from_yesterday():
    days = {date(2027, 1, 10), date(2027, 1, 11), date(2027, 1, 12), date(2027, 1, 8)}

    assert streak(days, today=date(2027, 1, 12)) == 3
    assert streak(days, today=date(2027, 1, 13)) == 3  # nothing logged yet today
    assert streak(days, today=date(2027, 1, 14)) == 0
