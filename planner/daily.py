"""Day-by-day study for one Step: phases, system blocks, resources spread over days, practice exams.

Plain functions over plain values. A layout stores allocations, not days: an allocation spreads some
units of one resource over a span of days and takes a fixed share of each day's minutes. A day's
tasks are computed from the allocations when a page asks for them, so a month costs the same in a
three-year plan as in a six-week one.

Whole units and whole minutes throughout. A unit's length is kept in seconds, and a day gives an
allocation only as many whole units as fit in its share of that day; with the shares of a day
adding up to at most 1, no day runs over its hours.
"""

import bisect
import functools
import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

ONE_DAY = timedelta(days=1)

# Resource kinds: the catalog's book, video and question bank, plus flashcards.
BOOK, VIDEO, QBANK, CARDS = "book", "video", "qbank", "cards"
# Allocation kinds; study allocations carry units, the others only time.
STUDY, CARD_REVIEWS, BLOCK_REVIEW, LIGHT_REVIEW = "study", "card reviews", "block review", "light review"
# Task kinds: a study task takes its resource's kind; these are the others.
PRACTICE_EXAM = "practice exam"

# The exam's own unit since 2026 (issue 9): blocks of 20 questions in 30 minutes.
QUESTION_BLOCK = 20
# Flashcard reviews: a tenth of each day, at most an hour, from the first day to two days before the exam.
CARD_REVIEW_SHARE = 0.1
CARD_REVIEW_CAP_MINUTES = 60
LIGHT_REVIEW_MINUTES = 60
# Self-assessments about a week apart and never closer than 5 days, so each result can be acted on.
EXAM_GAP_DAYS = 7
MIN_EXAM_GAP_DAYS = 5
LAST_FULL_EXAM_DAYS_BEFORE = 7
FREE120_DAYS_BEFORE = 2  # in the last days, but not the day before the exam
PRACTICE_MAX_SHARE = 0.4  # of the window before the final review
MIN_REVIEW_DAYS, MAX_REVIEW_DAYS = 3, 7
HEAVY_DAY_MINUTES = 600  # "10 hours a day": a 10-hour day counts as heavy
HEAVY_RUN_DAYS = 8  # more than 7 heavy days in a row
NO_DAY_OFF_RUN_DAYS = 14


@dataclass(frozen=True)
class StudyCalendar:
    weekly_minutes: tuple[int, ...]  # Monday first
    exceptions: Mapping[date, int] = field(default_factory=dict)  # 0 is a day off; fewer minutes, a light day

    def minutes_on(self, day):
        return self.exceptions.get(day, self.weekly_minutes[day.weekday()])


@dataclass(frozen=True)
class BlockInput:
    key: object
    name: str
    share: float  # of the exam


@dataclass(frozen=True)
class ResourcePart:
    block_key: object  # None: a question bank's mixed practice, or other work that runs alongside the blocks
    first_unit: int | None  # numbered units (pages, chapters); None for questions, cards, minutes
    amount: int


@dataclass(frozen=True)
class ResourceInput:
    key: object
    name: str
    kind: str  # BOOK, VIDEO, QBANK or CARDS
    unit: str  # "pages", "chapters", "questions", "cards", "minutes" (shown as hours), or any numbered unit
    minutes_per_unit: float
    parts: tuple[ResourcePart, ...]

    @property
    def seconds_per_unit(self):
        return max(1, round(self.minutes_per_unit * 60))


@dataclass(frozen=True)
class PracticeExamInput:
    key: object
    name: str
    minutes: int
    blocks: int
    items_per_block: int
    is_free120: bool = False


@dataclass(frozen=True)
class StepInput:
    key: object
    name: str
    first_day: date
    exam_day: date
    blocks: tuple[BlockInput, ...]
    resources: tuple[ResourceInput, ...]
    practice_exams: tuple[PracticeExamInput, ...] = ()
    weakest_block_keys: tuple = ()
    # Stored phase dates, so that laying out again keeps them; None: chosen from the window.
    practice_starts_on: date | None = None
    final_review_starts_on: date | None = None


@dataclass(frozen=True)
class WorkPart:
    resource_key: object
    block_key: object
    first_unit: int | None
    amount: int


@dataclass(frozen=True)
class Allocation:
    """`amount` units of a resource (numbered from first_unit) spread over the study days from starts_on
    to ends_on, taking `share` of each day's minutes. Time-only kinds (reviews) have no units."""

    resource_key: object
    block_key: object
    first_unit: int | None
    amount: int
    starts_on: date
    ends_on: date
    share: float
    kind: str = STUDY
    # Frozen with the allocation, so later edits to a resource don't move work already laid out.
    seconds_per_unit: int = 60
    grain: int = 1  # units per day come in multiples of this where the day allows


@dataclass(frozen=True)
class Phase:
    name: str
    starts_on: date
    ends_on: date

    @property
    def is_empty(self):
        return self.ends_on < self.starts_on


@dataclass(frozen=True)
class BlockSpan:
    key: object
    name: str
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class PracticeExamDay:
    key: object
    name: str
    day: date
    minutes: int
    blocks: int
    items_per_block: int


@dataclass(frozen=True)
class Shortfall:
    resource_key: object
    units: int
    minutes: int


@dataclass(frozen=True)
class PhaseLoad:
    name: str
    minutes_needed: int
    minutes_available: int


