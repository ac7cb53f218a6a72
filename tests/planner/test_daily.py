import re
import time
from collections import Counter
from dataclasses import replace
from datetime import date, timedelta
from itertools import pairwise

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from planner import daily
from planner.daily import (
    BOOK,
    CARDS,
    LIGHT_REVIEW,
    PRACTICE_EXAM,
    QBANK,
    STUDY,
    VIDEO,
    BlockInput,
    PracticeExamInput,
    ResourceInput,
    ResourcePart,
    StepInput,
    StudyCalendar,
    days_off,
    lay_out,
    tasks_between,
    tasks_on,
)

DAY = timedelta(days=1)
SIX_DAYS_OF_8_HOURS = (480,) * 6 + (0,)
NEW_MATERIAL = {BOOK, VIDEO, CARDS}

# Step 1 systems with their share of the exam and their First Aid pages.
SYSTEMS = [
    ("cardio", "Cardiovascular", 0.11, 48),
    ("renal", "Renal", 0.09, 40),
    ("resp", "Respiratory", 0.10, 44),
    ("gi", "Gastrointestinal", 0.09, 60),
    ("neuro", "Nervous system", 0.10, 70),
    ("repro", "Reproductive", 0.08, 50),
    ("msk", "Musculoskeletal", 0.09, 60),
    ("heme", "Hematology", 0.08, 50),
    ("endo", "Endocrine", 0.07, 40),
    ("psych", "Behavioral", 0.10, 40),
    ("biochem", "Biochemistry", 0.05, 120),
    ("micro", "Microbiology", 0.04, 150),
    ("immuno", "Immunology", 0.03, 30),
    ("pharm", "Pharmacology", 0.03, 40),
    ("path", "General pathology", 0.02, 20),
]


def step1_plan(first_day=date(2026, 12, 1), exam_day=date(2027, 4, 1), **changes):
    blocks = tuple(BlockInput(key, name, share) for key, name, share, _ in SYSTEMS)
    pages, page = [], 284
    for key, _, _, count in SYSTEMS:
        pages.append(ResourcePart(key, page, count))
        page += count
    first_aid = ResourceInput("fa", "First Aid", BOOK, "pages", 5, tuple(pages))
    # Pathoma: chapters 1-4 are general principles, the rest one per system.
    chapters = (*(ResourcePart(key, 5 + n, 1) for n, (key, *_) in enumerate(SYSTEMS)), ResourcePart(None, 1, 4))
    pathoma = ResourceInput("pathoma", "Pathoma", VIDEO, "chapters", 60, chapters)
    by_system = tuple(ResourcePart(key, None, 160) for key, *_ in SYSTEMS)
    uworld = ResourceInput("uw", "UWorld Step 1", QBANK, "questions", 3, (*by_system, ResourcePart(None, None, 1200)))
    anki = ResourceInput("anki", "Anki", CARDS, "cards", 1, tuple(ResourcePart(key, None, 150) for key, *_ in SYSTEMS))
    exams = (
        PracticeExamInput("nbme30", "NBME Form 30", 300, 4, 50),
        PracticeExamInput("nbme31", "NBME Form 31", 300, 4, 50),
        PracticeExamInput("nbme32", "NBME Form 32", 300, 4, 50),
        PracticeExamInput("free120", "Free 120", 180, 3, 40, is_free120=True),
    )
    step = StepInput("step1", "Step 1", first_day, exam_day, blocks, (first_aid, pathoma, uworld, anki), exams)
    return replace(step, **changes)


def by_key(step):
    return {r.key: r for r in step.resources}


def all_tasks(layout, calendar, step):
    return tasks_between(layout, calendar, layout.starts_on - 3 * DAY, step.exam_day + 3 * DAY, by_key(step))


def labels(tasks):
    return [t.label for t in tasks]


CHRISTMAS_WEEK = days_off(date(2026, 12, 24), date(2026, 12, 31))
STEP1_CALENDAR = StudyCalendar(SIX_DAYS_OF_8_HOURS, CHRISTMAS_WEEK)


