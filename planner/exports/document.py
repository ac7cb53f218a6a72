"""The export document: everything a person owns as JSON, and the same as CSV files in a zip."""

import csv
import io
import json
import zipfile
from datetime import UTC

from django.utils import timezone

from planner.models import (
    WEEKDAY_NAMES,
    ContentArea,
    DayException,
    ExamResult,
    Milestone,
    Plan,
    PlanResource,
    PlanTopic,
    PracticeExam,
    PracticeExamSection,
    PracticeExamSlot,
    Resource,
    ReviewItem,
    SelfAssessment,
    StudyBlock,
    StudyLog,
    TaskProgress,
)

SCHEMA = "usmleprep-export"
VERSION = 1

# Building the document


def _day(value):
    return value.isoformat() if value else None


def _moment(value):
    return value.astimezone(UTC).isoformat() if value else None


def _number(value):
    return float(value) if value is not None else None


def area_key(area):
    return {"step": area.step.code, "kind": area.kind, "name": area.name}


def build_document(user, now=None):
    """The person's profile and plans as plain JSON values, in a fixed number of queries."""
    areas = {area.pk: area_key(area) for area in ContentArea.objects.select_related("step")}
    resource_keys = dict(Resource.objects.values_list("pk", "key"))
    form_keys = dict(SelfAssessment.objects.values_list("pk", "key"))
    plans = list(Plan.objects.filter(owner=user).order_by("pk"))
    milestones = list(Milestone.objects.filter(plan__owner=user).select_related("step").order_by("plan", "step__order"))
    children = {
        "days_off": _grouped(DayException.objects.filter(plan__owner=user).order_by("starts_on", "pk"), "plan_id"),
        "topics": _grouped(
            PlanTopic.objects.filter(milestone__plan__owner=user).select_related("topic").order_by("position", "pk")
        ),
        "reviews": _grouped(ReviewItem.objects.filter(plan_topic__milestone__plan__owner=user), "plan_topic_id"),
        "resources": _grouped(PlanResource.objects.filter(milestone__plan__owner=user).order_by("position", "pk")),
        "progress": _grouped(
            TaskProgress.objects.filter(plan_resource__milestone__plan__owner=user).order_by("day", "pk"),
            "plan_resource_id",
        ),
        "blocks": _grouped(StudyBlock.objects.filter(milestone__plan__owner=user).order_by("position", "pk")),
        "slots": _grouped(PracticeExamSlot.objects.filter(milestone__plan__owner=user).order_by("pk")),
        "logs": _grouped(StudyLog.objects.filter(plan__owner=user).order_by("studied_on", "pk")),
        "exams": _grouped(PracticeExam.objects.filter(plan__owner=user).order_by("taken_on", "pk")),
        "sections": _grouped(
            PracticeExamSection.objects.filter(practice_exam__plan__owner=user).order_by("area", "pk"),
            "practice_exam_id",
        ),
        "results": _grouped(ExamResult.objects.filter(milestone__plan__owner=user).order_by("attempt", "pk")),
    }

    def area(area_id):
        return areas[area_id] if area_id else None

    def resource(pr):
        return {
            "resource": resource_keys.get(pr.resource_id),
            "name": pr.name,
            "kind": pr.kind,
            "unit": pr.unit,
            "total": _number(pr.total),
            "done_before": _number(pr.done_before),
            "minutes_per_unit": _number(pr.minutes_per_unit),
            "dropped_areas": [areas[pk] for pk in pr.dropped_areas if pk in areas],
            "progress": [
                {
                    "area": area(p.area_id),
                    "day": _day(p.day),
                    "amount": p.amount,
                    "questions_correct": p.questions_correct,
                    "completed_at": _moment(p.completed_at),
                }
                for p in children["progress"].get(pr.pk, [])
            ],
        }

    def milestone(m):
        return {
            "step": m.step.code,
            "status": m.status,
            "target_date": _day(m.target_date),
            "starts_on": _day(m.starts_on),
            "target_score": m.target_score,
            "scheduled_on": _day(m.scheduled_on),
            "minutes_needed": m.minutes_needed,
            "minutes_available": m.minutes_available,
            "topics": [
                {
                    "topic": {"area": areas[pt.topic.area_id], "name": pt.topic.name},
                    "planned_minutes": pt.planned_minutes,
                    "starts_on": _day(pt.starts_on),
                    "due_on": _day(pt.due_on),
                    "completed_at": _moment(pt.completed_at),
                    "review": review_of(children["reviews"].get(pt.pk, [None])[0]),
                }
                for pt in children["topics"].get(m.pk, [])
            ],
            "resources": [resource(pr) for pr in children["resources"].get(m.pk, [])],
            "blocks": [areas[block.area_id] for block in children["blocks"].get(m.pk, [])],
            "practice_exam_slots": [{"form": form_keys[slot.form_id]} for slot in children["slots"].get(m.pk, [])],
            "study_logs": [
                {
                    "area": area(log.area_id),
                    "studied_on": _day(log.studied_on),
                    "minutes": log.minutes,
                    "note": log.note,
                    "questions_attempted": log.questions_attempted,
                    "questions_correct": log.questions_correct,
                }
                for log in children["logs"].get(m.pk, [])
            ],
            "practice_exams": [
                {
                    "kind": exam.kind,
                    "form": form_keys.get(exam.form_id),
                    "form_name": exam.form_name,
                    "taken_on": _day(exam.taken_on),
                    "score": exam.score,
                    "percent_correct": exam.percent_correct,
                    "pass_probability": exam.pass_probability,
                    "sections": [
                        {"area": areas[s.area_id], "percent_correct": s.percent_correct, "questions": s.questions}
                        for s in children["sections"].get(exam.pk, [])
                    ],
                }
                for exam in children["exams"].get(m.pk, [])
            ],
            "exam_results": [
                {"attempt": r.attempt, "sat_on": _day(r.sat_on), "passed": r.passed, "score": r.score}
                for r in children["results"].get(m.pk, [])
            ],
        }

    by_plan = _grouped(milestones, "plan_id")
    return {
        "schema": SCHEMA,
        "version": VERSION,
        "exported_at": _moment(now or timezone.now()),
        "profile": {
            "name": user.name,
            "email": user.email,
            "time_zone": user.time_zone,
            "background": user.background,
        },
        "plans": [
            {
                "title": plan.title,
                "start_date": _day(plan.start_date),
                "weekly_hours": plan.weekly_hours,
                "reviews_enabled": plan.reviews_enabled,
                "days_off": [
                    {"starts_on": _day(e.starts_on), "ends_on": _day(e.ends_on), "hours": e.hours, "note": e.note}
                    for e in children["days_off"].get(plan.pk, [])
                ],
                "milestones": [milestone(m) for m in by_plan.get(plan.pk, [])],
            }
            for plan in plans
        ],
    }


