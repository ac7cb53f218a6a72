"""Checking an import document in full before anything is written; each error names the item and field."""

import json
import math
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from accounts.models import User, validate_time_zone
from planner import review
from planner.exports.document import SCHEMA, VERSION
from planner.models import (
    MAX_HOURS_PER_DAY,
    MAX_RESOURCE_UNITS,
    THREE_DIGIT_MAX,
    WEEKDAY_NAMES,
    ContentArea,
    DayException,
    Milestone,
    Plan,
    PlanResource,
    PracticeExam,
    Resource,
    SelfAssessment,
    Step,
    StudyLog,
    Topic,
)
from planner.models.tracking import MAX_BLOCK_QUESTIONS, MAX_LOG_MINUTES
from usmleprep.lib.bounds import EARLIEST_DATE, latest_date, refuse_control_characters
from usmleprep.lib.dates import human

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_PLANS = 20
# Enough to fix a file by hand; a file with more problems than this is probably not an export.
MAX_ERRORS_SHOWN = 50
# Minutes a Step's topics may need or be given: far above any real plan, far below the column's limit.
MAX_PLAN_MINUTES = 10_000_000
# USMLE allows at most four attempts at a Step (since 2021-07-01).
MAX_ATTEMPTS = 4
# A review card is a small dict of FSRS's (planner/review.py); a topic is reviewed a few dozen times at most.
MAX_CARD_CHARACTERS = 1000
MAX_REVIEWS = 10_000

# Checking a document


class Invalid(Exception):
    pass


MISSING = object()


@dataclass
class Catalog:
    """The catalog's natural keys, read once for a whole document."""

    steps: dict  # code -> Step
    areas: dict  # (step code, kind, name) -> ContentArea
    topics: dict  # (area id, name) -> topic id
    resources: dict  # key -> Resource
    forms: dict  # key -> SelfAssessment

    @classmethod
    def load(cls):
        steps = {step.code: step for step in Step.objects.all()}
        by_pk = {step.pk: step for step in steps.values()}
        areas = {}
        for area in ContentArea.objects.all():
            area.step = by_pk[area.step_id]
            areas[(area.step.code, area.kind, area.name)] = area
        topics = {(area_id, name): pk for pk, area_id, name in Topic.objects.values_list("pk", "area", "name")}
        return cls(
            steps=steps,
            areas=areas,
            topics=topics,
            resources={r.key: r for r in Resource.objects.all()},
            forms={f.key: f for f in SelfAssessment.objects.all()},
        )


def _max_length(model, name):
    return model._meta.get_field(name).max_length


def text(model, name, *, required=False):
    limit = _max_length(model, name)

    def parse(value):
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise Invalid("not text")
        if required and not value.strip():
            raise Invalid("required")
        if len(value) > limit:
            raise Invalid(f"longer than {limit} characters")
        try:
            refuse_control_characters(value)
        except ValidationError:
            raise Invalid("contains invisible control characters") from None
        return value

    return parse


def choice(choices, *, blank=False):
    allowed = [value for value, _ in choices]

    def parse(value):
        if blank and value in (None, ""):
            return ""
        if value not in allowed:
            raise Invalid(f"not one of {', '.join(allowed)}")
        return value

    return parse


def _in_range(day, today):
    if not EARLIEST_DATE <= day <= latest_date(today):
        raise Invalid(f"not between {human(EARLIEST_DATE)} and {human(latest_date(today))}")


def day(today, *, required=True):
    def parse(value):
        if value is None:
            if required:
                raise Invalid("required")
            return None
        if not isinstance(value, str) or len(value) != 10:
            raise Invalid("not a date")
        try:
            parsed = date.fromisoformat(value)
        except ValueError:
            raise Invalid("not a date") from None
        _in_range(parsed, today)
        return parsed

    return parse


def moment(today, *, required=True):
    def parse(value):
        if value is None:
            if required:
                raise Invalid("required")
            return None
        if not isinstance(value, str) or len(value) > 40:
            raise Invalid("not a date and time")
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise Invalid("not a date and time") from None
        if parsed.tzinfo is None:
            raise Invalid("a date and time without its time zone")
        _in_range(parsed.astimezone(UTC).date(), today)
        return parsed

    return parse


def whole(low, high, *, required=True):
    def parse(value):
        if value is None:
            if required:
                raise Invalid("required")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise Invalid("not a whole number")
        if not low <= value <= high:
            raise Invalid(f"not between {low} and {high}")
        return value

    return parse


