"""Migrations and catalog reloads keep everything a person did."""

import os
from datetime import UTC, date, datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE_CATALOG_V2 = [("planner", "0002_tracking"), ("accounts", "0001_initial")]
COMPLETED_AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def make_old_plan(apps):
    """A person's plan as the first catalog stored it: a completed topic, a log, a practice exam, a result."""
    User = apps.get_model("accounts", "User")
    Step = apps.get_model("planner", "Step")
    ContentArea = apps.get_model("planner", "ContentArea")
    Topic = apps.get_model("planner", "Topic")
    Plan = apps.get_model("planner", "Plan")
    Milestone = apps.get_model("planner", "Milestone")
    PlanTopic = apps.get_model("planner", "PlanTopic")
    StudyLog = apps.get_model("planner", "StudyLog")
    PracticeExam = apps.get_model("planner", "PracticeExam")
    ExamResult = apps.get_model("planner", "ExamResult")

    step1, _ = Step.objects.get_or_create(
        code="step1", defaults={"name": "Step 1", "full_name": "USMLE Step 1", "order": 1, "scoring": "pass_fail"}
    )
    cardiovascular, _ = ContentArea.objects.get_or_create(
        step=step1,
        kind="system",
        name="Cardiovascular System",
        defaults={"share_min": 7, "share_max": 11, "source": "https://example.org/outline", "uncertain": True},
    )
    kept, _ = Topic.objects.get_or_create(
        step=step1, area=cardiovascular, name="Heart failure", defaults={"emphasis": 3, "yield_weight": 1.0}
    )
    gone, _ = Topic.objects.get_or_create(
        step=step1,
        area=cardiovascular,
        name="A topic the new catalog no longer lists",
        defaults={"emphasis": 1, "yield_weight": 0.2},
    )
    alice = User.objects.create(email="alice@example.com", name="Alice Adams", password="!")
    plan = Plan.objects.create(owner=alice, title="Old plan", start_date=date(2026, 1, 5))
    milestone = Milestone.objects.create(
        plan=plan, step=step1, target_date=date(2026, 6, 1), starts_on=date(2026, 1, 5), status="failed"
    )
    for position, topic in enumerate([kept, gone]):
        PlanTopic.objects.create(
            milestone=milestone,
            topic=topic,
            position=position,
            planned_minutes=300,
            starts_on=date(2026, 2, 2),
            due_on=date(2026, 2, 9),
            completed_at=COMPLETED_AT,
        )
    StudyLog.objects.create(
        plan=plan,
        milestone=milestone,
        area=cardiovascular,
        studied_on=date(2026, 2, 3),
        minutes=90,
        questions_attempted=40,
        questions_correct=29,
    )
    PracticeExam.objects.create(
        plan=plan, milestone=milestone, kind="nbme", form_name="Form 30", taken_on=date(2026, 4, 1), percent_correct=71
    )
    ExamResult.objects.create(milestone=milestone, attempt=1, sat_on=date(2026, 5, 20), passed=False)
    return plan.pk


@pytest.mark.django_db(transaction=True)
def test_the_catalog_migrations_and_a_reload_keep_every_completion_log_and_result():
    old_apps = migrate(BEFORE_CATALOG_V2)
    plan_pk = make_old_plan(old_apps)

    migrate(latest())
    call_command("load_catalog", stdout=open(os.devnull, "w"))  # noqa: SIM115

    from planner.models import ExamResult, Plan, PlanTopic, PracticeExam, StudyLog

    plan = Plan.objects.get(pk=plan_pk)
    # The columns later migrations added start where a new plan does.
    assert (plan.figures_version, plan.reviews_enabled) == (0, True)
    topics = {pt.topic.name: pt for pt in PlanTopic.objects.filter(milestone__plan=plan).select_related("topic")}
    assert set(topics) == {"Heart failure", "A topic the new catalog no longer lists"}
    assert all(pt.completed_at == COMPLETED_AT for pt in topics.values())
    assert topics["Heart failure"].topic.retired_on is None
    assert topics["A topic the new catalog no longer lists"].topic.retired_on is not None
    log = StudyLog.objects.get(plan=plan)
    assert (log.minutes, log.questions_attempted, log.questions_correct) == (90, 40, 29)
    assert log.area.name == "Cardiovascular System"
    assert log.area.source is not None
    assert PracticeExam.objects.get(plan=plan).percent_correct == 71
    result = ExamResult.objects.get(milestone__plan=plan)
    assert (result.attempt, result.sat_on, result.passed) == (1, date(2026, 5, 20), False)