def test_a_four_month_step1_plan_reads_day_by_day():
    step = step1_plan()
    layout = lay_out(step, STEP1_CALENDAR, date(2026, 11, 20))
    days = all_tasks(layout, STEP1_CALENDAR, step)

    assert layout.starts_on == date(2026, 12, 1)
    assert (
        layout.how_chosen
        == "Practice phase: 4 weeks for 3 self-assessments a week apart; final review: the last 6 days."
    )
    assert layout.shortfall == ()
    assert not any(date(2026, 12, 24) <= day <= date(2026, 12, 31) for day in days)
    assert labels(days[date(2026, 12, 1)]) == [
        "First Aid pp. 284–295 (Cardiovascular)",
        "UWorld Step 1: 40 questions, cardiovascular, timed, in 20-question blocks",
        "Anki: 37 new cards (Cardiovascular)",
        "Anki reviews",
    ]
    assert labels(days[date(2026, 12, 2)])[0] == "First Aid pp. 296–307 (Cardiovascular)"
    every_label = [label for tasks in days.values() for label in labels(tasks)]
    assert "Pathoma ch. 5 (Cardiovascular)" in every_label
    assert "Pathoma ch. 1" in every_label
    assert any(
        re.fullmatch(r"UWorld Step 1: \d+ questions, mixed, timed, in 20-question blocks", x) for x in every_label
    )
    assert layout.questions_per_day == {"uw": 41}


def test_self_assessments_fall_a_week_apart_in_the_practice_phase_and_the_free_120_in_the_last_week():
    step = step1_plan()
    layout = lay_out(step, STEP1_CALENDAR, step.first_day)
    exams = {e.key: e.day for e in layout.practice_exam_days}
    exam = step.exam_day

    nbmes = [exams["nbme30"], exams["nbme31"], exams["nbme32"]]
    assert all(layout.practice.starts_on <= day <= layout.practice.ends_on for day in nbmes)
    assert [(b - a).days for a, b in pairwise(nbmes)] == [7, 7]
    assert 6 <= (exam - nbmes[-1]).days <= 9
    assert exam - 7 * DAY < exams["free120"] < exam - DAY
    nbme31 = tasks_on(layout, STEP1_CALENDAR, exams["nbme31"], by_key(step))
    assert labels(nbme31) == ["NBME Form 31: 4 × 50 questions"]
    assert layout.unplaced_practice_exams == ()


def test_the_final_review_goes_to_the_weakest_systems_and_the_last_day_is_light():
    step = step1_plan(weakest_block_keys=("renal", "micro"))
    layout = lay_out(step, STEP1_CALENDAR, step.first_day)
    days = all_tasks(layout, STEP1_CALENDAR, step)
    final = [days[d] for d in sorted(days) if d >= layout.final_review.starts_on]

    review_labels = [t.label for tasks in final for t in tasks if t.kind == daily.BLOCK_REVIEW]
    assert review_labels[:2] == ["Final review: Renal", "Final review: Microbiology"]
    assert labels(days[step.exam_day - DAY]) == ["Light review only, no new material"]
    assert days[step.exam_day - DAY][0].minutes == 60


def test_without_weak_systems_the_final_review_takes_the_blocks_by_share():
    step = step1_plan()
    layout = lay_out(step, STEP1_CALENDAR, step.first_day)
    days = all_tasks(layout, STEP1_CALENDAR, step)
    reviews = [t.label for tasks in days.values() for t in tasks if t.kind == daily.BLOCK_REVIEW]
    assert reviews[:2] == ["Final review: Cardiovascular", "Final review: Respiratory"]


def test_a_window_too_short_reports_what_does_not_fit_in_pages_and_hours():
    step = step1_plan(first_day=date(2027, 3, 11))
    layout = lay_out(step, STEP1_CALENDAR, step.first_day)

    short = {s.resource_key: s for s in layout.shortfall}
    assert short["fa"].units > 300
    assert short["fa"].minutes == short["fa"].units * 5
    fa_warning = next(w for w in layout.warnings if w.startswith("First Aid"))
    assert re.fullmatch(r"First Aid: [\d,]+ pages \([\d.]+ h\) do not fit before the final review\.", fa_warning)
    # the earliest self-assessments are the ones that do not fit
    assert layout.unplaced_practice_exams[0] == "nbme30"