def decimal(model, name, low, high):
    field = model._meta.get_field(name)

    def parse(value):
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise Invalid("not a number")
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise Invalid("not a number") from None
        if not low <= number <= high:
            raise Invalid(f"not between {low} and {high}")
        if number != round(number, field.decimal_places):
            raise Invalid(f"more than {field.decimal_places} decimal places")
        return round(number, field.decimal_places)

    return parse


def _optional_boolean(*, default):
    def parse(value):
        return default if value is None else boolean(value)

    return parse


def boolean(value):
    if not isinstance(value, bool):
        raise Invalid("not true or false")
    return value


class Checker:
    """Collects errors, each naming the item and the field: "plans[0].milestones[1].target_date: not a date"."""

    def __init__(self, catalog, today):
        self.catalog = catalog
        self.today = today
        self.errors = []

    def error(self, path, message):
        self.errors.append(f"{path}: {message}")

    def record(self, value, path):
        if not isinstance(value, dict):
            self.error(path, "not an object")
            return None
        return value

    def items(self, record, name, path):
        value = record.get(name, [])
        if not isinstance(value, list):
            self.error(f"{path}.{name}", "not a list")
            return []
        return list(enumerate(value))

    def fields(self, record, path, spec):
        """{name: cleaned value} for each field of spec; a field that fails is MISSING, with its error."""
        cleaned = {}
        for name, parse in spec.items():
            try:
                cleaned[name] = parse(record.get(name))
            except Invalid as problem:
                self.error(f"{path}.{name}", str(problem))
                cleaned[name] = MISSING
        return cleaned

    def ok(self, cleaned, *names):
        return all(cleaned[name] is not MISSING for name in names)

    def area(self, value, path, step, *, required=False):
        """The ContentArea named by {"step", "kind", "name"}, which must be one of this Step's."""
        if value is None and not required:
            return None
        if not isinstance(value, dict) or not all(isinstance(value.get(k), str) for k in ("step", "kind", "name")):
            self.error(path, "not an area ({step, kind, name})")
            return MISSING
        found = self.catalog.areas.get((value["step"], value["kind"], value["name"]))
        if found is None:
            self.error(path, f"unknown area {value['step']} / {value['kind']} / {value['name']!r}")
            return MISSING
        if step is not None and found.step_id != step.pk:
            self.error(path, f"{found.name!r} is not a {step.name} area")
            return MISSING
        return found

    def keyed(self, value, path, table, what, step, *, required=True):
        if value is None and not required:
            return None
        if not isinstance(value, str):
            self.error(path, f"not a {what} key")
            return MISSING
        found = table.get(value)
        if found is None:
            self.error(path, f"unknown {what} {value!r}")
            return MISSING
        if step is not None and found.step_id != step.pk:
            self.error(path, f"{value!r} is not a {step.name} {what}")
            return MISSING
        return found


def check_document(document, today):
    """(cleaned, errors): the document checked in full, with catalog keys resolved; nothing is written."""
    checker = Checker(Catalog.load(), today)
    if not isinstance(document, dict):
        return None, ["(file): not an export (expected a JSON object)"]
    if document.get("schema") != SCHEMA:
        return None, [f"schema: not {SCHEMA!r}; this file is not an export of this site"]
    if document.get("version") != VERSION or isinstance(document.get("version"), bool):
        return None, [f"version: {document.get('version')!r} is not a version this site reads (it reads {VERSION})"]
    profile = checker.record(document.get("profile", {}), "profile") or {}
    cleaned = {
        "profile": checker.fields(
            profile,
            "profile",
            {"time_zone": _time_zone, "background": choice(User.Background.choices, blank=True)},
        ),
        "plans": [],
    }
    plans = checker.items(document, "plans", "")
    if len(plans) > MAX_IMPORT_PLANS:
        checker.error("plans", f"{len(plans)} plans; one import takes at most {MAX_IMPORT_PLANS}")
        plans = []
    for index, value in plans:
        path = f"plans[{index}]"
        plan = checker.record(value, path)
        if plan is not None:
            cleaned["plans"].append(_check_plan(checker, plan, path))
    errors = checker.errors
    if len(errors) > MAX_ERRORS_SHOWN:
        errors = [*errors[:MAX_ERRORS_SHOWN], f"… and {len(errors) - MAX_ERRORS_SHOWN} more problems"]
    return (None if errors else cleaned), errors


