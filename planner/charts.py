"""Line charts drawn on the server as SVG: plain functions from numbers to coordinates.

The template `planner/_line_chart.html` draws what these return; the page prints the same numbers.
"""

from dataclasses import dataclass, field
from datetime import date

from usmleprep.lib.dates import human

WIDTH, HEIGHT = 600, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 12, 28


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


def _scale_x(day, first, last):
    span = max((last - first).days, 1)
    return round(LEFT + (WIDTH - LEFT - RIGHT) * (day - first).days / span, 1)


def _scale_y(value, low, high):
    return round(HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * (value - low) / (high - low), 1)


def _points(values, first, last, low, high):
    return [(_scale_x(day, first, last), _scale_y(value, low, high)) for day, value in values]


def _month_ticks(first: date, last: date, count=4):
    span = max((last - first).days, 1)
    days = [first.toordinal() + span * i // count for i in range(count + 1)]
    anchors = ["start"] + ["middle"] * (count - 1) + ["end"]
    return [
        Tick(date.fromordinal(d).strftime("%b %Y"), _scale_x(date.fromordinal(d), first, last), anchor)
        for d, anchor in zip(days, anchors, strict=True)
    ]


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


def scores(points, first, last, *, passing, target, step_name):
    """points: [(date, three-digit score)] in date order."""
    values = [score for _, score in points] + [v for v in (passing, target) if v]
    low = max(0, (min(values) // 10) * 10 - 10)
    high = min(300, (max(values) // 10) * 10 + 20)
    coords = _points(points, first, last, low, high)
    rules = []
    if passing:
        rules.append(Rule(f"Passing {passing}", "chart-passing", _scale_y(passing, low, high)))
    if target:
        rules.append(Rule(f"Your target {target}", "chart-target", _scale_y(target, low, high)))
    latest = points[-1][1]
    description = f"{len(points)} practice score{'s' if len(points) != 1 else ''} for {step_name}; latest {latest}"
    if passing:
        description += f", {'above' if latest >= passing else 'below'} the passing score of {passing}"
    return LineChart(
        title=f"{step_name} practice scores",
        description=description + ".",
        series=[Series("Score", "chart-done", " ".join(f"{x},{y}" for x, y in coords), dots=coords)],
        rules=rules,
        x_ticks=_month_ticks(first, last, count=3),
        y_ticks=[
            Tick(str(v), _scale_y(v, low, high)) for v in range(low, high + 1, max(10, (high - low) // 4 // 10 * 10))
        ],
    )
