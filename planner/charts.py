"""Line charts drawn on the server as SVG: plain functions from numbers to coordinates.

The template `planner/_line_chart.html` draws what these return; the page prints the same numbers.
"""

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

from usmleprep.lib.dates import human

WIDTH, HEIGHT = 600, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 12, 28
# An x-axis label names a month with its year ("September 2027"); at 11px a character averages under 7 units.
LABEL_CHAR_WIDTH = 7
LABEL_GAP = 12
MONTH_STEPS = (1, 2, 3, 6, 12)


@dataclass(frozen=True)
class Series:
    name: str
    css_class: str
    points: str  # "x,y x,y …" for <polyline>
    dots: list = field(default_factory=list)  # [(x, y)] for <circle>


@dataclass(frozen=True)
class Rule:
    label: str
    css_class: str
    y: float


@dataclass(frozen=True)
class Tick:
    label: str
    position: float
    anchor: str = "middle"


@dataclass(frozen=True)
class Band:
    name: str
    css_class: str
    points: str  # "x,y x,y …" for <polygon>: the upper edge forward, then the lower edge back


@dataclass(frozen=True)
class DataTable:
    """The chart's numbers as a table, for people who cannot see the drawing."""

    caption: str
    headers: tuple[str, ...]
    rows: list[tuple[str, ...]]


@dataclass(frozen=True)
class LineChart:
    title: str
    description: str
    series: list[Series]
    rules: list[Rule]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    bottom: int = HEIGHT - BOTTOM
    right: int = WIDTH - RIGHT
    top: int = TOP
    bands: list[Band] = field(default_factory=list)
    table: DataTable | None = None


def _scale_x(day, first, last):
    span = max((last - first).days, 1)
    return round(LEFT + (WIDTH - LEFT - RIGHT) * (day - first).days / span, 1)


def _scale_y(value, low, high):
    return round(HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * (value - low) / (high - low), 1)


def _points(values, first, last, low, high):
    return [(_scale_x(day, first, last), _scale_y(value, low, high)) for day, value in values]


def _month_number(day):
    return day.year * 12 + day.month - 1


def _label_width(label):
    return LABEL_CHAR_WIDTH * len(label)


