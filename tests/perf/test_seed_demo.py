import io
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from accounts.models import User
from conftest import make_plan
from planner.management.commands.seed_demo import DEMO_EMAIL, DEMO_PASSWORD, HISTORY_DAYS
from planner.models import ExamResult, Milestone, Plan, PlanTopic, PracticeExam, StudyLog


def seed(users):
    out = io.StringIO()
    call_command("seed_demo", users=users, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def seeded(catalog):
    return seed(3)


@pytest.fixture
def demo_plan(seeded):
    return Plan.objects.get(owner__email=DEMO_EMAIL)


def test_it_prints_a_one_line_summary_with_the_demo_sign_in(seeded):
    assert re.fullmatch(
        r"Seeded 3 demo people \(1749 scheduled topics, \d+ study logs, 36 practice exams\) in \d+ s\. "
        rf"Sign in as {DEMO_EMAIL} / {DEMO_PASSWORD}\n",
        seeded,
    )


def test_the_demo_person_signs_in_with_the_printed_password(seeded, client):
    assert client.login(username=DEMO_EMAIL, password=DEMO_PASSWORD)


def test_it_replaces_only_the_demo_accounts_it_made(seeded, alice):
    seed(2)

    assert User.objects.filter(email__endswith="@demo.usmleprep.test").count() == 2
    assert Plan.objects.filter(owner__email__endswith="@demo.usmleprep.test").count() == 2
    assert User.objects.filter(pk=alice.pk).exists()


def test_step1_is_passed_and_the_next_steps_are_ahead(demo_plan):
    today = timezone.localdate()
    step1, step2ck, step3 = demo_plan.milestones.order_by("step__order")

    assert step1.status == Milestone.Status.PASSED
    assert ExamResult.objects.get(milestone=step1).passed
    assert today < step2ck.target_date < step3.target_date
    assert demo_plan.start_date == today - timedelta(days=HISTORY_DAYS)


def test_about_nine_in_ten_topics_due_so_far_are_done_and_none_ahead(seeded):
    topics = PlanTopic.objects.filter(milestone__plan__owner__email__endswith="@demo.usmleprep.test")
    past = topics.filter(due_on__lt=timezone.localdate())

    assert 0.85 < past.completed().count() / past.count() < 0.95
    assert not topics.filter(due_on__gte=timezone.localdate()).completed().exists()


def test_a_year_of_logs_on_most_days(demo_plan):
    days = set(StudyLog.objects.filter(plan=demo_plan).values_list("studied_on", flat=True))

    assert 0.8 < len(days) / HISTORY_DAYS < 0.9
    assert min(days) >= demo_plan.start_date
    assert max(days) < timezone.localdate()


def test_practice_exams_are_catalog_forms_reported_the_way_each_form_reports(demo_plan):
    exams = list(PracticeExam.objects.filter(plan=demo_plan).select_related("form"))

    assert len(exams) == 12
    for exam in exams:
        assert exam.form_name == exam.form.name
        assert exam.percent_correct is not None
        assert (exam.score is not None) == (exam.form.reports == "three_digit")


def test_the_schedule_is_the_one_saving_the_plan_makes(demo_plan, alice):
    dates = dict(demo_plan.milestones.values_list("step__code", "target_date"))
    made = make_plan(alice, start_date=demo_plan.start_date, steps=dates, today=demo_plan.start_date)

    def rows(plan):
        fields = ("milestone__step__code", "topic", "position", "planned_minutes", "starts_on", "due_on")
        return list(PlanTopic.objects.filter(milestone__plan=plan).order_by(*fields[:3]).values_list(*fields))

    def figures(plan):
        return list(plan.milestones.order_by("step__order").values_list("minutes_needed", "minutes_available"))

    assert rows(demo_plan) == rows(made)
    assert figures(demo_plan) == figures(made)


def test_it_analyzes_the_tables_it_filled(seeded):
    # ANALYZE counts the rows of its own transaction, so the statistics match the table exactly.
    for model in (PlanTopic, StudyLog, PracticeExam):
        assert rows_in_statistics(model._meta.db_table) == model.objects.count()


def rows_in_statistics(table):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        else:
            cursor.execute("SELECT CAST(stat AS INTEGER) FROM sqlite_stat1 WHERE tbl = %s LIMIT 1", [table])
        return int(cursor.fetchone()[0])
