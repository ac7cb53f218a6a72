"""Export everything a person owns (JSON, or CSV in a zip) and import the JSON into an account."""

import copy
import csv
import io
import json
import logging
import zipfile
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from planner import exports, layout, plans
from planner.models import (
    Allocation,
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
    ReviewItem,
    SelfAssessment,
    StudyBlock,
    StudyLog,
    TaskProgress,
    Topic,
)
from tests.factories import NOW, START, TODAY, make_alices_plan, make_user
from tests.pages import messages_of, page_text

pytestmark = pytest.mark.clock(NOW)

NOTE = "Cardio block; ask Dr Rivera about murmurs"
# The catalog keys (areas, resources, self-assessments), the plans, and one query per kind of record.
EXPORT_QUERIES = 16


@pytest.fixture
def plan(alice, catalog, clock):
    """alice's Step 1 and Step 2 CK plan with something of every kind she can record."""
    alice.background = User.Background.IMG
    alice.save()
    plan = make_alices_plan(alice)
    step1 = plan.milestones.get(step__code="step1")
    cardio = ContentArea.objects.get(step__code="step1", kind="system", name="Cardiovascular System")
    for topic in PlanTopic.objects.filter(milestone=step1).order_by("position")[:3]:
        plans.set_topic_done(topic, done=True)  # with its review card
    PlanTopic.objects.filter(milestone=step1, position=2).update(completed_at=timezone.now() - timedelta(days=2))
    PlanResource.objects.create(
        milestone=step1,
        name="My own cardio notes",
        kind="book",
        unit="page",
        total=120,
        done_before=10.5,
        minutes_per_unit=4.25,
        position=5,
        dropped_areas=[cardio.pk],
    )
    PracticeExamSlot.objects.create(milestone=step1, form=SelfAssessment.objects.get(key="nbme_step1_30"))
    DayException.objects.create(plan=plan, starts_on=date(2027, 2, 1), ends_on=date(2027, 2, 3), note="Wedding")
    layout.lay_out_milestone(step1, TODAY)
    book = PlanResource.objects.filter(milestone=step1, resource__key="first_aid_step1").get()
    layout.record_progress(book.pk, cardio.pk, START, 12)
    qbank = PlanResource.objects.filter(milestone=step1, resource__kind="qbank").get()
    layout.record_progress(qbank.pk, None, START + timedelta(days=1), 40, questions_correct=29)
    StudyLog.objects.create(
        plan=plan,
        milestone=step1,
        area=cardio,
        studied_on=START,
        minutes=120,
        note=NOTE,
        questions_attempted=40,
        questions_correct=29,
    )
    StudyLog.objects.create(plan=plan, milestone=step1, studied_on=START + timedelta(days=2), minutes=45)
    form29 = PracticeExam.objects.create(
        plan=plan,
        milestone=step1,
        kind="nbme",
        form=SelfAssessment.objects.get(key="nbme_step1_29"),
        form_name="Form 29",
        taken_on=START + timedelta(days=5),
        percent_correct=66,
        pass_probability=80,
    )
    PracticeExamSection.objects.create(practice_exam=form29, area=cardio, percent_correct=58, questions=24)
    PracticeExam.objects.create(plan=plan, milestone=step1, kind="other", taken_on=TODAY, percent_correct=71)
    step2 = plan.milestones.get(step__code="step2ck")
    ExamResult.objects.create(milestone=step2, attempt=1, sat_on=date(2027, 1, 8), passed=False)
    return plan


def export(client):
    response = client.get(reverse("planner:export_json"))
    assert response.status_code == 200
    return json.loads(response.content)


def upload(document, name="export.json"):
    body = document if isinstance(document, bytes) else json.dumps(document).encode()
    return SimpleUploadedFile(name, body, content_type="application/json")


def post_import(client, document):
    return client.post(reverse("planner:import"), {"file": upload(document)})


def errors_of(response):
    return response.context["errors"] if response.context else []