@dataclass(frozen=True)
class StepLayout:
    step_key: object
    starts_on: date
    exam_day: date
    content: Phase
    practice: Phase
    final_review: Phase
    block_spans: tuple[BlockSpan, ...]
    allocations: tuple[Allocation, ...]
    practice_exam_days: tuple[PracticeExamDay, ...]
    unplaced_practice_exams: tuple  # keys, in the order given
    shortfall: tuple[Shortfall, ...]  # per resource
    unfitted: tuple[WorkPart, ...]  # the same, part by part
    loads: tuple[PhaseLoad, ...]
    questions_per_day: Mapping  # question bank key -> questions a day to finish it, None without a study day
    warnings: tuple[str, ...]
    how_chosen: str
    block_names: Mapping


@dataclass(frozen=True)
class Task:
    day: date
    kind: str
    resource_key: object  # the practice exam's key for a practice exam
    block_key: object
    label: str
    amount: int
    first_unit: int | None
    last_unit: int | None
    minutes: int
    allocation_index: int | None


@dataclass(frozen=True)
class OverdueItem:
    allocation_index: int
    resource_key: object
    block_key: object
    first_unit: int | None
    units: int
    minutes: int
    since: date

    @property
    def work(self):
        return WorkPart(self.resource_key, self.block_key, self.first_unit, self.units)


@dataclass(frozen=True)
class CatchUp:
    layout: StepLayout
    calendar: StudyCalendar
    summary: tuple[str, ...]
    dropped: tuple[WorkPart, ...] = ()


@dataclass(frozen=True)
class DayChange:
    day: date
    minutes_before: int
    minutes_after: int
    added: tuple[str, ...]
    removed: tuple[str, ...]


def days_off(first, last, minutes=0):
    """Calendar exceptions for a range of days: a vacation (0 minutes) or a run of light days."""
    return {day: minutes for day in _days(first, last)}


# Phases