def _month_ticks(first: date, last: date, count=4):
    """A label at the first of each month in the span, each month named once and with its year, every 2,
    3, 6, 12 or more months where more than `count` would show. The month the span starts in is named at
    the left edge when there is room, so a span of a few days still says which month it is."""
    low = _month_number(first) + (first.day != 1)  # the first month that starts inside the span
    high = _month_number(last)
    step = next((s for s in MONTH_STEPS if high // s - (low - 1) // s <= count), None)
    if step is None:  # years apart (rows stored before dates were bounded may sit in year 1)
        step = 12 * math.ceil((high - low + 1) / (12 * count))
    ticks = []
    for number in range(-(-low // step) * step, high + 1, step):
        day = date(number // 12, number % 12 + 1, 1)
        label, x = human(day, "month"), _scale_x(day, first, last)
        # Read from its month's first day rightwards: a label must end inside the drawing and clear the last one.
        fits_after = not ticks or x >= ticks[-1].position + _label_width(ticks[-1].label) + LABEL_GAP
        if fits_after and x + _label_width(label) <= WIDTH:
            ticks.append(Tick(label, x, "start"))
    label = human(first, "month")
    if not ticks or LEFT + _label_width(label) + LABEL_GAP <= ticks[0].position:
        ticks.insert(0, Tick(label, LEFT, "start"))
    return ticks


def burn_up(planned, done, first, last):
    """planned and done: [(date, percent)] cumulative, in date order."""
    planned_points = _points(planned, first, last, 0, 100)
    done_points = _points(done, first, last, 0, 100)
    done_now = done[-1][1] if done else 0
    planned_now = planned[-1][1] if planned else 0
    return LineChart(
        title="Burn-up: planned against done",
        description=(
            f"Share of the plan’s topics by yield weight, from {human(first)} to {human(last)}. "
            f"Done so far: {done_now}%. The plan reaches {planned_now}% by its last exam."
        ),
        series=[
            Series("Planned", "chart-planned", " ".join(f"{x},{y}" for x, y in planned_points)),
            Series("Done", "chart-done", " ".join(f"{x},{y}" for x, y in done_points)),
        ],
        rules=[],
        x_ticks=_month_ticks(first, last),
        y_ticks=[Tick(f"{p}%", _scale_y(p, 0, 100)) for p in (0, 25, 50, 75, 100)],
    )


def _clamped(value, low, high):
    return min(high, max(low, value))


def _joined(coords):
    return " ".join(f"{x},{y}" for x, y in coords)


def _whole(value):
    # Half up, like planner.readiness, so the chart's numbers match the card's.
    return math.floor(value + 0.5)


def _margin_before(day):
    # A week before the first result; rows stored before dates were bounded may sit in year 1.
    return max(day, date.min + timedelta(days=7)) - timedelta(days=7)


def readiness_scores(scores, band, exam_day, *, passing, target, step_name):
    """A scored Step's forecast: scores [(date, three-digit score)] as points, band [(date, low,
    predicted, high)] (planner.readiness.forecast_band_points) up to exam_day, the passing line and
    the target. With an empty band (too few exams for a forecast) the scores alone, against the lines."""
    values = [s for _, s in scores] + [v for _, low, _, high in band for v in (low, high)]
    values += [v for v in (passing, target) if v]
    low = max(0, math.floor(min(values) / 10) * 10 - 10)
    high = min(300, math.ceil(max(values) / 10) * 10 + 10)
    first = _margin_before(min([day for day, _ in scores] + [day for day, *_ in band]))
    last = max(exam_day, first + timedelta(days=1))

    def at(day, value):
        return (_scale_x(day, first, last), _scale_y(_clamped(value, low, high), low, high))

    upper = [at(day, top) for day, _, _, top in band]
    lower = [at(day, bottom) for day, bottom, _, _ in reversed(band)]
    dots = [at(day, score) for day, score in scores]
    rules = []
    if passing:
        rules.append(Rule(f"Passing {passing}", "chart-passing", _scale_y(passing, low, high)))
    if target:
        rules.append(Rule(f"Your target {target}", "chart-target", _scale_y(target, low, high)))
    latest_day, latest = scores[-1]
    count = f"{len(scores)} practice score{'s' if len(scores) != 1 else ''}"
    description = f"{step_name}: {count}, the latest {latest} on {human(latest_day)}"
    if band:
        _, final_low, final, final_high = band[-1]
        description += (
            f". Forecast for the exam on {human(exam_day)}: {_whole(final)}, "
            f"80% band {_whole(final_low)}–{_whole(final_high)}."
        )
        if passing:
            description += f" Passing is {passing}."
    else:
        if passing:
            description += f", {'above' if latest >= passing else 'below'} the passing score of {passing}"
        description += f". Too few for a forecast to the exam on {human(exam_day)} yet."
    if target:
        description += f" Your target is {target}."
    by_day = {}
    for day, score in scores:
        by_day.setdefault(day, [[], ""])[0].append(str(score))
    for day, bottom, predicted, top in band:
        by_day.setdefault(day, [[], ""])[1] = f"{_whole(predicted)} ({_whole(bottom)}–{_whole(top)})"
    rows = [(human(day), ", ".join(taken) or "–", forecast or "–") for day, (taken, forecast) in sorted(by_day.items())]
    headers = ("Date", "Practice score", "Forecast for that day (80% band)")
    series = [Series("Practice scores", "chart-done", "", dots=dots)]
    if band:
        series.insert(0, Series("Forecast", "chart-planned", _joined(at(day, p) for day, _, p, _ in band)))
    else:
        headers, rows = headers[:2], [row[:2] for row in rows]
    step = max(10, (high - low) // 4 // 10 * 10)
    return LineChart(
        title=f"{step_name}: practice scores and the forecast to exam day" if band else f"{step_name}: practice scores",
        description=description,
        series=series,
        rules=rules,
        x_ticks=_month_ticks(first, last, count=3),
        y_ticks=[Tick(str(v), _scale_y(v, low, high)) for v in range(low, high + 1, step)],
        bands=[Band("80% band", "chart-band", _joined(upper + lower))] if band else [],
        table=DataTable(f"{step_name}: the chart’s numbers", headers, rows),
    )


def pass_probability(points, exam_day, *, slope_per_week, projected, projected_percent, step_name):
    """Step 1 (pass/fail): points [(date, pass probability, percent correct)] in date order, and their
    trend line to exam_day, on a 0–100 scale. No passing line: Step 1 reports pass or fail only."""
    dated = [(day, probability) for day, probability, _ in points if probability is not None]
    first = _margin_before(dated[0][0])
    last = max(exam_day, first + timedelta(days=1))
    dots = [(_scale_x(day, first, last), _scale_y(p, 0, 100)) for day, p in dated]
    start = dated[0][0]
    slope = (slope_per_week or 0) / 7
    trend = [
        (_scale_x(start, first, last), _scale_y(_clamped(projected - slope * (exam_day - start).days, 0, 100), 0, 100)),
        (_scale_x(exam_day, first, last), _scale_y(projected, 0, 100)),
    ]
    latest_day, latest = dated[-1]
    count = f"{len(dated)} reported probabilit{'ies' if len(dated) != 1 else 'y'} of passing"
    description = (
        f"{step_name}: {count}, the latest {latest}% on {human(latest_day)}. "
        f"The trend projects {_whole(projected)}% on exam day, {human(exam_day)}."
    )

    def percent(value):
        return "–" if value is None else f"{_whole(value)}%"

    rows = [(human(day), percent(p), percent(c)) for day, p, c in points]
    rows.append((f"{human(exam_day)} (exam day, projected)", percent(projected), percent(projected_percent)))
    return LineChart(
        title=f"{step_name}: probability of passing, reported and projected to exam day",
        description=description,
        series=[
            Series("Trend", "chart-planned", _joined(trend)),
            Series("Reported by the practice exams", "chart-done", "", dots=dots),
        ],
        rules=[],
        x_ticks=_month_ticks(first, last, count=3),
        y_ticks=[Tick(f"{p}%", _scale_y(p, 0, 100)) for p in (0, 25, 50, 75, 100)],
        table=DataTable(
            f"{step_name}: the chart’s numbers", ("Date", "Probability of passing", "Percent correct"), rows
        ),
    )