def owned_by(user):
    """Everything of user's, as stored, for comparing before and after."""
    return {
        model.__name__: sorted(map(repr, model.objects.filter(**{lookup: user}).values()))
        for model, lookup in [
            (Plan, "owner"),
            (Milestone, "plan__owner"),
            (PlanTopic, "milestone__plan__owner"),
            (PlanResource, "milestone__plan__owner"),
            (TaskProgress, "plan_resource__milestone__plan__owner"),
            (StudyBlock, "milestone__plan__owner"),
            (PracticeExamSlot, "milestone__plan__owner"),
            (Allocation, "milestone__plan__owner"),
            (StudyLog, "plan__owner"),
            (PracticeExam, "plan__owner"),
            (PracticeExamSection, "practice_exam__plan__owner"),
            (ExamResult, "milestone__plan__owner"),
            (DayException, "plan__owner"),
            (ReviewItem, "plan_topic__milestone__plan__owner"),
        ]
    } | {"user": list(User.objects.filter(pk=user.pk).values())}


def comparable(document):
    """The document without what differs by design: when it was made and whose account it came from."""
    document = copy.deepcopy(document)
    del document["exported_at"]
    del document["profile"]["name"], document["profile"]["email"]
    return document


# Export


def test_the_export_page_offers_two_downloads(alice_client):
    response = alice_client.get(reverse("planner:export"))

    page = response.content.decode()
    assert response.status_code == 200
    assert f'href="{reverse("planner:export_json")}" download>Download JSON' in page
    assert f'href="{reverse("planner:export_csv")}" download>Download CSV (zip)' in page


def test_the_json_export_has_everything_by_natural_keys_and_no_ids(alice, alice_client, plan):
    response = alice_client.get(reverse("planner:export_json"))
    document = json.loads(response.content)

    assert response["Content-Disposition"] == 'attachment; filename="usmleprep-export-2027-01-15.json"'
    assert (document["schema"], document["version"]) == ("usmleprep-export", 1)
    assert document["exported_at"] == "2027-01-15T15:00:00+00:00"
    assert document["profile"] == {
        "name": "Alice Adams",
        "email": "alice@example.com",
        "time_zone": "America/New_York",
        "background": "img",
    }
    [exported] = document["plans"]
    assert exported["title"] == plan.title
    assert exported["days_off"] == [{"starts_on": "2027-02-01", "ends_on": "2027-02-03", "hours": 0, "note": "Wedding"}]
    step1, step2 = exported["milestones"]
    assert (step1["step"], step2["step"]) == ("step1", "step2ck")
    assert step1["topics"][0]["topic"]["area"]["step"] == "step1"
    assert sum(1 for t in step1["topics"] if t["completed_at"]) == 3
    assert step1["topics"][0]["review"]["card"]["due"] > step1["topics"][0]["completed_at"]
    assert step1["topics"][0]["review"]["reviews"] == 0
    assert exported["reviews_enabled"] is True
    own = next(r for r in step1["resources"] if r["resource"] is None)
    assert own["dropped_areas"] == [{"step": "step1", "kind": "system", "name": "Cardiovascular System"}]
    assert (own["total"], own["done_before"], own["minutes_per_unit"]) == (120, 10.5, 4.25)
    book = next(r for r in step1["resources"] if r["resource"] == "first_aid_step1")
    assert book["progress"][0]["area"]["name"] == "Cardiovascular System"
    assert step1["practice_exam_slots"] == [{"form": "nbme_step1_30"}]
    assert [log["note"] for log in step1["study_logs"]] == [NOTE, ""]
    assert [exam["form"] for exam in step1["practice_exams"]] == ["nbme_step1_29", None]
    assert step2["exam_results"] == [{"attempt": 1, "sat_on": "2027-01-08", "passed": False, "score": None}]
    assert '"id"' not in response.content.decode()
    assert '"pk"' not in response.content.decode()


def test_the_csv_export_is_a_zip_with_one_file_per_kind(alice_client, plan):
    plan.title = "=HYPERLINK(evil)"
    plan.save()
    response = alice_client.get(reverse("planner:export_csv"))

    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert set(archive.namelist()) == set(exports.CSV_HEADERS)

    def rows(name):
        return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig"))))

    assert rows("plans.csv")[0]["title"] == "'=HYPERLINK(evil)"
    assert len(rows("topics.csv")) == PlanTopic.objects.filter(milestone__plan=plan).count()
    assert rows("study_logs.csv")[0]["note"] == NOTE
    assert rows("exam_results.csv") == [
        {"plan": "1", "step": "step2ck", "attempt": "1", "sat_on": "2027-01-08", "passed": "no", "score": ""}
    ]
    assert rows("task_progress.csv")[0]["area"] == "Cardiovascular System"