def validate_document(document, today):
    return check_document(document, today)[1]


def _time_zone(value):
    if not isinstance(value, str) or len(value) > _max_length(User, "time_zone"):
        raise Invalid("not a time zone")
    try:
        validate_time_zone(value)
    except ValidationError:
        raise Invalid(f"{value!r} is not a time zone we know") from None
    return value


def _card(value):
    """FSRS's card state, as planner/review.py keeps it; the Today page reads its due time."""
    if not isinstance(value, dict) or len(json.dumps(value)) > MAX_CARD_CHARACTERS:
        raise Invalid("not a review card")
    try:
        due = review.due_of(value)
    except (AttributeError, KeyError, OverflowError, TypeError, ValueError):
        raise Invalid("not a review card") from None
    if due.tzinfo is None:
        raise Invalid("not a review card")
    return value


def _weekly_hours(value):
    if not isinstance(value, list) or len(value) != len(WEEKDAY_NAMES):
        raise Invalid("not a list of 7 numbers of hours, Monday first")
    return [whole(0, MAX_HOURS_PER_DAY)(hours) for hours in value]


def _check_plan(checker, plan, path):
    today = checker.today
    cleaned = checker.fields(
        plan,
        path,
        {
            "title": text(Plan, "title", required=True),
            "start_date": day(today),
            "weekly_hours": _weekly_hours,
            "reviews_enabled": _optional_boolean(default=True),
        },
    )
    cleaned["days_off"] = []
    for index, value in checker.items(plan, "days_off", path):
        at = f"{path}.days_off[{index}]"
        if (record := checker.record(value, at)) is None:
            continue
        off = checker.fields(
            record,
            at,
            {
                "starts_on": day(today),
                "ends_on": day(today),
                "hours": whole(0, MAX_HOURS_PER_DAY),
                "note": text(DayException, "note"),
            },
        )
        if checker.ok(off, "starts_on", "ends_on") and off["ends_on"] < off["starts_on"]:
            checker.error(f"{at}.ends_on", "before starts_on")
        cleaned["days_off"].append(off)
    cleaned["milestones"] = []
    steps_seen = set()
    for index, value in checker.items(plan, "milestones", path):
        at = f"{path}.milestones[{index}]"
        if (record := checker.record(value, at)) is None:
            continue
        milestone = _check_milestone(checker, record, at)
        step = milestone["step"]
        if step is not MISSING:
            if step.code in steps_seen:
                checker.error(f"{at}.step", f"a second {step.name} in this plan")
            steps_seen.add(step.code)
        cleaned["milestones"].append(milestone)
    return cleaned


def _check_milestone(checker, record, path):
    today = checker.today
    step = checker.keyed(record.get("step"), f"{path}.step", checker.catalog.steps, "Step", None)
    if step is not MISSING and not step.plannable:
        checker.error(f"{path}.step", f"{step.name} is not a Step plans can hold")
        step = MISSING
    m = checker.fields(
        record,
        path,
        {
            "status": choice(Milestone.Status.choices),
            "target_date": day(today, required=False),
            "starts_on": day(today, required=False),
            "target_score": whole(1, THREE_DIGIT_MAX, required=False),
            "scheduled_on": day(today, required=False),
            "minutes_needed": whole(0, MAX_PLAN_MINUTES),
            "minutes_available": whole(0, MAX_PLAN_MINUTES),
        },
    )
    m["step"] = step
    if checker.ok(m, "status", "target_date", "starts_on") and m["status"] != Milestone.Status.PASSED:
        if m["target_date"] is None:
            checker.error(f"{path}.target_date", "required for a Step still ahead")
        if m["starts_on"] is None:
            checker.error(f"{path}.starts_on", "required for a Step still ahead")
    dates = checker.ok(m, "target_date", "starts_on") and None not in (m["target_date"], m["starts_on"])
    if dates and m["target_date"] <= m["starts_on"]:
        checker.error(f"{path}.target_date", "not after starts_on")
    step = None if step is MISSING else step
    m["topics"] = _check_topics(checker, record, path, step)
    m["resources"] = _check_resources(checker, record, path, step)
    m["blocks"] = _unique(
        checker,
        [
            (f"{path}.blocks[{i}]", checker.area(v, f"{path}.blocks[{i}]", step, required=True))
            for i, v in checker.items(record, "blocks", path)
        ],
        "a second block for this system",
    )
    slots = []
    for index, value in checker.items(record, "practice_exam_slots", path):
        at = f"{path}.practice_exam_slots[{index}]"
        if (slot := checker.record(value, at)) is not None:
            slots.append(
                (
                    f"{at}.form",
                    checker.keyed(slot.get("form"), f"{at}.form", checker.catalog.forms, "self-assessment", step),
                )
            )
    m["practice_exam_slots"] = _unique(checker, slots, "this self-assessment is chosen twice")
    m["study_logs"] = [_check_log(checker, log, at, step) for at, log in _records(checker, record, "study_logs", path)]
    m["practice_exams"] = [
        _check_exam(checker, exam, at, step) for at, exam in _records(checker, record, "practice_exams", path)
    ]
    m["exam_results"] = []
    attempts = set()
    for at, value in _records(checker, record, "exam_results", path):
        result = checker.fields(
            value,
            at,
            {
                "attempt": whole(1, MAX_ATTEMPTS),
                "sat_on": day(today),
                "passed": boolean,
                "score": whole(1, THREE_DIGIT_MAX, required=False),
            },
        )
        if checker.ok(result, "attempt"):
            if result["attempt"] in attempts:
                checker.error(f"{at}.attempt", f"attempt {result['attempt']} comes twice")
            attempts.add(result["attempt"])
        m["exam_results"].append(result)
    return m


