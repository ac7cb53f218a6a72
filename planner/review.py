"""Spaced review of completed topics, scheduled by FSRS and fitted to the exam date: plain functions over plain values.

A card's state is FSRS's own dict (Card.to_dict), ready for a JSONField as it is. Ratings are
"again", "hard", "good" and "easy".
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from fsrs import Card, Rating, Scheduler

DESIRED_RETENTION = 0.9
# A topic is reviewed again after days, not minutes: no same-day learning or relearning steps, so
# every rating schedules whole days. No fuzzing either: plans stay reproducible, and plan_reviews
# spreads the load over the days itself.
SCHEDULER = Scheduler(desired_retention=DESIRED_RETENTION, learning_steps=(), relearning_steps=(), enable_fuzzing=False)
RATINGS = {"again": Rating.Again, "hard": Rating.Hard, "good": Rating.Good, "easy": Rating.Easy}
ONE_DAY = timedelta(days=1)


@dataclass
class ReviewPlan:
    by_day: dict[date, list]
    shortfall: list[tuple[object, str]]
    exam_day_recall: dict[object, float]


def _utc(moment):
    # FSRS refuses anything but UTC; a naive datetime would be a guess about the time zone.
    if moment.tzinfo is None:
        raise ValueError("Review times must be timezone-aware.")
    return moment.astimezone(UTC)


def new_card(completed_at):
    """The card of a topic just completed: studying it counts as its first review, rated Good."""
    completed_at = _utc(completed_at)
    card = Card(card_id=int(completed_at.timestamp() * 1000), due=completed_at)
    card, _ = SCHEDULER.review_card(card, Rating.Good, completed_at)
    return card.to_dict()


def review(card_state, rating, reviewed_at):
    """The card after a review rated `rating`, and when it is next due."""
    if rating.lower() not in RATINGS:
        raise ValueError(f"Unknown rating {rating!r}; expected one of {', '.join(RATINGS)}.")
    card, _ = SCHEDULER.review_card(Card.from_dict(card_state), RATINGS[rating.lower()], _utc(reviewed_at))
    return card.to_dict(), card.due


def due_of(card_state):
    return Card.from_dict(card_state).due


def retrievability(card_state, on):
    return SCHEDULER.get_card_retrievability(Card.from_dict(card_state), _utc(on))


def _at_noon(day):
    # Planned reviews and the exam all fall at the same hour, so FSRS counts whole days between them.
    return datetime.combine(day, time(12), tzinfo=UTC)


def _after_good_review(card, day):
    return SCHEDULER.review_card(card, Rating.Good, _at_noon(day))[0]


def _recall_on(card, day):
    return SCHEDULER.get_card_retrievability(card, _at_noon(day))


def wanted_review_days(card, due_day, today, exam_day, stretch_start, target_recall):
    """The days a card should be reviewed before exam_day, each review assumed rated Good.

    FSRS's own due dates (an overdue card from today), then, if the last of them is before the final
    stretch or leaves recall on exam day under target, one more on the day before the exam.
    """
    last_day = exam_day - ONE_DAY
    if last_day < today:
        return []
    days = []
    day = max(due_day, today)
    while day < exam_day:
        days.append(day)
        card = _after_good_review(card, day)
        day = max(card.due.date(), day + ONE_DAY)
    if days and days[-1] >= stretch_start and _recall_on(card, exam_day) >= target_recall:
        return days
    if not days or days[-1] != last_day:
        days.append(last_day)
    return days


def plan_reviews(
    items,
    exam_day,
    today,
    day_capacity_minutes: Mapping[date, int],
    minutes_per_review: int,
    final_stretch_days: int = 14,
    target_recall: float = DESIRED_RETENTION,
):
    """Plan the reviews of items, (key, card_state, due), from today until the day before exam_day.

    due is read by its calendar date, so pass it in the person's own time zone. Each day holds as many
    reviews as fit in its minutes; a review that does not fit moves to the nearest earlier day with
    room, never before today, and the last review of a card never before the final stretch. Reviews
    are placed latest first, so the ones closest to the exam (which matter most for it) get their days.
    """
    if minutes_per_review <= 0:
        raise ValueError("A review takes at least a minute.")
    if final_stretch_days < 1:
        raise ValueError("The final stretch is at least one day.")
    stretch_start = max(today, exam_day - timedelta(days=final_stretch_days))
    cards = [Card.from_dict(state) for _, state, _ in items]
    wanted = [
        wanted_review_days(card, due.date(), today, exam_day, stretch_start, target_recall)
        for card, (_, _, due) in zip(cards, items, strict=True)
    ]
    room = {}
    day = today
    while day < exam_day:
        room[day] = max(0, day_capacity_minutes.get(day, 0) // minutes_per_review)
        day += ONE_DAY

    requests = [(day, index, position) for index, days in enumerate(wanted) for position, day in enumerate(days)]
    requests.sort(key=lambda request: (-request[0].toordinal(), request[1]))
    placed = [[] for _ in items]
    shortfall = []
    for wanted_day, index, position in requests:
        key = items[index][0]
        is_last = position == len(wanted[index]) - 1
        # Its later reviews are placed already; one pushed back to this day or earlier covers this one.
        if placed[index] and min(placed[index]) <= wanted_day:
            continue
        latest = wanted_day
        earliest = stretch_start if is_last else today
        while latest >= earliest and room[latest] == 0:
            latest -= ONE_DAY
        if latest < earliest:
            if is_last:
                reason = f"no room for a review between {stretch_start} and {exam_day - ONE_DAY}"
            else:
                reason = f"no room on or before {wanted_day} for the review due then"
            shortfall.append((key, reason))
            continue
        room[latest] -= 1
        placed[index].append(latest)

    by_day = {}
    exam_day_recall = {}
    for (key, _, _), card, days in zip(items, cards, placed, strict=True):
        for day in sorted(days):
            by_day.setdefault(day, []).append(key)
            card = _after_good_review(card, day)
        recall = _recall_on(card, exam_day)
        exam_day_recall[key] = recall
        if recall < target_recall:
            shortfall.append((key, f"predicted recall on exam day is {recall:.0%}, under the {target_recall:.0%} aim"))
    return ReviewPlan(by_day=dict(sorted(by_day.items())), shortfall=shortfall, exam_day_recall=exam_day_recall)