def test_ten_hours_a_day_seven_days_a_week_is_warned_about_twice():
    step = step1_plan()
    calendar = StudyCalendar((600,) * 7)
    layout = lay_out(step, calendar, step.first_day)

    assert any("days in a row at 10 hours or more" in w for w in layout.warnings)
    assert any("days in a row without a day off" in w for w in layout.warnings)
    assert not any("in a row" in w for w in lay_out(step, STEP1_CALENDAR, step.first_day).warnings)


def test_a_six_week_window_gets_about_two_weeks_of_practice():
    step = step1_plan(first_day=date(2027, 2, 18))
    layout = lay_out(step, STEP1_CALENDAR, step.first_day)
    assert layout.how_chosen == (
        "Practice phase: 15 days (at most 40% of the window) for 3 self-assessments 5 days apart; "
        "final review: the last 3 days."
    )
    assert [e.day for e in layout.practice_exam_days] == [
        date(2027, 3, 15),
        date(2027, 3, 20),
        date(2027, 3, 25),
        date(2027, 3, 30),
    ]


def test_a_light_day_gets_fewer_pages_than_a_full_day():
    light_day = date(2026, 12, 3)
    calendar = StudyCalendar(SIX_DAYS_OF_8_HOURS, {light_day: 120})
    step = step1_plan()
    layout = lay_out(step, calendar, step.first_day)
    first_aid = next(a for a in layout.allocations if a.resource_key == "fa")

    units = daily.units_between(first_aid, calendar, first_aid.starts_on, first_aid.ends_on)

    assert units[light_day] < units[date(2026, 12, 2)]
    assert sum(units.values()) == first_aid.amount
    assert daily.units_on(first_aid, calendar, light_day) == units[light_day]
    light = tasks_on(layout, calendar, light_day, by_key(step))
    assert sum(t.minutes for t in light) <= 120


def test_a_block_gets_the_days_its_work_needs_when_days_differ_in_length():
    # Eight hours on Mondays, two on Sundays, and five times the time the work needs. Block 2's 31 pages
    # (124 minutes) used to get a single Sunday by its share of the minutes, and a page did not fit.
    blocks = tuple(BlockInput(f"b{n}", f"Block {n}", 0.05) for n in range(5))
    pages = zip(["b0", "b1", "b2", "b3", "b4"], [1, 121, 236, 267, 390], [120, 115, 31, 123, 17], strict=True)
    book = ResourceInput("fa", "First Aid", BOOK, "pages", 4, tuple(ResourcePart(*part) for part in pages))
    step = StepInput("s", "Step", date(2026, 1, 5), date(2026, 4, 4), blocks, (book,))
    calendar = StudyCalendar((480, 0, 0, 0, 0, 0, 120))

    layout = lay_out(step, calendar, step.first_day)

    assert layout.loads[0].minutes_available > 4 * layout.loads[0].minutes_needed
    assert layout.shortfall == ()
    block2 = next(span for span in layout.block_spans if span.key == "b2")
    assert (block2.starts_on, block2.ends_on) == (date(2026, 3, 1), date(2026, 3, 2))  # a Sunday and a Monday
    assert_keeps_its_promises(step, calendar, layout)


def test_laying_out_the_remaining_work_again_keeps_the_phases():
    step = step1_plan()
    layout = lay_out(step, STEP1_CALENDAR, step.first_day)
    done = dict.fromkeys(range(len(layout.allocations)), 10**6)  # everything so far done

    rest = daily.remaining_step(step, layout, done)
    again = lay_out(rest, STEP1_CALENDAR, date(2027, 3, 1))

    assert sum(p.amount for r in rest.resources for p in r.parts) == 0
    assert again.final_review.starts_on == layout.final_review.starts_on
    assert again.how_chosen == "Phases as set: practice from 2027-02-26, final review from 2027-03-26."
    assert [e.day for e in again.practice_exam_days] == [e.day for e in layout.practice_exam_days]


