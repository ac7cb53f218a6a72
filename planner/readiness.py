"""Readiness for an exam, forecast from practice exams: plain functions over plain values.

Scored Steps (Step 2 CK, Step 3) get a predicted exam-day score with a band. Step 1, pass/fail since
2022-01-26, gets the trend of the pass probability the NBME self-assessments report.
"""

import math
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import NormalDist

MODEL_NAME = "NBME self-assessment projection (PMC8368818)"
MODEL_SOURCE_URL = "https://pmc.ncbi.nlm.nih.gov/articles/PMC8368818"
# predicted = SCORE_CEILING − (SCORE_CEILING − practice score) × DAILY_GAP_KEPT ** days until the exam.
# The paper fitted this to Step 1 self-assessments at one school (2016, validated on 2017) while
# Step 1 was scored; using it for Step 2 CK and Step 3 is our extrapolation, not the paper's finding.
SCORE_CEILING = 292
DAILY_GAP_KEPT = 0.987527
# The error of one exam's prediction. The paper reports its SD as 10.2 (2016); the 2017 validation's
# mean absolute error of 7.7 gives 7.7 × √(π/2) ≈ 9.65 if errors are normal, and its 72% and 97% of
# scores within 1 and 2 SD of 10.2 (68% and 95% for a normal) agree. We take the published, wider
# 10.2, since we apply the model to other Steps. The paper found no effect of how far out a practice
# exam was taken, so the SD does not grow with the days to the exam.
SINGLE_EXAM_SD = 10.2
# The paper gives one exam's error only. We take half of its variance to be the form's own noise,
# which averages out over several forms, and half to be shared (exam-day performance, the model's
# own error), which does not: the band narrows with every exam but never below 1/√2 of one exam's.
FORM_SHARE_OF_VARIANCE = 0.5
# Every exam projects with the paper's average rate of improvement, which a person's own pace may not
# match; a recent exam needs less of that extrapolation, so it counts more: a weight that halves
# every 14 days of age at the forecast date. The band still counts every exam (the paper saw no
# accuracy lost with distance), so adding any exam always narrows it.
RECENCY_HALF_LIFE_DAYS = 14
# An 80% band: about 1 real score in 10 falls below it and 1 in 10 above.
BAND_Z = NormalDist().inv_cdf(0.9)
EXAMS_FOR_A_FORECAST = 2
# A chart's band has a point a week, three years of them at most: over a longer span (a result stored in
# year 1 before dates were bounded), the points spread out rather than run to the hundred thousand.
MAX_BAND_POINTS = 160

# Step 1 thresholds on the projected pass probability: a judgment call, not a published rule. At 85%
# the NBME's own estimate still leaves about a 1-in-7 chance of failing, the most risk we call on
# course; under 60% the odds are poor enough to suggest a later date.
ON_COURSE_PASS_PROBABILITY = 85
BELOW_PASS_PROBABILITY = 60

STEP1_REPORTS = ("percent_and_pass_probability", "percent_correct")
ON_COURSE, CLOSE, BELOW, NOT_ENOUGH_DATA = "on_course", "close", "below", "not_enough_data"


@dataclass(frozen=True)
class PracticeResult:
    taken_on: date
    score: int | None
    percent_correct: int | None
    pass_probability: int | None
    reports: str  # "three_digit", "percent_and_pass_probability" or "percent_correct"


@dataclass(frozen=True)
class ScoreForecast:
    predicted: float
    low: float
    high: float
    exams_used: int
    model_name: str
    model_source_url: str
    sd: float


@dataclass(frozen=True)
class NotEnoughData:
    needed: int  # practice exams needed in all
    sentence: str


@dataclass(frozen=True)
class TrendPoint:
    taken_on: date
    pass_probability: int | None
    percent_correct: int | None


@dataclass(frozen=True)
class PassTrend:
    points: list[TrendPoint]
    slope_per_week: float | None  # pass probability, in points a week; None with fewer than two dates
    latest_probability: int
    projected_probability_on_exam_day: float
    latest_percent: int | None
    percent_slope_per_week: float | None
    projected_percent_on_exam_day: float | None = None


@dataclass(frozen=True)
class Verdict:
    kind: str
    sentence: str
    chance_of_target: int | None


def projected_score(score, days_to_exam):
    return SCORE_CEILING - (SCORE_CEILING - score) * DAILY_GAP_KEPT**days_to_exam


def combined_sd(exams):
    return SINGLE_EXAM_SD * math.sqrt((1 - FORM_SHARE_OF_VARIANCE) + FORM_SHARE_OF_VARIANCE / exams)


def _scored(results, exam_day):
    return [r for r in results if r.reports == "three_digit" and r.score is not None and r.taken_on <= exam_day]