def _records(checker, record, name, path):
    for index, value in checker.items(record, name, path):
        at = f"{path}.{name}[{index}]"
        if (item := checker.record(value, at)) is not None:
            yield at, item


def _unique(checker, pairs, message):
    """The found objects of (path, object) pairs, each once; a repeat is an error at its path."""
    seen, found = set(), []
    for path, obj in pairs:
        if obj is MISSING:
            continue
        if obj.pk in seen:
            checker.error(path, message)
        seen.add(obj.pk)
        found.append(obj)
    return found


def _check_topics(checker, record, path, step):
    today = checker.today
    topics, seen = [], set()
    for at, value in _records(checker, record, "topics", path):
        t = checker.fields(
            value,
            at,
            {
                "planned_minutes": whole(0, MAX_PLAN_MINUTES),
                "starts_on": day(today),
                "due_on": day(today),
                "completed_at": moment(today, required=False),
            },
        )
        key = value.get("topic")
        area = checker.area(key.get("area") if isinstance(key, dict) else None, f"{at}.topic.area", step, required=True)
        t["topic_id"] = MISSING
        if area is not MISSING:
            name = key.get("name")
            t["topic_id"] = checker.catalog.topics.get((area.pk, name)) if isinstance(name, str) else None
            if t["topic_id"] is None:
                checker.error(f"{at}.topic.name", f"unknown topic {name!r} in {area.name}")
                t["topic_id"] = MISSING
            elif t["topic_id"] in seen:
                checker.error(f"{at}.topic", "a second row for this topic")
            seen.add(t["topic_id"])
        if checker.ok(t, "starts_on", "due_on") and t["due_on"] < t["starts_on"]:
            checker.error(f"{at}.due_on", "before starts_on")
        t["review"] = None
        if value.get("review") is not None and (item := checker.record(value["review"], f"{at}.review")):
            t["review"] = checker.fields(
                item,
                f"{at}.review",
                {
                    "card": _card,
                    "due_on": day(today),
                    "reviews": whole(0, MAX_REVIEWS),
                    "last_rating": choice([(rating, rating) for rating in review.RATINGS], blank=True),
                    "last_reviewed_at": moment(today, required=False),
                },
            )
            if t["completed_at"] is None:
                checker.error(f"{at}.review", "a review of a topic not completed")
        topics.append(t)
    return topics