def test_a_plan_without_practice_work_has_no_practice_phase():
    step = step1_plan(practice_exams=())
    step = replace(step, resources=step.resources[:2])
    layout = lay_out(step, STEP1_CALENDAR, step.first_day)
    assert layout.practice.is_empty
    assert layout.content.ends_on == layout.final_review.starts_on - DAY
    assert layout.how_chosen == "No practice phase; final review: the last 6 days."


def test_labels_name_pages_chapters_hours_and_questions():
    videos = ResourceInput("bb", "Boards and Beyond", VIDEO, "minutes", 1, ())
    pages = ResourceInput("fa", "First Aid", BOOK, "pages", 5, ())
    chapters = ResourceInput("p", "Pathoma", VIDEO, "chapters", 60, ())
    questions = ResourceInput("uw", "UWorld Step 1", QBANK, "questions", 3, ())
    assert daily.task_label(pages, "Cardiovascular", 284, 18) == "First Aid pp. 284–301 (Cardiovascular)"
    assert daily.task_label(pages, None, 284, 1) == "First Aid p. 284"
    assert daily.task_label(chapters, None, 8, 2) == "Pathoma ch. 8–9"
    assert daily.task_label(videos, "Cardiovascular", None, 90) == "1.5 h of Boards and Beyond (Cardiovascular)"
    assert daily.task_label(videos, None, None, 45) == "45 min of Boards and Beyond"
    assert daily.task_label(questions, None, None, 1) == "UWorld Step 1: 1 question, mixed, timed"


def test_a_month_of_a_three_year_plan_is_the_same_as_in_the_whole_plan_and_cheap():
    step = step1_plan(first_day=date(2026, 1, 5), exam_day=date(2029, 1, 8))
    calendar = StudyCalendar((240, 240, 240, 240, 240, 480, 0), days_off(date(2027, 7, 1), date(2027, 7, 14)))

    started = time.perf_counter()
    layout = lay_out(step, calendar, step.first_day)
    took = time.perf_counter() - started
    month = tasks_between(layout, calendar, date(2027, 7, 1), date(2027, 7, 31), by_key(step))

    whole = all_tasks(layout, calendar, step)
    assert month == {day: tasks for day, tasks in whole.items() if date(2027, 7, 1) <= day <= date(2027, 7, 31)}
    assert min(month) == date(2027, 7, 15)
    # generous against slow machines; it is a few milliseconds, and per-unit loops would take seconds
    assert took < 0.5


def test_overdue_work_counts_from_the_first_day_it_was_due():
    step = step1_plan()
    layout = lay_out(step, STEP1_CALENDAR, step.first_day)
    first_aid_cardio = next(i for i, a in enumerate(layout.allocations) if a.resource_key == "fa")
    done = {first_aid_cardio: 12}  # only the first day's pages

    items = daily.overdue(layout, STEP1_CALENDAR, date(2026, 12, 4), done)

    item = next(i for i in items if i.allocation_index == first_aid_cardio)
    assert item.since == date(2026, 12, 2)
    assert item.first_unit == 284 + 12
    assert item.units == 24
    assert item.minutes == 120


def test_catching_up_spreads_overdue_work_over_the_next_days_first():
    step = step1_plan()
    layout = lay_out(step, STEP1_CALENDAR, step.first_day)
    today = date(2026, 12, 8)
    items = daily.overdue(layout, STEP1_CALENDAR, today, {})
    rest = daily.remaining_step(step, layout, {})

    caught_up = daily.spread_overdue(rest, STEP1_CALENDAR, today, [i.work for i in items], days=5)

    assert caught_up.layout.content.starts_on == date(2026, 12, 13)  # five calendar days later
    assert caught_up.summary[0].startswith("Overdue work (")
    first_day = tasks_on(caught_up.layout, STEP1_CALENDAR, today, by_key(step))
    assert any(label.startswith("First Aid pp. 284–") for label in labels(first_day))
    assert_keeps_its_promises(rest, STEP1_CALENDAR, caught_up.layout)