def test_exports_are_logged_without_their_content(alice, alice_client, plan, caplog):
    with caplog.at_level(logging.INFO, logger="usmleprep.security"):
        alice_client.get(reverse("planner:export_json"))
        alice_client.get(reverse("planner:export_csv"))

    lines = [r.getMessage() for r in caplog.records if r.name == "usmleprep.security"]
    assert lines == [
        f"data_exported account={alice.pk} address=127.0.0.1 format=json",
        f"data_exported account={alice.pk} address=127.0.0.1 format=csv",
    ]


def test_the_export_runs_the_same_queries_for_a_small_and_a_large_account(alice, plan, django_assert_num_queries):
    small = make_user("small@example.com")
    for user in (small, alice):
        with django_assert_num_queries(EXPORT_QUERIES):
            exports.build_document(user)


def test_export_and_import_need_a_sign_in(client, catalog):
    for name in ("planner:export", "planner:export_json", "planner:export_csv", "planner:import"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


# Import


def test_export_then_import_into_a_new_account_gives_the_same_document(alice_client, plan):
    document = export(alice_client)
    carol = make_user("carol@example.com", name="Carol Chen")
    client = Client()
    client.force_login(carol)

    response = post_import(client, document)

    assert response.status_code == 302, errors_of(response)
    assert response.url == reverse("planner:plan_list")
    again = export(client)
    assert comparable(again) == comparable(document)
    assert again["profile"]["email"] == "carol@example.com"
    assert again["profile"]["name"] == "Carol Chen"


def test_practice_exam_results_by_system_go_out_and_come_back(alice_client, plan):
    document = export(alice_client)
    cardio = {"step": "step1", "kind": "system", "name": "Cardiovascular System"}
    exams = document["plans"][0]["milestones"][0]["practice_exams"]
    assert [exam["sections"] for exam in exams] == [[{"area": cardio, "percent_correct": 58, "questions": 24}], []]
    archive = zipfile.ZipFile(io.BytesIO(alice_client.get(reverse("planner:export_csv")).content))
    rows = list(csv.DictReader(io.StringIO(archive.read("practice_exam_sections.csv").decode("utf-8-sig"))))
    assert [(r["form_name"], r["area"], r["percent_correct"], r["questions"]) for r in rows] == [
        ("Form 29", "Cardiovascular System", "58", "24")
    ]
    carol = make_user("carol@example.com", name="Carol Chen")
    client = Client()
    client.force_login(carol)

    assert post_import(client, document).status_code == 302

    imported = PracticeExamSection.objects.filter(practice_exam__plan__owner=carol)
    assert list(imported.values_list("practice_exam__form_name", "area__name", "percent_correct", "questions")) == [
        ("Form 29", "Cardiovascular System", 58, 24)
    ]


def test_an_import_lays_out_the_steps_ahead_and_keeps_completed_work(alice_client, alice, plan):
    response = post_import(alice_client, export(alice_client))

    assert messages_of(alice_client.get(response.url)) == [
        "Imported 1 plan. Completed work came in as it was; the Steps ahead were laid out again from today."
    ]
    imported = Plan.objects.filter(owner=alice).exclude(pk=plan.pk).get()
    step1 = imported.milestones.get(step__code="step1")
    assert step1.laid_out_at is not None
    assert Allocation.objects.filter(milestone=step1).exists()
    assert PracticeExamSlot.objects.get(milestone=step1).day is not None
    assert step1.plan_topics.completed().count() == 3
    assert ReviewItem.objects.filter(plan_topic__milestone=step1).count() == 3
    assert TaskProgress.objects.filter(plan_resource__milestone=step1).count() == 2
    assert alice_client.get(reverse("planner:plan_detail", args=[imported.pk])).status_code == 200


def test_a_broken_import_changes_nothing_and_names_the_item_and_field(alice, alice_client, plan):
    document = export(alice_client)
    document["profile"]["time_zone"] = "UTC"
    document["plans"][0]["milestones"][1]["target_date"] = "2028-02-30"
    document["plans"][0]["milestones"][0]["resources"][0]["resource"] = "first_aid_step9"
    document["plans"][0]["milestones"][0]["topics"][2]["topic"]["name"] = "Phrenology"
    document["plans"][0]["milestones"][0]["study_logs"][0]["note"] = "x" * 201
    before = owned_by(alice)

    response = post_import(alice_client, document)

    assert response.status_code == 200
    assert errors_of(response) == [
        "plans[0].milestones[0].topics[2].topic.name: unknown topic 'Phrenology' in "
        + document["plans"][0]["milestones"][0]["topics"][2]["topic"]["area"]["name"],
        "plans[0].milestones[0].resources[0].resource: unknown resource 'first_aid_step9'",
        "plans[0].milestones[0].study_logs[0].note: longer than 200 characters",
        "plans[0].milestones[1].target_date: not a date",
    ]
    assert "Nothing was imported. Problems in the file:" in page_text(response)
    assert owned_by(alice) == before


def test_a_failure_while_writing_leaves_nothing_behind(alice, alice_client, plan, monkeypatch):
    document = export(alice_client)
    before = owned_by(alice)

    def fail(*args, **kwargs):
        raise IntegrityError("the disk is full")

    # Everything is written by then, so the whole transaction must roll back.
    monkeypatch.setattr(layout, "lay_out_milestones", fail)
    response = post_import(alice_client, {**document, "profile": {**document["profile"], "time_zone": "UTC"}})

    assert errors_of(response) == [
        "(file): the data passed the checks but the database refused it; nothing was imported"
    ]
    assert owned_by(alice) == before


def test_an_import_over_the_size_limit_is_refused(alice, alice_client, catalog):
    too_big = b" " * exports.MAX_IMPORT_BYTES + b"{}"
    before = owned_by(alice)

    response = alice_client.post(reverse("planner:import"), {"file": upload(too_big)})

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "This file is 5.1 MB; an import takes at most 5 MB. Is it an export of this site?"
    ]
    assert owned_by(alice) == before


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"not json", "This is not a JSON file. Choose the .json file an export gave you."),
        (b"\xff\xfe\x00", "This is not a JSON file. Choose the .json file an export gave you."),
        (b'{"a": NaN}', "This is not a JSON file. Choose the .json file an export gave you."),
        (b"[" * 100_000, "This is not a JSON file. Choose the .json file an export gave you."),
    ],
    ids=["text", "binary", "NaN", "deeply nested"],
)
def test_a_file_that_is_not_json_is_refused_with_a_message(alice_client, catalog, body, error):
    response = alice_client.post(reverse("planner:import"), {"file": upload(body)})

    assert response.context["form"].errors["file"] == [error]