def review_of(item):
    if item is None:
        return None
    return {
        "card": item.card,
        "due_on": _day(item.due_on),
        "reviews": item.reviews,
        "last_rating": item.last_rating,
        "last_reviewed_at": _moment(item.last_reviewed_at),
    }


def _grouped(rows, key="milestone_id"):
    groups = {}
    for row in rows:
        groups.setdefault(getattr(row, key), []).append(row)
    return groups


# The same document as CSV files, one per kind of record


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        # A spreadsheet would run it as a formula (CSV injection); the quote keeps it text.
        return "'" + value
    return value


CSV_HEADERS = {
    "profile.csv": ("name", "email", "time_zone", "background"),
    "plans.csv": (
        *("plan", "title", "start_date", *(f"hours_{day.lower()}" for day in WEEKDAY_NAMES)),
        "reviews_enabled",
    ),
    "days_off.csv": ("plan", "starts_on", "ends_on", "hours", "note"),
    "milestones.csv": (
        *("plan", "step", "status", "target_date", "starts_on", "target_score"),
        *("scheduled_on", "minutes_needed", "minutes_available"),
    ),
    "topics.csv": (
        *("plan", "step", "area_kind", "area", "topic"),
        *("planned_minutes", "starts_on", "due_on", "completed_at"),
    ),
    "reviews.csv": (
        *("plan", "step", "area_kind", "area", "topic"),
        *("due_on", "reviews", "last_rating", "last_reviewed_at", "card"),
    ),
    "resources.csv": (
        *("plan", "step", "resource_number", "resource", "name", "kind", "unit"),
        *("total", "done_before", "minutes_per_unit", "dropped_areas"),
    ),
    "task_progress.csv": (
        *("plan", "step", "resource_number", "area_kind", "area"),
        *("day", "amount", "questions_correct", "completed_at"),
    ),
    "blocks.csv": ("plan", "step", "position", "area_kind", "area"),
    "practice_exam_slots.csv": ("plan", "step", "form"),
    "study_logs.csv": (
        *("plan", "step", "area_kind", "area", "studied_on", "minutes", "note"),
        *("questions_attempted", "questions_correct"),
    ),
    "practice_exams.csv": (
        *("plan", "step", "kind", "form", "form_name", "taken_on"),
        *("score", "percent_correct", "pass_probability"),
    ),
    "practice_exam_sections.csv": (
        *("plan", "step", "taken_on", "kind", "form_name"),
        *("area_kind", "area", "percent_correct", "questions"),
    ),
    "exam_results.csv": ("plan", "step", "attempt", "sat_on", "passed", "score"),
}