def test_dropping_the_lowest_yield_work_starts_with_the_smallest_share():
    step = step1_plan(first_day=date(2027, 2, 1))
    dropped = daily.drop_lowest_yield(step, STEP1_CALENDAR, step.first_day)

    assert dropped.dropped[0].block_key == "path"
    assert dropped.summary[0].startswith("Dropped ")
    assert not [w for w in dropped.layout.unfitted if w.block_key is not None]


def test_more_daily_minutes_and_pushing_later_change_what_fits():
    step = step1_plan(first_day=date(2027, 1, 25))
    short = lay_out(step, STEP1_CALENDAR, step.first_day)
    more = daily.with_daily_minutes(step, STEP1_CALENDAR, step.first_day, (720,) * 6 + (0,))
    pushed = daily.push_remaining(step, STEP1_CALENDAR, step.first_day, days=7)

    assert sum(s.minutes for s in more.layout.shortfall) < sum(s.minutes for s in short.shortfall)
    assert more.summary[0] == "Study time per week goes from 48 h to 72 h."
    assert pushed.layout.practice.starts_on == short.practice.starts_on + 7 * DAY
    changes = daily.preview(
        (short, STEP1_CALENDAR), (more.layout, more.calendar), by_key(step), step.first_day, step.exam_day
    )
    assert changes
    assert changes[0].minutes_after >= changes[0].minutes_before


# Properties


def assert_keeps_its_promises(step, calendar, layout, dropped=()):
    resources = by_key(step)
    days = all_tasks(layout, calendar, step)
    exam = step.exam_day
    for day, tasks in days.items():
        # nothing on a rest day, a day off, before the start, or on or after the exam
        assert layout.starts_on <= day < exam
        assert calendar.minutes_on(day) > 0
        # no day over its hours
        assert sum(t.minutes for t in tasks) <= calendar.minutes_on(day)
        assert all(t.minutes > 0 for t in tasks)
        if day == exam - DAY:
            assert all(t.kind == LIGHT_REVIEW for t in tasks)
        if any(t.kind == PRACTICE_EXAM for t in tasks):
            assert len(tasks) == 1
            assert tasks[0].minutes <= calendar.minutes_on(day)

    # every unit laid out once, left out as not fitting, or dropped
    tasks = [t for day in sorted(days) for t in days[day]]
    scheduled = Counter()
    for t in tasks:
        if t.allocation_index is not None and layout.allocations[t.allocation_index].kind == STUDY:
            scheduled[t.resource_key] += t.amount
    short = {s.resource_key: s.units for s in layout.shortfall}
    gone = Counter()
    for w in dropped:
        gone[w.resource_key] += w.amount
    for r in step.resources:
        assert scheduled[r.key] + short.get(r.key, 0) + gone[r.key] == sum(p.amount for p in r.parts)

    # numbered units: the same units as the parts, none twice, and each allocation's days follow on
    for r in step.resources:
        placed = [(t.first_unit, t.last_unit) for t in tasks if t.resource_key == r.key and t.first_unit is not None]
        placed += [
            (w.first_unit, w.first_unit + w.amount - 1)
            for w in (*layout.unfitted, *dropped)
            if w.resource_key == r.key and w.first_unit is not None
        ]
        wanted = [(p.first_unit, p.first_unit + p.amount - 1) for p in r.parts if p.first_unit is not None and p.amount]
        assert merged(placed) == merged(wanted)
        assert sum(b - a + 1 for a, b in placed) == sum(b - a + 1 for a, b in wanted)
    for index in {t.allocation_index for t in tasks if t.first_unit is not None}:
        mine = [t for t in tasks if t.allocation_index == index]
        assert mine[0].first_unit == layout.allocations[index].first_unit
        assert all(b.first_unit == a.last_unit + 1 for a, b in pairwise(mine))

    # practice exams at least 5 days apart, before the exam, on days with their minutes
    exam_days = [e.day for e in layout.practice_exam_days]
    assert all((b - a).days >= 5 for a, b in pairwise(exam_days))
    assert all(layout.starts_on <= d <= exam - 2 * DAY for d in exam_days)
    placed_exams = {e.key for e in layout.practice_exam_days} | set(layout.unplaced_practice_exams)
    assert placed_exams == {e.key for e in step.practice_exams}

    # blocks in the given order, not overlapping, and their content inside them
    order = [b.key for b in step.blocks]
    spans = layout.block_spans
    assert [order.index(s.key) for s in spans] == sorted(order.index(s.key) for s in spans)
    assert all(a.ends_on < b.starts_on for a, b in pairwise(spans))
    span_by_key = {s.key: s for s in spans}
    for t in tasks:
        in_content = (
            t.allocation_index is not None
            and layout.allocations[t.allocation_index].starts_on >= layout.content.starts_on
        )
        if t.kind in NEW_MATERIAL and t.block_key in span_by_key and in_content:
            assert span_by_key[t.block_key].starts_on <= t.day <= span_by_key[t.block_key].ends_on

    # the shares of the allocations active on any day add up to at most 1
    for a in layout.allocations:
        active = [b.share for b in layout.allocations if b.starts_on <= a.starts_on <= b.ends_on]
        assert sum(active) <= 1 + 1e-9
    assert all(k in resources for k in short)