def _check_resources(checker, record, path, step):
    today = checker.today
    resources, catalog_seen = [], set()
    for at, value in _records(checker, record, "resources", path):
        r = checker.fields(
            value,
            at,
            {
                "name": text(PlanResource, "name", required=True),
                "kind": choice(Resource.Kind.choices),
                "unit": choice(Resource.Unit.choices),
                "total": decimal(PlanResource, "total", 1, MAX_RESOURCE_UNITS),
                "done_before": decimal(PlanResource, "done_before", 0, MAX_RESOURCE_UNITS),
                "minutes_per_unit": decimal(PlanResource, "minutes_per_unit", Decimal("0.1"), 600),
            },
        )
        r["resource"] = checker.keyed(
            value.get("resource"), f"{at}.resource", checker.catalog.resources, "resource", step, required=False
        )
        if r["resource"] not in (None, MISSING):
            if r["resource"].pk in catalog_seen:
                checker.error(f"{at}.resource", "this resource comes twice")
            catalog_seen.add(r["resource"].pk)
        if checker.ok(r, "total", "done_before") and r["done_before"] > r["total"]:
            checker.error(f"{at}.done_before", "more than total")
        dropped = checker.items(value, "dropped_areas", at)
        r["dropped_areas"] = [
            area.pk
            for area in (checker.area(v, f"{at}.dropped_areas[{i}]", step, required=True) for i, v in dropped)
            if area is not MISSING
        ]
        r["progress"], days = [], set()
        for p_at, p_value in _records(checker, value, "progress", at):
            p = checker.fields(
                p_value,
                p_at,
                {
                    "day": day(today),
                    "amount": whole(0, MAX_RESOURCE_UNITS),
                    "questions_correct": whole(0, MAX_RESOURCE_UNITS, required=False),
                    "completed_at": moment(today),
                },
            )
            p["area"] = checker.area(p_value.get("area"), f"{p_at}.area", step)
            if checker.ok(p, "amount", "questions_correct") and (p["questions_correct"] or 0) > p["amount"]:
                checker.error(f"{p_at}.questions_correct", "more than amount")
            if checker.ok(p, "day", "area"):
                key = (p["day"], p["area"].pk if p["area"] else None)
                if key in days:
                    checker.error(f"{p_at}.day", "a second record for this system on this day")
                days.add(key)
            r["progress"].append(p)
        resources.append(r)
    return resources


def _check_log(checker, value, at, step):
    log = checker.fields(
        value,
        at,
        {
            "studied_on": day(checker.today),
            "minutes": whole(1, MAX_LOG_MINUTES),
            "note": text(StudyLog, "note"),
            "questions_attempted": whole(1, MAX_BLOCK_QUESTIONS, required=False),
            "questions_correct": whole(0, MAX_BLOCK_QUESTIONS, required=False),
        },
    )
    log["area"] = checker.area(value.get("area"), f"{at}.area", step)
    if checker.ok(log, "questions_attempted", "questions_correct"):
        attempted, correct = log["questions_attempted"], log["questions_correct"]
        if (attempted is None) != (correct is None):
            checker.error(f"{at}.questions_correct", "give both questions_attempted and questions_correct, or neither")
        elif attempted is not None and correct > attempted:
            checker.error(f"{at}.questions_correct", "more than questions_attempted")
    return log


def _check_exam(checker, value, at, step):
    exam = checker.fields(
        value,
        at,
        {
            "kind": choice(PracticeExam.Kind.choices),
            "form_name": text(PracticeExam, "form_name"),
            "taken_on": day(checker.today),
            "score": whole(1, THREE_DIGIT_MAX, required=False),
            "percent_correct": whole(0, 100, required=False),
            "pass_probability": whole(0, 100, required=False),
        },
    )
    exam["form"] = checker.keyed(
        value.get("form"), f"{at}.form", checker.catalog.forms, "self-assessment", step, required=False
    )
    if checker.ok(exam, "score", "percent_correct") and exam["score"] is None and exam["percent_correct"] is None:
        checker.error(f"{at}.score", "give a score or percent_correct")
    exam["sections"] = _check_sections(checker, value, at, step)
    return exam


def _check_sections(checker, value, at, step):
    """A practice exam's results by system (older exports have none): one per system of its Step."""
    sections, seen = [], set()
    for section_at, record in _records(checker, value, "sections", at):
        section = checker.fields(
            record,
            section_at,
            {"percent_correct": whole(0, 100), "questions": whole(1, MAX_BLOCK_QUESTIONS, required=False)},
        )
        area = checker.area(record.get("area"), f"{section_at}.area", step, required=True)
        if area is not MISSING and area.kind != ContentArea.Kind.SYSTEM:
            checker.error(f"{section_at}.area", f"{area.name!r} is not a system")
        elif area is not MISSING and area.pk in seen:
            checker.error(f"{section_at}.area", "a second result for this system")
        elif area is not MISSING:
            seen.add(area.pk)
        section["area"] = area
        sections.append(section)
    return sections