def test_an_import_with_no_file_asks_for_one(alice_client, catalog):
    response = alice_client.post(reverse("planner:import"), {})

    assert response.context["form"].errors["file"] == ["This field is required."]


def test_an_import_never_touches_bobs_data(alice, bob, alice_client, plan):
    bobs_plan = make_alices_plan(bob, steps={"step1": date(2027, 6, 1)})
    document = export(alice_client)
    # Ids in the file, even someone else's, are ignored: whatever is imported is new and alice's.
    document["plans"][0]["id"] = bobs_plan.pk
    document["plans"][0]["owner"] = bob.pk
    document["profile"]["email"] = bob.email
    document["plans"][0]["milestones"][0]["id"] = bobs_plan.milestones.get().pk
    bobs = owned_by(bob)

    response = post_import(alice_client, document)

    assert response.status_code == 302, errors_of(response)
    assert owned_by(bob) == bobs
    assert Plan.objects.filter(owner=alice).count() == 2
    assert User.objects.get(pk=alice.pk).email == "alice@example.com"


def test_the_import_page_explains_and_takes_a_file(alice_client, catalog):
    response = alice_client.get(reverse("planner:import"))

    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in response.content.decode()
    assert "if anything in it is wrong, nothing is imported" in page_text(response)


# The checks, as a plain function