def merged(ranges):
    out = []
    for a, b in sorted(ranges):
        if out and a <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


KINDS = [
    (BOOK, "pages", [2, 4, 5, 8]),
    (VIDEO, "chapters", [20, 45, 60, 90]),
    (VIDEO, "minutes", [1, 1.25, 1.5]),
    (QBANK, "questions", [1.5, 2, 3]),
    (CARDS, "cards", [0.5, 1]),
]


DAY_MINUTES = [0, 30, 120, 240, 360, 480, 600, 720]
LIGHT_DAY_MINUTES = [0, 0, 20, 90]


@st.composite
def plans(draw, kinds=KINDS, day_minutes=DAY_MINUTES, light_day_minutes=LIGHT_DAY_MINUTES):
    first_day = date(2026, 1, 5) + draw(st.integers(0, 6)) * DAY
    window = draw(st.integers(10, 3 * 365))
    exam = first_day + window * DAY
    weekly = tuple(draw(st.lists(st.sampled_from(day_minutes), min_size=7, max_size=7)))
    exceptions = {}
    for _ in range(draw(st.integers(0, 4))):
        start = first_day + draw(st.integers(-3, window + 3)) * DAY
        exceptions |= days_off(start, start + draw(st.integers(0, 10)) * DAY, draw(st.sampled_from(light_day_minutes)))
    calendar = StudyCalendar(weekly, exceptions)

    blocks = tuple(
        BlockInput(f"b{n}", f"Block {n}", draw(st.integers(1, 20)) / 100) for n in range(draw(st.integers(1, 25)))
    )
    resources = []
    for n in range(draw(st.integers(1, 5))):
        kind, unit, paces = draw(st.sampled_from(kinds))
        numbered = unit in ("pages", "chapters")
        parts, unit_number = [], draw(st.integers(1, 50))
        for block in [*blocks, None]:
            if draw(st.booleans()):
                amount = draw(st.integers(0, 12 if unit == "chapters" else 400))
                parts.append(ResourcePart(block and block.key, unit_number if numbered else None, amount))
                unit_number += amount + draw(st.integers(0, 3))
        resources.append(
            ResourceInput(f"r{n}", f"Resource {n}", kind, unit, draw(st.sampled_from(paces)), tuple(parts))
        )
    exams = tuple(
        PracticeExamInput(f"e{n}", f"Exam {n}", draw(st.sampled_from([60, 180, 300, 420])), 4, 40, n == 3)
        for n in range(draw(st.integers(0, 4)))
    )
    weakest = tuple(draw(st.lists(st.sampled_from([b.key for b in blocks]), max_size=3, unique=True)))
    step = StepInput("s", "Step", first_day, exam, blocks, tuple(resources), exams, weakest)
    today = first_day + draw(st.sampled_from([0, 0, window // 3, window - 1])) * DAY
    return step, calendar, today


@settings(max_examples=60, deadline=None)
@given(plan=plans(), data=st.data())
def test_layouts_keep_their_promises(plan, data):
    step, calendar, today = plan
    layout = lay_out(step, calendar, today)

    assert_keeps_its_promises(step, calendar, layout)
    whole = all_tasks(layout, calendar, step)
    first = layout.starts_on + data.draw(st.integers(0, 400)) * DAY
    last = first + data.draw(st.integers(0, 40)) * DAY
    part = tasks_between(layout, calendar, first, last, by_key(step))
    assert part == {day: tasks for day, tasks in whole.items() if first <= day <= last}


@settings(max_examples=40, deadline=None)
@given(plan=plans(), data=st.data())
def test_catching_up_accounts_for_every_remaining_unit(plan, data):
    step, calendar, first_day = plan
    layout = lay_out(step, calendar, first_day)
    today = first_day + data.draw(st.integers(1, max(1, (step.exam_day - first_day).days))) * DAY
    done = {
        n: data.draw(st.integers(0, a.amount)) for n, a in enumerate(layout.allocations) if data.draw(st.booleans())
    }
    items = daily.overdue(layout, calendar, today, done)
    assert all(i.since < today and 0 < i.units <= layout.allocations[i.allocation_index].amount for i in items)
    rest = daily.remaining_step(step, layout, done)
    remaining = sum(p.amount for r in rest.resources for p in r.parts)
    assert remaining == sum(a.amount - min(done.get(n, 0), a.amount) for n, a in enumerate(layout.allocations)) + sum(
        s.units for s in layout.shortfall
    )

    days = data.draw(st.integers(1, 14))
    spread = daily.spread_overdue(rest, calendar, today, [i.work for i in items], days)
    assert_keeps_its_promises(rest, calendar, spread.layout)
    pushed = daily.push_remaining(rest, calendar, today, data.draw(st.integers(0, 30)))
    assert_keeps_its_promises(rest, calendar, pushed.layout)
    dropped = daily.drop_lowest_yield(rest, calendar, today)
    assert_keeps_its_promises(rest, calendar, dropped.layout, dropped.dropped)
    more = daily.with_daily_minutes(rest, calendar, today, [m + 60 for m in calendar.weekly_minutes])
    assert_keeps_its_promises(rest, more.calendar, more.layout)


# Units of a few minutes at most, and study days of two hours or more: the rounding of shares and of
# days into blocks is then small against a content phase with twice the time its work needs.
SMALL_UNIT_KINDS = [(kind, unit, paces) for kind, unit, paces in KINDS if unit != "chapters"]


@settings(max_examples=60, deadline=None)
@given(plan=plans(kinds=SMALL_UNIT_KINDS, day_minutes=[0, 120, 240, 480, 720], light_day_minutes=[0, 120]))
def test_content_that_fits_the_phase_is_never_reported_as_not_fitting(plan):
    step, calendar, today = plan
    layout = lay_out(step, calendar, today)
    content = layout.loads[0]
    days = [d for d, _ in daily._study_days(calendar, layout.content.starts_on, layout.content.ends_on)]
    parts = [(r, p) for r in step.resources for p in r.parts if p.amount and not daily._is_mixed(r, p)]
    blocks = {p.block_key for _, p in parts}
    rounding = len(parts) * len(days) * (1 + max((r.minutes_per_unit for r, _ in parts), default=0))
    assume(parts and len(days) >= 2 * len(blocks))
    assume(content.minutes_available >= 2 * content.minutes_needed + rounding)

    by_key = {r.key: r for r in step.resources}
    assert [w for w in layout.unfitted if not daily._is_mixed(by_key[w.resource_key], w)] == []
    assert_keeps_its_promises(step, calendar, layout)