def phase_dates(step):
    """(practice starts on, final review starts on, a sentence saying how they were chosen)."""
    exam = step.exam_day
    window = max(0, (exam - step.first_day).days)
    review_days = max(0, min(MAX_REVIEW_DAYS, max(MIN_REVIEW_DAYS, round(window / 20)), window // 3))
    full_exams = sum(not e.is_free120 for e in step.practice_exams)
    has_mixed = any(_is_mixed(r, p) and p.amount for r in step.resources for p in r.parts)
    wanted = 7 * (full_exams + 1) if full_exams else (14 if has_mixed else 0)
    practice_days = max(0, min(wanted, int(PRACTICE_MAX_SHARE * (window - review_days))))
    review_start = step.final_review_starts_on or exam - timedelta(days=review_days)
    practice_start = min(step.practice_starts_on or review_start - timedelta(days=practice_days), review_start)
    if step.practice_starts_on or step.final_review_starts_on:
        return (
            practice_start,
            review_start,
            f"Phases as set: practice from {practice_start}, final review from {review_start}.",
        )

    if not practice_days:
        practice = "No practice phase" + (" (the window is too short)" if wanted else "")
    else:
        practice = f"Practice phase: {_days_as_weeks(practice_days)}"
        if practice_days < wanted:
            practice += f" (at most {PRACTICE_MAX_SHARE:.0%} of the window)"
        if not full_exams:
            practice += " of mixed questions"
        else:
            practice += f" for {_count(full_exams, 'self-assessment')}"
            span = (_last_full_exam_target(exam, review_start, practice_start) - practice_start).days
            if full_exams > 1 and span < MIN_EXAM_GAP_DAYS * (full_exams - 1):
                practice += ", too short for all of them"
            elif full_exams > 1:
                gap = _exam_gap(span, full_exams)
                practice += " a week apart" if gap == EXAM_GAP_DAYS else f" {gap} days apart"
    review = f"final review: the last {review_days} days" if review_days else "no final review"
    return practice_start, review_start, f"{practice}; {review}."


def _last_full_exam_target(exam, review_start, lower):
    # About a week before the exam, or as near to it as a late practice phase allows.
    return min(max(exam - timedelta(days=LAST_FULL_EXAM_DAYS_BEFORE), lower), review_start - ONE_DAY)


def _exam_gap(span_days, count):
    """A week between self-assessments, or less down to 5 days when the practice phase is short."""
    if count <= 1:
        return EXAM_GAP_DAYS
    return min(EXAM_GAP_DAYS, max(MIN_EXAM_GAP_DAYS, span_days // (count - 1)))


# Laying out


def lay_out(step, calendar, today):
    return _lay_out(step, calendar, max(today, step.first_day))


def _lay_out(step, calendar, start, overdue=(), catch_up_days=0):
    exam = step.exam_day
    resources = {r.key: r for r in step.resources}
    review_share = CARD_REVIEW_SHARE if any(r.kind == CARDS for r in step.resources) else 0.0
    study_share = 1 - review_share
    allocations, unfitted = [], []

    after = start
    if overdue:
        catch_up_end = min(start + (catch_up_days - 1) * ONE_DAY, exam - 2 * ONE_DAY)
        items = [(resources[w.resource_key], w) for w in overdue]
        allocations, unfitted = _allocate_together(items, study_share, _runs(start, catch_up_end), calendar)
        after = max(start, catch_up_end + ONE_DAY)

    # Work as (resource, part) pairs: a question bank's block-less part is mixed practice; other
    # block-less parts run alongside the blocks.
    items = [(r, WorkPart(r.key, p.block_key, p.first_unit, p.amount)) for r in step.resources for p in r.parts]
    items = [(r, w) for r, w in items if w.amount]
    mixed = [(r, w) for r, w in items if _is_mixed(r, w)]
    by_block = [(b, [(r, w) for r, w in items if w.block_key == b.key]) for b in step.blocks]
    by_block = [(b, block_items) for b, block_items in by_block if block_items]
    known = {b.key for b in step.blocks}
    general = [(r, w) for r, w in items if w.block_key not in known and not _is_mixed(r, w)]
    content, practice, final, how_chosen = _phases(step, after, general or by_block, mixed or step.practice_exams)
    if practice.is_empty:
        general, mixed = general + mixed, []

    placed, rest, spans = _content(general, by_block, content, calendar, study_share)
    lower = final.starts_on if practice.is_empty else practice.starts_on
    exam_days, unplaced = _place_exams(step.practice_exams, calendar, lower, final.starts_on, exam)
    taken = {e.day for e in exam_days}
    mixed_runs = _runs(practice.starts_on, practice.ends_on, taken)
    placed_mixed, rest_mixed = _allocate_together(mixed, study_share, mixed_runs, calendar)
    allocations += placed + placed_mixed + _reviews(step, calendar, start, final, taken, review_share)
    unfitted += rest + rest_mixed

    content_items = general + [item for _, block_items in by_block for item in block_items]
    full_exams, free120s = ([e.minutes for e in step.practice_exams if e.is_free120 == free] for free in (False, True))
    loads = (
        _phase_load("content", _work_minutes(content_items), calendar, content, study_share),
        _phase_load("practice", _work_minutes(mixed) + sum(full_exams), calendar, practice, study_share),
        _phase_load("final review", sum(free120s), calendar, final, 1.0),
    )
    question_days = [d for d, _ in _study_days(calendar, start, practice.ends_on) if d not in taken]
    questions_per_day = {
        r.key: math.ceil(sum(p.amount for p in r.parts) / len(question_days)) if question_days else None
        for r in step.resources
        if r.kind == QBANK
    }
    layout = StepLayout(
        step_key=step.key,
        starts_on=start,
        exam_day=exam,
        content=content,
        practice=practice,
        final_review=final,
        block_spans=tuple(spans),
        allocations=tuple(allocations),
        practice_exam_days=tuple(exam_days),
        unplaced_practice_exams=tuple(unplaced),
        shortfall=_shortfall(unfitted, resources),
        unfitted=tuple(unfitted),
        loads=loads,
        questions_per_day=questions_per_day,
        warnings=(),
        how_chosen=how_chosen,
        block_names={b.key: b.name for b in step.blocks},
    )
    warnings = _fit_sentences(layout, step) + _load_warnings(calendar, start, exam - ONE_DAY)
    return replace(layout, warnings=tuple(warnings))


def _phases(step, after, has_content, has_practice):
    exam = step.exam_day
    practice_start, review_start, how_chosen = phase_dates(step)
    if not has_content:
        practice_start = min(practice_start, after)  # nothing left to read: practise at once
    if not has_practice:
        practice_start = review_start
    content = Phase("content", after, min(practice_start, exam - ONE_DAY) - ONE_DAY)
    practice = Phase("practice", max(after, practice_start), min(review_start, exam - ONE_DAY) - ONE_DAY)
    final = Phase("final review", max(after, review_start), exam - ONE_DAY)
    return content, practice, final, how_chosen


def _is_mixed(resource, part):
    return resource.kind == QBANK and part.block_key is None


def _content(general, by_block, content, calendar, share):
    """Blocks one after another; parts tied to no block run alongside them through the whole phase."""
    allocations, unfitted = [], []
    runs = _runs(content.starts_on, content.ends_on)
    days = _study_days(calendar, content.starts_on, content.ends_on)
    general_shares = [0]
    if general:
        general_minutes = _work_minutes(general)
        proportional = share * general_minutes / (general_minutes + sum(_work_minutes(i) for _, i in by_block))
        least = min(share, sum(_least_share(r, w, share, runs, calendar) or 0 for r, w in general))
        # Their proportion of each day; or only what they need, when the blocks need the rest to fit.
        general_shares = list(dict.fromkeys([min(share, max(least, proportional)), least]))
    for general_share in general_shares:
        fits, latest = _room_for_blocks(by_block, days, share - general_share, calendar)
        if latest is not None:
            break
    else:
        general_share = general_shares[0]
    if general:
        allocations, unfitted = _allocate_together(general, general_share, runs, calendar)
    spans = _block_spans([(block, _work_minutes(items)) for block, items in by_block], days, fits, latest)
    span_by_key = {span.key: span for span in spans}
    for block, items in by_block:
        span = span_by_key.get(block.key)
        runs = [(span.starts_on, span.ends_on)] if span else []
        placed, rest = _allocate_together(items, share - general_share, runs, calendar)
        allocations += placed
        unfitted += rest
    return allocations, unfitted, spans


def _room_for_blocks(by_block, days, share, calendar):
    """(fits, latest) for _block_spans: fits(n, first, last) says whether block n's work fits in `share`
    of days[first..last]; latest[n] is the last day block n may start on for it and every block after it
    to fit in order, latest[-1] the number of days. (None, None) when they cannot all fit."""
    if share <= 0 or not by_block:
        return None, None

    @functools.cache
    def fits(n, first, last):
        return _fits(by_block[n][1], share, (days[first][0], days[last][0]), calendar)

    # The day minutes each block's work needs at the least: fewer never hold it, whatever the shares.
    least_minutes = [sum(w.amount * r.seconds_per_unit for r, w in items) / 60 / share for _, items in by_block]
    cumulative = [0]
    for _, minutes in days:
        cumulative.append(cumulative[-1] + minutes)
    latest = [0] * len(by_block) + [len(days)]
    for n in reversed(range(len(by_block))):
        stop = latest[n + 1]
        start = min(bisect.bisect_right(cumulative, cumulative[stop] - least_minutes[n]) - 1, stop - 1)
        back = _first_true(0, start, _fits_from(n, start, stop, fits)) if start >= 0 else None
        if back is None:
            return None, None
        latest[n] = start - back
    return fits, latest


def _fits_from(n, start, stop, fits):
    return lambda back: fits(n, start - back, stop - 1)


def _reviews(step, calendar, start, final, taken, card_share):
    """Card reviews on every day until two days before the exam, a weak block a day, a light last day."""
    exam = step.exam_day
    allocations = []
    cards = next((r for r in step.resources if r.kind == CARDS), None)
    for first, last in _runs(start, exam - 2 * ONE_DAY, taken) if cards else ():
        allocations.append(Allocation(cards.key, None, None, 0, first, last, card_share, CARD_REVIEWS))
    weakest = [k for k in step.weakest_block_keys if k in {b.key for b in step.blocks}]
    keys = weakest or [b.key for b in sorted(step.blocks, key=lambda b: -b.share)] or [None]
    days = [day for day, _ in _study_days(calendar, final.starts_on, exam - 2 * ONE_DAY) if day not in taken]
    for n, day in enumerate(days):
        allocations.append(Allocation(None, _in_turn(keys, n), None, 0, day, day, 1 - card_share, BLOCK_REVIEW))
    eve = exam - ONE_DAY
    if eve >= start and calendar.minutes_on(eve) > 0:
        allocations.append(Allocation(None, None, None, 0, eve, eve, 1.0, LIGHT_REVIEW))
    return allocations


def _in_turn(keys, n):
    return keys[n % len(keys)]


def with_final_review_systems(allocations, weakest_keys):
    """The allocations with the final review's block reviews given to weakest_keys in turn, the same way
    laying out gives them; unchanged without weak systems. Weak systems change after a layout is
    stored, so pages apply the current ones to the stored final review (planner/weakness.py)."""
    if not weakest_keys:
        return tuple(allocations)
    reviews = iter(range(len(allocations)))
    return tuple(
        replace(a, block_key=_in_turn(weakest_keys, next(reviews))) if a.kind == BLOCK_REVIEW else a
        for a in allocations
    )


def _allocate_together(items, share, runs, calendar):
    """Parts side by side over the same runs of days, sharing `share` of each day.

    Each part first gets the least share that holds all its units (a 60-minute chapter needs an hour
    of some day, whatever its minutes say), then the rest in proportion to its minutes. A part that
    cannot fit whole asks only for its proportion; when the asks add up to too much, they all shrink
    alike and the layout reports what does not fit.
    """
    allocations, unfitted = [], []
    total_minutes = _work_minutes(items)
    asks = []
    for resource, work in items:
        least = _least_share(resource, work, share, runs, calendar)
        asks.append(share * _work_minutes([(resource, work)]) / total_minutes if least is None else least)
    total_asked = sum(asks)
    for (resource, work), asked in zip(items, asks, strict=True):
        if total_asked > share:
            part_share = asked * share / total_asked
        else:
            part_share = asked + (share - total_asked) * _work_minutes([(resource, work)]) / total_minutes
        placed, rest = _allocate(resource, work, _floor4(part_share), runs, calendar)
        allocations += placed
        unfitted += [rest] if rest else []
    return allocations, unfitted


def _fits(items, share, run, calendar):
    """Whether _allocate_together places every unit of the parts in `share` of the run's days."""
    counts = _day_counts(calendar, run)
    asked = 0
    for resource, work in items:
        least = _least_share(resource, work, share, [run], calendar, counts)
        if least is None or (asked := asked + least) > share:
            return False
    return True


def _least_share(resource, work, most, runs, calendar, counts=None):
    """The least share, in steps of 0.0001, that holds every unit of the part; None when even `most` does not."""
    counts = _day_counts(calendar, *runs) if counts is None else counts
    # _capacity(counts, _units_per_day(share, seconds, 1)) written out: the search asks it thousands of times.
    seconds, days = resource.seconds_per_unit, list(counts.items())

    def holds(steps):
        share = steps / 10_000
        return sum(n * (math.floor(share * minutes) * 60 // seconds) for minutes, n in days) >= work.amount

    high = _steps(most)
    # Whole minutes and whole units only ever take away: no share below the unrounded one holds the part,
    # and the rounding seldom costs much more, so the search starts there.
    minutes = sum(n * day_minutes for day_minutes, n in counts.items())
    low = min(high, _steps(work.amount * resource.seconds_per_unit / 60 / minutes)) if minutes else high
    steps = _first_true(low, high, holds)
    return None if steps is None else steps / 10_000


def _allocate(resource, work, share, runs, calendar):
    """Allocations of one part over runs of days (one allocation a run), and what does not fit."""
    spu = resource.seconds_per_unit
    grain = QUESTION_BLOCK if resource.kind == QBANK else 1
    counts = [_day_counts(calendar, run) for run in runs]
    capacities = [_capacity(c, _units_per_day(share, spu, grain)) for c in counts]
    if grain > 1 and sum(capacities) < math.ceil(work.amount / grain):
        grain = 1  # too few whole blocks of questions: place single questions instead
        capacities = [_capacity(c, _units_per_day(share, spu, 1)) for c in counts]
    total = sum(capacities)
    fitted = min(work.amount, grain * total)
    chunks = math.ceil(fitted / grain)
    allocations, placed, cumulative = [], 0, 0
    for (first, last), capacity in zip(runs, capacities, strict=True):
        cumulative += capacity
        through = min(grain * (chunks * cumulative // total), fitted) if total else 0
        if through > placed:
            first_unit = _shifted(work.first_unit, placed)
            amount = through - placed
            allocations.append(
                Allocation(resource.key, work.block_key, first_unit, amount, first, last, share, STUDY, spu, grain)
            )
        placed = through
    rest = work.amount - fitted
    return allocations, (
        WorkPart(resource.key, work.block_key, _shifted(work.first_unit, fitted), rest) if rest else None
    )


def _block_spans(blocks_and_minutes, days, fits=None, latest=None):
    """Consecutive runs of study days, one per block in order, each as long as its share of the minutes.

    A day goes to the block its middle falls in; every block gets at least one day while there are
    days enough for all. Whole days round a block's minutes up or down, and days differ in length, so
    a block can end up with fewer minutes than its work needs while the phase has plenty: given fits
    and latest (_room_for_blocks), a block short of days takes the fewest more it needs, never from
    what the blocks after it need. Without them (the blocks cannot all fit in order) the spans stay
    proportional, and the layout reports what does not fit.
    """
    spans = []
    total_work = sum(minutes for _, minutes in blocks_and_minutes)
    cumulative = [0]
    for _, minutes in days:
        cumulative.append(cumulative[-1] + minutes)
    total_minutes = cumulative[-1]
    end = ideal = work_so_far = 0
    for n, (block, minutes) in enumerate(blocks_and_minutes):
        work_so_far += minutes
        while (
            ideal < len(days)
            and (cumulative[ideal] + cumulative[ideal + 1]) * total_work < 2 * total_minutes * work_so_far
        ):
            ideal += 1
        blocks_after = len(blocks_and_minutes) - 1 - n
        stop = min(max(ideal, end + 1), max(len(days) - blocks_after, end + 1), len(days))
        if latest is not None:
            stop = _stop_that_fits(n, end, min(stop, latest[n + 1]), latest[n + 1], fits)
        if stop > end:
            spans.append(BlockSpan(block.key, block.name, days[end][0], days[stop - 1][0]))
            end = stop
    return spans


def _stop_that_fits(n, start, stop, cap, fits):
    """stop, or the fewest days more up to cap that block n's work needs from start (it fits by cap)."""
    if fits(n, start, stop - 1):
        return stop
    return _first_true(stop + 1, cap, lambda x: fits(n, start, x - 1)) or cap


def _first_true(first, last, test):
    """The least x from first to last for which test(x) holds, test being false up to some x and true
    from there; None when it never holds. Looks close to first, then further in doubling steps."""
    if first > last:
        return None
    low, x, step = first, first, 1
    while not test(x):
        if x == last:
            return None
        low, x, step = x + 1, min(last, x + step), step * 2
    high = x
    while low < high:
        middle = (low + high) // 2
        low, high = (low, middle) if test(middle) else (middle + 1, high)
    return high


def _place_exams(exams, calendar, lower, review_start, exam):
    """Practice exam days, latest first: the Free 120 in the last days, the last full exam about a week before."""
    placed, unplaced = [], []

    def place(e, upper, gap):
        day = _latest_day_with(calendar, e.minutes, lower, upper)
        if day is None:
            unplaced.append(e.key)
            return upper
        placed.append(PracticeExamDay(e.key, e.name, day, e.minutes, e.blocks, e.items_per_block))
        return day - timedelta(days=gap)

    upper = exam - timedelta(days=FREE120_DAYS_BEFORE)
    for e in reversed([e for e in exams if e.is_free120]):
        upper = place(e, upper, MIN_EXAM_GAP_DAYS)
    full = [e for e in exams if not e.is_free120]
    upper = min(upper, _last_full_exam_target(exam, review_start, lower))
    gap = _exam_gap((upper - lower).days, len(full))
    for e in reversed(full):
        upper = place(e, upper, gap)
    order = [e.key for e in exams]
    return sorted(placed, key=lambda e: e.day), sorted(unplaced, key=order.index)


def _latest_day_with(calendar, minutes, lower, upper):
    day = upper
    while day >= lower:
        if calendar.minutes_on(day) >= max(1, minutes):
            return day
        day -= ONE_DAY
    return None


# Days and units


def _days(first, last):
    return (first + timedelta(days=n) for n in range((last - first).days + 1))


def _study_days(calendar, first, last):
    return [(day, minutes) for day in _days(first, last) if (minutes := calendar.minutes_on(day)) > 0]


def _runs(first, last, breaks=()):
    """The longest runs of days from first to last that hold no day in breaks."""
    runs = []
    for stop in sorted(d for d in breaks if first <= d <= last):
        if first < stop:
            runs.append((first, stop - ONE_DAY))
        first = stop + ONE_DAY
    return [*runs, (first, last)] if first <= last else runs


def _steps(share):
    # The tiny nudge keeps 0.0029 at 29 steps despite binary floating point.
    return math.floor(share * 10_000 + 1e-9)


def _floor4(share):
    # Four decimals, rounded down, as a decimal column stores them; shares that add up to 1 still do.
    return _steps(share) / 10_000


def _minutes_for(units, seconds_per_unit):
    return -(-units * seconds_per_unit // 60)


def _work_minutes(items):
    return sum(_minutes_for(w.amount, r.seconds_per_unit) for r, w in items)


def _shifted(first_unit, by):
    return None if first_unit is None else first_unit + by


def _units_per_day(share, seconds_per_unit, grain):
    """How many whole grains of units fit in an allocation's share of a day of so many minutes."""
    return lambda minutes: math.floor(share * minutes) * 60 // (seconds_per_unit * grain)


def _day_counts(calendar, *runs):
    """How many days of the runs have each number of minutes: from the weekly pattern and the exceptions,
    without walking the days, so that a month of a three-year plan costs what a month of a short one does."""
    counts = Counter()
    for first, last in runs:
        if last < first:
            continue
        weeks, rest = divmod((last - first).days + 1, 7)
        for n, minutes in enumerate(calendar.weekly_minutes):
            counts[minutes] += weeks + ((n - first.weekday()) % 7 < rest)
        for day, minutes in calendar.exceptions.items():
            if first <= day <= last:
                counts[calendar.weekly_minutes[day.weekday()]] -= 1
                counts[minutes] += 1
    return counts


def _capacity(counts, per_day):
    return sum(n * per_day(minutes) for minutes, n in counts.items())


def _placements(allocation, calendar, first, last):
    """(day, units placed before it, units on it) for the days first..last of a study allocation that get units.

    Each day gets its share of the amount in proportion to the whole grains that fit in it, rounded
    down cumulatively, so the days add up to the amount and numbered units follow on day after day.
    """
    per_day = _units_per_day(allocation.share, allocation.seconds_per_unit, allocation.grain)
    total = _capacity(_day_counts(calendar, (allocation.starts_on, allocation.ends_on)), per_day)
    if not total or not allocation.amount:
        return
    chunks = math.ceil(allocation.amount / allocation.grain)
    cumulative = _capacity(_day_counts(calendar, (allocation.starts_on, first - ONE_DAY)), per_day)
    placed = min(allocation.grain * (chunks * cumulative // total), allocation.amount)
    for day in _days(first, last):
        cumulative += per_day(calendar.minutes_on(day))
        through = min(allocation.grain * (chunks * cumulative // total), allocation.amount)
        if through > placed:
            yield day, placed, through - placed
        placed = through


def units_between(allocation, calendar, first, last):
    """The units of a study allocation on each of its days from first to last that get any."""
    first, last = max(first, allocation.starts_on), min(last, allocation.ends_on)
    return {day: units for day, _, units in _placements(allocation, calendar, first, last)}


def units_on(allocation, calendar, day):
    return units_between(allocation, calendar, day, day).get(day, 0)


# Tasks


def tasks_on(layout, calendar, day, resources_by_key):
    return tasks_between(layout, calendar, day, day, resources_by_key).get(day, [])


def tasks_between(layout, calendar, first, last, resources_by_key):
    """Each day from first to last that has tasks, with its tasks; only the allocations that overlap are read."""
    tasks = {}
    for e in layout.practice_exam_days:
        if first <= e.day <= last:
            label = f"{e.name}: {e.blocks} × {e.items_per_block} questions"
            amount = e.blocks * e.items_per_block
            tasks[e.day] = [Task(e.day, PRACTICE_EXAM, e.key, None, label, amount, None, None, e.minutes, None)]
    for index, a in enumerate(layout.allocations):
        if a.ends_on < first or a.starts_on > last:
            continue
        start, end = max(first, a.starts_on), min(last, a.ends_on)
        block_name = layout.block_names.get(a.block_key)
        if a.kind == STUDY:
            resource = resources_by_key[a.resource_key]
            for day, placed, units in _placements(a, calendar, start, end):
                first_unit = _shifted(a.first_unit, placed)
                last_unit = _shifted(first_unit, units - 1)
                label = task_label(resource, block_name, first_unit, units)
                minutes = _minutes_for(units, a.seconds_per_unit)
                task = Task(
                    day, resource.kind, a.resource_key, a.block_key, label, units, first_unit, last_unit, minutes, index
                )
                tasks.setdefault(day, []).append(task)
            continue
        for day in _days(start, end):
            minutes = _time_minutes(a, calendar.minutes_on(day))
            if minutes > 0:
                label = _time_label(a, resources_by_key, block_name)
                task = Task(day, a.kind, a.resource_key, a.block_key, label, 0, None, None, minutes, index)
                tasks.setdefault(day, []).append(task)
    return {day: tasks[day] for day in sorted(tasks)}


def _time_minutes(allocation, minutes):
    cap = {CARD_REVIEWS: CARD_REVIEW_CAP_MINUTES, LIGHT_REVIEW: LIGHT_REVIEW_MINUTES}.get(allocation.kind, minutes)
    return min(math.floor(allocation.share * minutes), cap)


def _time_label(allocation, resources_by_key, block_name):
    if allocation.kind == CARD_REVIEWS:
        return f"{resources_by_key[allocation.resource_key].name} reviews"
    if allocation.kind == BLOCK_REVIEW:
        return f"Final review: {block_name}" if block_name else "Final review"
    return "Light review only, no new material"


def task_label(resource, block_name, first_unit, units):
    where = f" ({block_name})" if block_name else ""
    if resource.unit in ("pages", "chapters") and first_unit is None:
        return f"{resource.name}: {_count(units, resource.unit[:-1])}{where}"
    if resource.unit == "pages":
        pages = f"p. {first_unit}" if units == 1 else f"pp. {first_unit}–{first_unit + units - 1}"
        return f"{resource.name} {pages}{where}"
    if resource.unit == "chapters":
        return f"{resource.name} ch. {_range(first_unit, units)}{where}"
    if resource.unit == "questions":
        blocks = f", in {QUESTION_BLOCK}-question blocks" if units >= QUESTION_BLOCK else ""
        topic = block_name.lower() if block_name else "mixed"
        return f"{resource.name}: {_count(units, 'question')}, {topic}, timed{blocks}"
    if resource.unit == "cards":
        return f"{resource.name}: {units} new cards{where}"
    if resource.unit == "minutes":
        return f"{_duration(units)} of {resource.name}{where}"
    if first_unit is not None:
        return f"{resource.name} {resource.unit} {_range(first_unit, units)}{where}"
    return f"{resource.name}: {units} {resource.unit}{where}"


def _range(first_unit, units):
    return str(first_unit) if units == 1 else f"{first_unit}–{first_unit + units - 1}"


def _duration(minutes):
    return f"{minutes} min" if minutes < 60 else f"{round(minutes / 60, 1):g} h"


def _count(n, noun):
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _days_as_weeks(days):
    if days % 7:
        return _count(days, "day")
    return "1 week" if days == 7 else f"{days // 7} weeks"


# Feasibility


def _phase_load(name, needed, calendar, phase, share):
    days = _study_days(calendar, phase.starts_on, phase.ends_on)
    return PhaseLoad(name, needed, sum(math.floor(share * minutes) for _, minutes in days))


def _shortfall(unfitted, resources):
    units = {}
    for w in unfitted:
        units[w.resource_key] = units.get(w.resource_key, 0) + w.amount
    return tuple(Shortfall(key, n, _minutes_for(n, resources[key].seconds_per_unit)) for key, n in units.items())


def _fit_sentences(layout, step):
    resources = {r.key: r for r in step.resources}
    exams = {e.key: e for e in step.practice_exams}
    sentences = []
    for s in layout.shortfall:
        r = resources[s.resource_key]
        sentences.append(f"{r.name}: {s.units:,} {r.unit} ({_duration(s.minutes)}) do not fit before the final review.")
    for key in layout.unplaced_practice_exams:
        e = exams[key]
        sentences.append(
            f"{e.name} does not fit: it needs a day with {e.minutes} minutes of study, "
            f"{MIN_EXAM_GAP_DAYS} days or more from the other practice exams, before the exam."
        )
    return sentences


def _load_warnings(calendar, first, last):
    heavy, busy = _long_runs(calendar, first, last)
    warnings = []
    if heavy:
        (start, end), more = heavy[0], _more(heavy)
        warnings.append(
            f"{(end - start).days + 1} days in a row at {HEAVY_DAY_MINUTES // 60} hours or more "
            f"({start} to {end}){more}: more than a week at that load is hard to sustain."
        )
    if busy:
        (start, end), more = busy[0], _more(busy)
        warnings.append(
            f"{(end - start).days + 1} days in a row without a day off ({start} to {end}){more}: "
            "plan a day off at least every two weeks."
        )
    return warnings


def _more(runs):
    return f", and {len(runs) - 1} more such stretches" if len(runs) > 1 else ""


def _long_runs(calendar, first, last):
    """Stretches of more than a week of heavy days, and of two weeks or more without a day off."""
    heavy, busy = [], []
    heavy_since = busy_since = None
    for day in _days(first, last + ONE_DAY):
        minutes = calendar.minutes_on(day) if day <= last else 0
        if minutes < HEAVY_DAY_MINUTES and heavy_since and (day - heavy_since).days >= HEAVY_RUN_DAYS:
            heavy.append((heavy_since, day - ONE_DAY))
        if minutes == 0 and busy_since and (day - busy_since).days >= NO_DAY_OFF_RUN_DAYS:
            busy.append((busy_since, day - ONE_DAY))
        heavy_since = (heavy_since or day) if minutes >= HEAVY_DAY_MINUTES else None
        busy_since = (busy_since or day) if minutes > 0 else None
    return heavy, busy


# Progress and catching up


def overdue(layout, calendar, today, done_units_by_allocation):
    """Work due before today and not done, with the day it fell due; done units count from an allocation's start."""
    items = []
    for index, a in enumerate(layout.allocations):
        done = done_units_by_allocation.get(index, 0)
        if a.kind != STUDY or a.starts_on >= today or done >= a.amount:
            continue
        due, since = 0, None
        for day, placed, units in _placements(a, calendar, a.starts_on, min(a.ends_on, today - ONE_DAY)):
            if since is None and placed + units > done:
                since = day
            due = placed + units
        if due > done:
            units = due - done
            minutes = _minutes_for(units, a.seconds_per_unit)
            first_unit = _shifted(a.first_unit, done)
            items.append(OverdueItem(index, a.resource_key, a.block_key, first_unit, units, minutes, since))
    return items


def remaining_step(step, layout, done_units_by_allocation):
    """The step with only the work not yet done (what did not fit included) and the layout's phase dates kept."""
    parts = {r.key: [] for r in step.resources}
    for index, a in enumerate(layout.allocations):
        done = min(done_units_by_allocation.get(index, 0), a.amount)
        if a.kind == STUDY and a.amount > done:
            parts[a.resource_key].append(ResourcePart(a.block_key, _shifted(a.first_unit, done), a.amount - done))
    for w in layout.unfitted:
        parts[w.resource_key].append(ResourcePart(w.block_key, w.first_unit, w.amount))
    resources = tuple(replace(r, parts=_merged(parts[r.key])) for r in step.resources)
    return replace(
        step,
        resources=resources,
        practice_starts_on=layout.practice.starts_on,
        final_review_starts_on=layout.final_review.starts_on,
    )


def _merged(parts):
    counted = {}
    for p in parts:
        if p.first_unit is None:
            counted[p.block_key] = counted.get(p.block_key, 0) + p.amount
    numbered = sorted((p for p in parts if p.first_unit is not None), key=lambda p: p.first_unit)
    return tuple(numbered) + tuple(ResourcePart(block, None, amount) for block, amount in counted.items())


def _without(step, work):
    """The step without the given work: numbered ranges cut out, counted units taken from the same block."""
    resources = []
    for r in step.resources:
        parts = list(r.parts)
        for w in (w for w in work if w.resource_key == r.key):
            left, kept = w.amount, []
            for p in parts:
                if w.first_unit is None or p.first_unit is None:
                    same = w.first_unit is None and p.first_unit is None and p.block_key == w.block_key
                    take = min(p.amount, left) if same else 0
                    left -= take
                    kept.append(replace(p, amount=p.amount - take))
                    continue
                low, high = max(p.first_unit, w.first_unit), min(p.first_unit + p.amount, w.first_unit + w.amount)
                if low >= high:
                    kept.append(p)
                    continue
                if p.first_unit < low:
                    kept.append(replace(p, amount=low - p.first_unit))
                if high < p.first_unit + p.amount:
                    kept.append(replace(p, first_unit=high, amount=p.first_unit + p.amount - high))
            parts = [p for p in kept if p.amount > 0]
        resources.append(replace(r, parts=tuple(parts)))
    return replace(step, resources=tuple(resources))


def spread_overdue(step, calendar, today, overdue_work, days):
    """Overdue work first, over the next `days` calendar days; the rest of the step (which holds it too) after."""
    start = max(today, step.first_day)
    overdue_work = tuple(w for w in overdue_work if w.amount > 0)
    layout = _lay_out(_without(step, overdue_work), calendar, start, overdue_work, max(1, days))
    summary = []
    if overdue_work:
        minutes = sum(_minutes_for(w.amount, _resource(step, w).seconds_per_unit) for w in overdue_work)
        summary.append(
            f"Overdue work ({_duration(minutes)}) goes on the days from {start} to "
            f"{layout.content.starts_on - ONE_DAY}; the rest of the schedule starts on {layout.content.starts_on}."
        )
    return CatchUp(layout, calendar, tuple(summary + _fit_sentences(layout, step) or ["Everything fits."]))


def push_remaining(step, calendar, today, days):
    """Everything left moves `days` days later, up to the exam; practice and final review get shorter."""
    practice_start, review_start, _ = phase_dates(step)
    latest = step.exam_day - ONE_DAY
    moved_practice, moved_review = (min(d + days * ONE_DAY, latest) for d in (practice_start, review_start))
    pushed = replace(step, practice_starts_on=moved_practice, final_review_starts_on=moved_review)
    layout = lay_out(pushed, calendar, today)
    summary = [
        f"Practice moves from {practice_start} to {moved_practice}; final review from {review_start} to {moved_review}."
    ]
    return CatchUp(layout, calendar, tuple(summary + _fit_sentences(layout, step)))


def drop_lowest_yield(step, calendar, today):
    """Drop the parts of the lowest-share blocks, biggest first, until the content fits."""
    blocks = {b.key: b for b in step.blocks}

    def minutes(work):
        return _minutes_for(work.amount, _resource(step, work).seconds_per_unit)

    candidates = [WorkPart(r.key, p.block_key, p.first_unit, p.amount) for r in step.resources for p in r.parts]
    candidates = sorted(
        (w for w in candidates if w.amount and w.block_key in blocks),
        key=lambda w: (blocks[w.block_key].share, -minutes(w)),
    )
    dropped, kept = [], step
    layout = lay_out(kept, calendar, today)
    # Dropping content cannot make room for mixed questions, which have their own phase.
    while candidates and (deficit := sum(minutes(w) for w in layout.unfitted if not _is_mixed(_resource(step, w), w))):
        batch = []
        while candidates and sum(minutes(w) for w in batch) < deficit:
            batch.append(candidates.pop(0))
        dropped += batch
        kept = _without(kept, batch)
        layout = lay_out(kept, calendar, today)
    summary = [f"Dropped {_work_label(step, w)}." for w in dropped] + _fit_sentences(layout, step)
    return CatchUp(layout, calendar, tuple(summary or ["Everything fits; nothing dropped."]), tuple(dropped))


def with_daily_minutes(step, calendar, today, weekly_minutes):
    """The same step laid out with more (or fewer) minutes on each weekday."""
    new_calendar = replace(calendar, weekly_minutes=tuple(weekly_minutes))
    layout = lay_out(step, new_calendar, today)
    before, after = (_duration(sum(c.weekly_minutes)) for c in (calendar, new_calendar))
    summary = [
        f"Study time per week goes from {before} to {after}.",
        *(_fit_sentences(layout, step) or ["Everything fits."]),
    ]
    return CatchUp(layout, new_calendar, tuple(summary))


def _resource(step, work):
    return next(r for r in step.resources if r.key == work.resource_key)


def _work_label(step, work):
    resource = _resource(step, work)
    block_name = next((b.name for b in step.blocks if b.key == work.block_key), None)
    minutes = _minutes_for(work.amount, resource.seconds_per_unit)
    return f"{task_label(resource, block_name, work.first_unit, work.amount)} ({_duration(minutes)})"


def preview(before, after, resources_by_key, first, last):
    """The days from first to last whose tasks change; before and after are (layout, calendar) pairs."""
    old, new = (tasks_between(layout, cal, first, last, resources_by_key) for layout, cal in (before, after))
    changes = []
    for day in sorted(old.keys() | new.keys()):
        old_tasks, new_tasks = old.get(day, []), new.get(day, [])
        old_labels, new_labels = [t.label for t in old_tasks], [t.label for t in new_tasks]
        if old_labels != new_labels:
            added = tuple(label for label in new_labels if label not in old_labels)
            removed = tuple(label for label in old_labels if label not in new_labels)
            minutes_before, minutes_after = sum(t.minutes for t in old_tasks), sum(t.minutes for t in new_tasks)
            changes.append(DayChange(day, minutes_before, minutes_after, added, removed))
    return changes