def _area_cells(key):
    return (key["kind"], key["name"]) if key else ("", "")


def document_tables(document):
    """{file name: rows}, each file with CSV_HEADERS' columns; rows point at their plan by its number in the file."""
    tables = {name: [] for name in CSV_HEADERS}

    def add(name, *cells):
        tables[name].append(cells)

    def add_fields(name, lead, record):
        add(name, *lead, *(record[column] for column in CSV_HEADERS[name][len(lead) :]))

    add_fields("profile.csv", (), document["profile"])
    for number, plan in enumerate(document["plans"], start=1):
        add("plans.csv", number, plan["title"], plan["start_date"], *plan["weekly_hours"], plan["reviews_enabled"])
        for off in plan["days_off"]:
            add_fields("days_off.csv", (number,), off)
        for m in plan["milestones"]:
            at = (number, m["step"])
            add_fields("milestones.csv", at, m)
            for t in m["topics"]:
                topic = t["topic"]
                add("topics.csv", *at, *_area_cells(topic["area"]), topic["name"], *_values(t, "topics.csv", 5))
                if t["review"]:
                    card = json.dumps(t["review"]["card"])
                    values = _values(t["review"], "reviews.csv", 5)[:-1]
                    add("reviews.csv", *at, *_area_cells(topic["area"]), topic["name"], *values, card)
            for index, r in enumerate(m["resources"], start=1):
                dropped = "; ".join(area["name"] for area in r["dropped_areas"])
                add("resources.csv", *at, index, *_values(r, "resources.csv", 3)[:-1], dropped)
                for p in r["progress"]:
                    add("task_progress.csv", *at, index, *_area_cells(p["area"]), *_values(p, "task_progress.csv", 5))
            for position, block in enumerate(m["blocks"], start=1):
                add("blocks.csv", *at, position, *_area_cells(block))
            for slot in m["practice_exam_slots"]:
                add("practice_exam_slots.csv", *at, slot["form"])
            for log in m["study_logs"]:
                add("study_logs.csv", *at, *_area_cells(log["area"]), *_values(log, "study_logs.csv", 4))
            for exam in m["practice_exams"]:
                add_fields("practice_exams.csv", at, exam)
                for s in exam["sections"]:
                    which = (exam["taken_on"], exam["kind"], exam["form_name"])
                    area = _area_cells(s["area"])
                    add("practice_exam_sections.csv", *at, *which, *area, s["percent_correct"], s["questions"])
            for result in m["exam_results"]:
                add_fields("exam_results.csv", at, result)
    return tables


def _values(record, name, skip):
    """The record's values for the columns of a CSV file after the first `skip`."""
    return [record[column] for column in CSV_HEADERS[name][skip:]]


def csv_zip(document):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, rows in document_tables(document).items():
            text = io.StringIO()
            writer = csv.writer(text)
            writer.writerow(CSV_HEADERS[name])
            writer.writerows([_cell(value) for value in row] for row in rows)
            # With a byte-order mark, spreadsheets read the file as UTF-8.
            archive.writestr(name, "\ufeff" + text.getvalue())
    return buffer.getvalue()
