from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner import readiness
from planner.readiness import (
    NotEnoughData,
    PassTrend,
    PracticeResult,
    ScoreForecast,
    forecast_band_points,
    forecast_score,
    pass_trend,
    verdict,
)

EXAM = date(2027, 6, 1)


def nbme(score, days_before):
    return PracticeResult(EXAM - timedelta(days=days_before), score, None, None, "three_digit")


def cbssa(pass_probability, percent, days_before):
    return PracticeResult(
        EXAM - timedelta(days=days_before), None, percent, pass_probability, "percent_and_pass_probability"
    )


def forecast_at(predicted, sd=8.0):
    spread = readiness.BAND_Z * sd
    return ScoreForecast(predicted, predicted - spread, predicted + spread, 3, "m", "u", sd)


def test_one_score_projects_by_the_published_formula():
    # 292 − (292 − 230) × 0.987527^28 = 292 − 62 × 0.70369 = 248.37
    assert readiness.projected_score(230, 28) == pytest.approx(248.37, abs=0.01)
    assert readiness.projected_score(230, 0) == 230


def test_two_scores_on_the_same_day_forecast_their_projection():
    forecast = forecast_score([nbme(230, 28), nbme(230, 28)], EXAM)

    assert forecast.predicted == pytest.approx(248.37, abs=0.01)
    assert forecast.exams_used == 2
    assert forecast.low < forecast.predicted < forecast.high
    assert forecast.model_source_url == "https://pmc.ncbi.nlm.nih.gov/articles/PMC8368818"


def test_the_band_of_one_exam_is_the_published_error_and_narrows_toward_its_floor():
    assert readiness.combined_sd(1) == pytest.approx(10.2)
    # shared half of the variance stays: 10.2 × √(1/2 + 1/4) = 8.83
    assert readiness.combined_sd(2) == pytest.approx(8.83, abs=0.01)
    assert readiness.combined_sd(1000) > 10.2 / 2**0.5


@pytest.mark.parametrize(("results", "have"), [([], "none"), ([nbme(230, 10)], "1")])
def test_it_will_not_guess_from_fewer_than_two_exams(results, have):
    result = forecast_score(results, EXAM)

    assert result == NotEnoughData(2, f"Record at least 2 practice exams for a forecast; you have {have}.")
    assert forecast_band_points(results, EXAM) == []
    assert verdict(result, 218).kind == "not_enough_data"


def test_it_ignores_exams_after_the_exam_day_and_percent_only_exams():
    late = PracticeResult(EXAM + timedelta(days=1), 260, None, None, "three_digit")
    percent_only = PracticeResult(EXAM, None, 70, None, "percent_correct")

    assert isinstance(forecast_score([nbme(230, 10), late, percent_only], EXAM), NotEnoughData)


def test_a_recent_exam_moves_the_prediction_more_than_an_old_one():
    base = [nbme(230, 40), nbme(230, 40)]
    before = forecast_score(base, EXAM).predicted

    def pull(extra):
        # how far the prediction moves toward the added exam's own projection, as a share of the gap
        after = forecast_score([*base, extra], EXAM).predicted
        return (after - before) / (readiness.projected_score(extra.score, (EXAM - extra.taken_on).days) - before)

    # two weeks newer than the others: twice their weight, so it takes 2/4 of the gap; as old: 1/3
    assert pull(nbme(250, 26)) == pytest.approx(1 / 2)
    assert pull(nbme(250, 40)) == pytest.approx(1 / 3)
    assert pull(nbme(250, 54)) == pytest.approx(1 / 5)


exams = st.lists(
    st.tuples(st.integers(min_value=150, max_value=280), st.integers(min_value=0, max_value=200)),
    min_size=2,
    max_size=8,
)


@settings(max_examples=100, deadline=None)
@given(base=exams, extra=st.tuples(st.integers(min_value=150, max_value=280), st.integers(min_value=0, max_value=200)))
def test_every_exam_added_narrows_the_band(base, extra):
    results = [nbme(score, days) for score, days in base]
    before = forecast_score(results, EXAM)
    after = forecast_score([*results, nbme(*extra)], EXAM)

    assert after.high - after.low < before.high - before.low
    # the prediction is a weighted mean of the exams' projections
    projections = [readiness.projected_score(score, days) for score, days in base]
    assert min(projections) - 1e-9 <= before.predicted <= max(projections) + 1e-9