def _combine(scored, on):
    ages = [(on - result.taken_on).days for result in scored]
    youngest = min(ages)
    # Measured from the youngest exam, so the weights of very old exams never underflow to zero.
    weights = [0.5 ** ((age - youngest) / RECENCY_HALF_LIFE_DAYS) for age in ages]
    projections = [projected_score(result.score, age) for result, age in zip(scored, ages, strict=True)]
    predicted = sum(w * p for w, p in zip(weights, projections, strict=True)) / sum(weights)
    sd = combined_sd(len(scored))
    return ScoreForecast(
        predicted=predicted,
        low=predicted - BAND_Z * sd,
        high=predicted + BAND_Z * sd,
        exams_used=len(scored),
        model_name=MODEL_NAME,
        model_source_url=MODEL_SOURCE_URL,
        sd=sd,
    )


def forecast_score(results, exam_day):
    """The predicted score on exam_day from the three-digit practice exams taken by then."""
    scored = _scored(results, exam_day)
    if len(scored) < EXAMS_FOR_A_FORECAST:
        have = len(scored) or "none"
        return NotEnoughData(
            needed=EXAMS_FOR_A_FORECAST,
            sentence=f"Record at least {EXAMS_FOR_A_FORECAST} practice exams for a forecast; you have {have}.",
        )
    return _combine(scored, exam_day)


def forecast_band_points(results, exam_day, every_days=7):
    """(day, low, predicted, high) weekly from the first practice exam to exam_day, for a chart.

    Each day's band is the forecast for that day from the exams taken by then, so the band narrows
    as exams come in and its last point is the exam-day forecast. Empty without enough exams.
    """
    scored = _scored(results, exam_day)
    if len(scored) < EXAMS_FOR_A_FORECAST:
        return []
    first = min(result.taken_on for result in scored)
    every_days = max(every_days, math.ceil((exam_day - first).days / MAX_BAND_POINTS))
    days = [first + timedelta(days=offset) for offset in range(0, (exam_day - first).days, every_days)]
    points = []
    for day in [*days, exam_day]:
        forecast = _combine([result for result in scored if result.taken_on <= day], day)
        points.append((day, forecast.low, forecast.predicted, forecast.high))
    return points


def _least_squares(points):
    """(slope per day, value of the line at x=0) through (day number, value) points; None when flat in time."""
    xs = [x for x, _ in points]
    if len(set(xs)) < 2:
        return None
    mean_x = sum(xs) / len(xs)
    mean_y = sum(y for _, y in points) / len(points)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / sum((x - mean_x) ** 2 for x in xs)
    return slope, mean_y - slope * mean_x


def pass_trend(results, exam_day):
    """Step 1: the trend of reported pass probabilities (and percent correct), projected to exam_day."""
    dated = sorted(
        (r for r in results if r.reports in STEP1_REPORTS and r.taken_on <= exam_day), key=lambda r: r.taken_on
    )
    points = [TrendPoint(r.taken_on, r.pass_probability, r.percent_correct) for r in dated]
    # Days are counted back from the exam, so the line's value at 0 is its projection for exam day.
    probabilities = [
        ((p.taken_on - exam_day).days, p.pass_probability) for p in points if p.pass_probability is not None
    ]
    percents = [((p.taken_on - exam_day).days, p.percent_correct) for p in points if p.percent_correct is not None]
    if not probabilities:
        return NotEnoughData(
            needed=1, sentence="Record a practice exam that reports a pass probability for a forecast; you have none."
        )
    probability_line = _least_squares(probabilities)
    percent_line = _least_squares(percents)
    latest_probability = probabilities[-1][1]
    projected = latest_probability if probability_line is None else probability_line[1]
    return PassTrend(
        points=points,
        slope_per_week=None if probability_line is None else probability_line[0] * 7,
        latest_probability=latest_probability,
        projected_probability_on_exam_day=min(99, max(1, projected)),
        latest_percent=percents[-1][1] if percents else None,
        percent_slope_per_week=None if percent_line is None else percent_line[0] * 7,
        projected_percent_on_exam_day=None if percent_line is None else min(100, max(0, percent_line[1])),
    )


def _whole(value):
    # Half up, not Python's round-half-to-even, so 238.5 shows as 239.
    return math.floor(value + 0.5)


def chance_of_reaching(forecast, target_score):
    """Percent chance of scoring at least target_score under the forecast's normal model."""
    chance = 100 * (1 - NormalDist(forecast.predicted, forecast.sd).cdf(target_score))
    # The normal model's far tails are not to be trusted: never claim certainty either way.
    return min(99, max(1, _whole(chance)))


def verdict(forecast_or_trend, passing_score=None, target_score=None):
    if isinstance(forecast_or_trend, NotEnoughData):
        return Verdict(NOT_ENOUGH_DATA, forecast_or_trend.sentence, None)
    if isinstance(forecast_or_trend, PassTrend):
        return _pass_verdict(forecast_or_trend)
    forecast = forecast_or_trend
    if passing_score is None:
        raise ValueError("A scored Step's verdict needs its passing score.")
    numbers = (
        f"predicted {_whole(forecast.predicted)} (band {_whole(forecast.low)}–{_whole(forecast.high)}); "
        f"passing is {passing_score}"
    )
    if forecast.low >= passing_score:
        kind, sentence = ON_COURSE, f"On course to pass: {numbers}."
    elif forecast.predicted < passing_score:
        kind, sentence = BELOW, f"Below passing: {numbers}; consider moving your exam date."
    else:
        kind, sentence = CLOSE, f"Close to the passing line: {numbers}."
    chance = None if target_score is None else chance_of_reaching(forecast, target_score)
    return Verdict(kind, sentence, chance)