def minimal(**milestone):
    return {
        "schema": "usmleprep-export",
        "version": 1,
        "profile": {"time_zone": "UTC", "background": ""},
        "plans": [
            {
                "title": "Plan",
                "start_date": "2027-01-04",
                "weekly_hours": [6, 6, 6, 6, 6, 6, 0],
                "milestones": [
                    {
                        "step": "step1",
                        "status": "planned",
                        "target_date": "2027-05-04",
                        "starts_on": "2027-01-04",
                        "minutes_needed": 0,
                        "minutes_available": 0,
                    }
                    | milestone
                ],
            }
        ],
    }


def test_a_minimal_document_is_valid(catalog):
    assert exports.validate_document(minimal(), TODAY) == []


@pytest.mark.parametrize(
    ("document", "error"),
    [
        ({**minimal(), "version": 2}, "version: 2 is not a version this site reads (it reads 1)"),
        ({**minimal(), "version": True}, "version: True is not a version this site reads (it reads 1)"),
        ({**minimal(), "schema": "other"}, "schema: not 'usmleprep-export'; this file is not an export of this site"),
        ([], "(file): not an export (expected a JSON object)"),
        (minimal(target_date="1989-12-31"),
         "plans[0].milestones[0].target_date: not between 1 Jan 1990 and 15 Jan 2037"),
        (minimal(target_date="2027-01-04"), "plans[0].milestones[0].target_date: not after starts_on"),
        (minimal(target_date=None), "plans[0].milestones[0].target_date: required for a Step still ahead"),
        (minimal(step="step2cs"), "plans[0].milestones[0].step: Step 2 CS is not a Step plans can hold"),
        (minimal(step="step9"), "plans[0].milestones[0].step: unknown Step 'step9'"),
        (minimal(status="won"), "plans[0].milestones[0].status: not one of planned, passed, failed"),
        (minimal(minutes_needed=-1), "plans[0].milestones[0].minutes_needed: not between 0 and 10000000"),
        (minimal(minutes_needed=1.5), "plans[0].milestones[0].minutes_needed: not a whole number"),
        (minimal(blocks=[{"step": "step2ck", "kind": "system", "name": "Cardiovascular System"}]),
         "plans[0].milestones[0].blocks[0]: 'Cardiovascular System' is not a Step 1 area"),
        (minimal(blocks=[{"step": "step1", "kind": "system", "name": "Astrology"}]),
         "plans[0].milestones[0].blocks[0]: unknown area step1 / system / 'Astrology'"),
        (minimal(practice_exam_slots=[{"form": "nbme_step2ck_9"}]),
         "plans[0].milestones[0].practice_exam_slots[0].form: 'nbme_step2ck_9' is not a Step 1 self-assessment"),
        (minimal(exam_results=[{"attempt": 5, "sat_on": "2027-01-02", "passed": True}]),
         "plans[0].milestones[0].exam_results[0].attempt: not between 1 and 4"),
        (minimal(study_logs=[{"studied_on": "2027-01-05", "minutes": 30, "note": "a\x00b"}]),
         "plans[0].milestones[0].study_logs[0].note: contains invisible control characters"),
        (minimal(study_logs=[{"studied_on": "2027-01-05", "minutes": 30, "questions_attempted": 10}]),
         "plans[0].milestones[0].study_logs[0].questions_correct: give both questions_attempted and "
         "questions_correct, or neither"),
        (minimal(practice_exams=[{"kind": "nbme", "taken_on": "2027-01-05"}]),
         "plans[0].milestones[0].practice_exams[0].score: give a score or percent_correct"),
        (minimal(resources=[{"name": "Notes", "kind": "book", "unit": "page", "total": 10,
                             "done_before": 11, "minutes_per_unit": 2}]),
         "plans[0].milestones[0].resources[0].done_before: more than total"),
        (minimal(resources=[{"name": "Notes", "kind": "book", "unit": "page", "total": 10.25,
                             "done_before": 0, "minutes_per_unit": 2}]),
         "plans[0].milestones[0].resources[0].total: more than 1 decimal places"),
        (minimal(topics=[{"topic": {"area": None, "name": "x"}, "planned_minutes": 1,
                          "starts_on": "2027-01-04", "due_on": "2027-01-05", "completed_at": "2027-01-05T10:00"}]),
         "plans[0].milestones[0].topics[0].topic.area: not an area ({step, kind, name})"),
    ],
    ids=[
        "version 2", "version true", "schema", "not an object", "date before 1990", "exam before its window",
        "no exam date", "discontinued Step", "unknown Step", "status", "negative minutes", "fractional minutes",
        "another Step's area", "unknown area", "another Step's form", "fifth attempt", "NUL in a note",
        "half a question count", "no result", "more done than total", "too many decimals", "no topic area",
    ],
)  # fmt: skip
def test_the_checks_name_the_item_and_the_field(catalog, document, error):
    assert error in exports.validate_document(document, TODAY)