def test_band_points_run_weekly_to_the_exam_day_forecast():
    results = [nbme(220, 40), nbme(232, 20)]

    points = forecast_band_points(results, EXAM)

    assert [day for day, *_ in points] == [EXAM - timedelta(days=d) for d in (40, 33, 26, 19, 12, 5, 0)]
    assert all(low < predicted < high for _, low, predicted, high in points)
    final = forecast_score(results, EXAM)
    assert points[-1][1:] == (final.low, final.predicted, final.high)
    # one exam before the second arrives, two after: the band narrows
    assert points[0][3] - points[0][1] > points[-1][3] - points[-1][1]


def test_band_points_over_centuries_stay_a_chart_of_points():
    # A result stored in year 1, before dates were bounded, and one a week ago.
    results = [PracticeResult(date(1, 1, 1), 200, None, None, "three_digit"), nbme(232, 7)]

    points = forecast_band_points(results, EXAM)

    assert len(points) <= readiness.MAX_BAND_POINTS + 1
    assert (points[0][0], points[-1][0]) == (date(1, 1, 1), EXAM)


@pytest.mark.parametrize(
    ("low_minus_passing", "predicted_minus_passing", "kind"),
    [(0, 10, "on_course"), (-0.01, 10, "close"), (-10, 0, "close"), (-10, -0.01, "below")],
)
def test_verdict_thresholds_at_their_edges(low_minus_passing, predicted_minus_passing, kind):
    passing = 218
    predicted = passing + predicted_minus_passing
    low = passing + low_minus_passing
    forecast = ScoreForecast(predicted, low, predicted + (predicted - low), 3, "m", "u", 8.0)

    assert verdict(forecast, passing).kind == kind


def test_verdict_sentences_say_the_numbers():
    assert verdict(forecast_at(238.4, sd=12 / readiness.BAND_Z), 218).sentence == (
        "On course to pass: predicted 238 (band 226–250); passing is 218."
    )
    assert verdict(forecast_at(210), 218).sentence.endswith("passing is 218; consider moving your exam date.")
    assert verdict(forecast_at(222), 218).sentence.startswith("Close to the passing line: predicted 222")


def test_chance_of_target_is_even_at_the_prediction_and_absent_without_a_target():
    assert verdict(forecast_at(240), 218, target_score=240).chance_of_target == 50
    assert verdict(forecast_at(240), 218).chance_of_target is None
    # one SD above the prediction: 1 − Φ(1) = 15.9%
    assert verdict(forecast_at(240, sd=8), 218, target_score=248).chance_of_target == 16


def test_rising_pass_probabilities_project_higher_than_the_latest():
    trend = pass_trend([cbssa(50, 62, 42), cbssa(60, 65, 28), cbssa(70, 68, 14)], EXAM)

    assert trend.slope_per_week == pytest.approx(5)
    assert trend.latest_probability == 70
    # 10 points a fortnight, two weeks on from the last exam
    assert trend.projected_probability_on_exam_day == pytest.approx(80)
    assert trend.latest_percent == 68
    assert trend.percent_slope_per_week == pytest.approx(1.5)


def test_one_pass_probability_is_its_own_projection_and_none_is_not_enough():
    trend = pass_trend([cbssa(77, 66, 5)], EXAM)

    assert trend.slope_per_week is None
    assert trend.projected_probability_on_exam_day == 77
    assert isinstance(pass_trend([PracticeResult(EXAM, None, 70, None, "percent_correct")], EXAM), NotEnoughData)


def test_projected_probability_stays_between_1_and_99():
    assert pass_trend([cbssa(80, 70, 30), cbssa(98, 75, 23)], EXAM).projected_probability_on_exam_day == 99
    assert pass_trend([cbssa(20, 50, 30), cbssa(3, 45, 23)], EXAM).projected_probability_on_exam_day == 1


def trend_projecting(probability):
    return PassTrend([], None, 70, probability, None, None)


@pytest.mark.parametrize(("projected", "kind"), [(85, "on_course"), (84.99, "close"), (60, "close"), (59.99, "below")])
def test_step1_verdict_thresholds_at_their_edges(projected, kind):
    result = verdict(trend_projecting(projected))

    assert result.kind == kind
    assert result.chance_of_target is None


def test_step1_verdict_sentence():
    assert verdict(trend_projecting(91)).sentence == (
        "On course to pass: projected pass probability 91% on exam day (latest 70%)."
    )