def _pass_verdict(trend):
    projected = trend.projected_probability_on_exam_day
    numbers = f"projected pass probability {_whole(projected)}% on exam day (latest {trend.latest_probability}%)"
    if projected >= ON_COURSE_PASS_PROBABILITY:
        return Verdict(ON_COURSE, f"On course to pass: {numbers}.", None)
    if projected < BELOW_PASS_PROBABILITY:
        return Verdict(BELOW, f"Below passing: {numbers}; consider moving your exam date.", None)
    return Verdict(CLOSE, f"Close to the passing line: {numbers}.", None)


# From stored practice exams to a milestone's readiness: what the dashboard and the weekly summary show.

THREE_DIGIT, PASS_FAIL = "three_digit", "pass_fail"  # Step.scoring's values


@dataclass(frozen=True)
class Readiness:
    exam_day: date
    scored: bool  # a three-digit Step: a predicted score; otherwise (Step 1) the pass probability's trend
    passing_score: int | None
    target_score: int | None
    results: tuple[PracticeResult, ...]
    outlook: ScoreForecast | PassTrend | NotEnoughData
    verdict: Verdict

    @property
    def has_forecast(self):
        return not isinstance(self.outlook, NotEnoughData)

    @property
    def is_below(self):
        return self.verdict.kind == BELOW

    @property
    def predicted(self):
        return _whole(self.outlook.predicted)

    @property
    def low(self):
        return _whole(self.outlook.low)

    @property
    def high(self):
        return _whole(self.outlook.high)

    @property
    def projected_probability(self):
        return _whole(self.outlook.projected_probability_on_exam_day)

    @property
    def projected_percent(self):
        percent = self.outlook.projected_percent_on_exam_day
        return None if percent is None else _whole(percent)

    @property
    def probability_trend(self):
        return _trend_words(self.outlook.slope_per_week)

    @property
    def percent_trend(self):
        return _trend_words(self.outlook.percent_slope_per_week)

    def band_points(self):
        return forecast_band_points(self.results, self.exam_day) if self.scored and self.has_forecast else []

    def scores(self):
        """(date, three-digit score) of the practice exams the forecast uses, in the order given."""
        return [(r.taken_on, r.score) for r in _scored(self.results, self.exam_day)]


def _trend_words(slope_per_week):
    if slope_per_week is None:
        return ""
    points = round(abs(slope_per_week), 1)
    if points == 0:
        return "steady"
    return f"{'rising' if slope_per_week > 0 else 'falling'} {points:g} point{'s' if points != 1 else ''} a week"


def result_of(exam):
    """A stored practice exam (a PracticeExam with its form loaded) as the forecasts read it. How it
    reports comes from the catalog's form; for a form the catalog does not know, from what was recorded."""
    if exam.form_id is not None:
        reports = exam.form.reports
    elif exam.score is not None:
        reports = "three_digit"
    elif exam.pass_probability is not None:
        reports = "percent_and_pass_probability"
    else:
        reports = "percent_correct"
    return PracticeResult(exam.taken_on, exam.score, exam.percent_correct, exam.pass_probability, str(reports))


def _pass_trend_or_what_is_needed(results, exam_day):
    # A trend needs two points: one reported probability is NBME's estimate for that day, not a trend.
    reported = [r for r in results if r.reports in STEP1_REPORTS and r.pass_probability is not None]
    reported = [r for r in reported if r.taken_on <= exam_day]
    if len(reported) < EXAMS_FOR_A_FORECAST:
        return NotEnoughData(
            needed=EXAMS_FOR_A_FORECAST,
            sentence=(
                f"Record at least {EXAMS_FOR_A_FORECAST} practice exams that report a probability of passing "
                f"(NBME’s Step 1 self-assessments do) for a trend; you have {len(reported) or 'none'}."
            ),
        )
    return pass_trend(results, exam_day)


def milestone_readiness(milestone, exams):
    """The forecast and verdict for one milestone (its Step, target date and target score) from its
    PracticeExam rows, forms loaded; None where there is nothing to forecast: no exam date, or a Step
    scored neither way (Step 2 CS) or without a known passing score."""
    step, exam_day = milestone.step, milestone.target_date
    if exam_day is None:
        return None
    results = tuple(result_of(exam) for exam in exams)
    if step.scoring == THREE_DIGIT and step.passing_score:
        outlook = forecast_score(results, exam_day)
        found = verdict(outlook, step.passing_score, milestone.target_score)
        scored = True
    elif step.scoring == PASS_FAIL:
        outlook = _pass_trend_or_what_is_needed(results, exam_day)
        found, scored = verdict(outlook), False
    else:
        return None
    return Readiness(
        exam_day=exam_day,
        scored=scored,
        passing_score=step.passing_score if scored else None,
        target_score=milestone.target_score if scored else None,
        results=results,
        outlook=outlook,
        verdict=found,
    )