def test_a_section_result_is_checked_like_the_page_checks_it(catalog):
    cardio = {"step": "step1", "kind": "system", "name": "Cardiovascular System"}
    pathology = {"step": "step1", "kind": "discipline", "name": "Pathology"}
    sections = [
        {"area": cardio, "percent_correct": 101},
        {"area": cardio, "percent_correct": 50, "questions": 0},
        {"area": pathology, "percent_correct": 50},
    ]
    exam = {"kind": "nbme", "taken_on": "2027-01-05", "percent_correct": 60, "sections": sections}

    errors = exports.validate_document(minimal(practice_exams=[exam]), TODAY)

    at = "plans[0].milestones[0].practice_exams[0].sections"
    assert errors == [
        f"{at}[0].percent_correct: not between 0 and 100",
        f"{at}[1].questions: not between 1 and 400",
        f"{at}[1].area: a second result for this system",
        f"{at}[2].area: 'Pathology' is not a system",
    ]


def test_a_naive_completion_time_and_a_second_row_for_a_topic_are_errors(catalog):
    area = {"step": "step1", "kind": "system", "name": "Cardiovascular System"}
    name = Topic.objects.filter(area__step__code="step1", area__name=area["name"]).first().name
    row = {"topic": {"area": area, "name": name}, "planned_minutes": 60, "starts_on": "2027-01-04"}
    row |= {"due_on": "2027-01-08", "completed_at": "2027-01-05T10:00"}

    errors = exports.validate_document(minimal(topics=[row, row]), TODAY)

    assert errors == [
        "plans[0].milestones[0].topics[0].completed_at: a date and time without its time zone",
        "plans[0].milestones[0].topics[1].completed_at: a date and time without its time zone",
        "plans[0].milestones[0].topics[1].topic: a second row for this topic",
    ]


def test_too_many_plans_are_refused(catalog):
    document = minimal()
    document["plans"] *= exports.MAX_IMPORT_PLANS + 1

    assert exports.validate_document(document, TODAY) == ["plans: 21 plans; one import takes at most 20"]


def test_a_review_needs_a_completed_topic_and_a_card_fsrs_can_read(catalog):
    area = {"step": "step1", "kind": "system", "name": "Cardiovascular System"}
    names = Topic.objects.filter(area__step__code="step1", area__name=area["name"]).values_list("name", flat=True)
    review = {"card": {"due": "soon"}, "due_on": "2027-01-20", "reviews": 0, "last_rating": "meh"}
    rows = [
        {"topic": {"area": area, "name": name}, "planned_minutes": 60, "starts_on": "2027-01-04"}
        | {"due_on": "2027-01-08", "completed_at": completed_at, "review": review}
        for name, completed_at in zip(names[:2], [None, "2027-01-05T10:00:00+00:00"], strict=True)
    ]

    errors = exports.validate_document(minimal(topics=rows), TODAY)

    assert errors == [
        "plans[0].milestones[0].topics[0].review.card: not a review card",
        "plans[0].milestones[0].topics[0].review.last_rating: not one of again, hard, good, easy",
        "plans[0].milestones[0].topics[0].review: a review of a topic not completed",
        "plans[0].milestones[0].topics[1].review.card: not a review card",
        "plans[0].milestones[0].topics[1].review.last_rating: not one of again, hard, good, easy",
    ]
