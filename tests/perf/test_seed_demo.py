import io
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from accounts.models import User
from planner import layout
from planner.management.commands.seed_demo import DEMO_EMAIL, DEMO_PASSWORD, HISTORY_DAYS, STEP1_ON_DAY
from planner.models import (
    Allocation,
    ExamResult,
    Milestone,
    Plan,
    PlanResource,
    PlanTopic,
    PracticeExam,
    PracticeExamSlot,
    ReviewItem,
    StudyBlock,
    StudyLog,
    TaskProgress,
)
from tests.factories import make_plan

# A Tuesday: the demo plans have no study hours on Sundays, so a Sunday would have no tasks to show.
pytestmark = pytest.mark.clock("2026-11-24 15:00 +0000")


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
        r"Seeded 3 demo people \(1749 scheduled topics, \d+ allocations, \d+ task records, \d+ review items, "
        r"\d+ study logs, 36 practice exams\) in \d+ s\. "
        rf"Sign in as {DEMO_EMAIL} / {DEMO_PASSWORD}\n",
        seeded,
    )


def test_every_row_it_writes_points_at_rows_that_exist(seeded):
    # Inside the test's transaction the foreign keys are not checked until a commit that never comes.
    connection.check_constraints()


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


def ahead(plan):
    return list(plan.milestones.select_related("plan", "step").exclude(status=Milestone.Status.PASSED))


def stored(milestones):
    """What store_layouts writes for these Steps, without ids."""
    return {
        "allocations": list(
            Allocation.objects.filter(milestone__in=milestones)
            .order_by("milestone", "position")
            .values_list("milestone", "position", "kind", "plan_resource", "area", "first_unit", "amount", "starts_on")
        ),
        "spans": list(
            Allocation.objects.filter(milestone__in=milestones)
            .order_by("milestone", "position")
            .values_list("ends_on", "share", "seconds_per_unit", "grain")
        ),
        "blocks": list(
            StudyBlock.objects.filter(milestone__in=milestones)
            .order_by("milestone", "position")
            .values_list("milestone", "area", "position", "starts_on", "ends_on")
        ),
        "slots": list(
            PracticeExamSlot.objects.filter(milestone__in=milestones)
            .order_by("milestone", "form")
            .values_list("milestone", "form", "day", "minutes")
        ),
        "milestones": list(
            Milestone.objects.filter(pk__in=[m.pk for m in milestones])
            .order_by("pk")
            .values_list("practice_starts_on", "final_review_starts_on", "layout_summary")
        ),
    }


def test_the_steps_ahead_are_laid_out_as_plan_creation_lays_them_out(demo_plan):
    milestones = ahead(demo_plan)
    seeded = stored(milestones)
    assert [m.step.code for m in milestones] == ["step2ck", "step3"]
    assert all(len(seeded[part]) > 10 for part in ("allocations", "blocks"))
    assert all(m.laid_out_at.date() == demo_plan.start_date + timedelta(days=STEP1_ON_DAY + 1) for m in milestones)

    # The app's own path on the same day, over the same resources, blocks and self-assessments, with only
    # what had been recorded by then (nothing yet for these Steps, so no weak systems): the seed's faster
    # writes store exactly the same layout.
    laid_out_on = milestones[0].laid_out_at.date()
    TaskProgress.objects.filter(plan_resource__milestone__in=milestones).delete()
    StudyLog.objects.filter(plan=demo_plan, studied_on__gte=laid_out_on).delete()
    PracticeExam.objects.filter(milestone__in=milestones).delete()
    layout.lay_out_milestones(milestones, laid_out_on)

    assert stored(milestones) == seeded


def test_the_resources_are_the_default_ones_and_the_next_in_the_catalog(demo_plan):
    step2ck, step3 = ahead(demo_plan)

    def names(milestone):
        return list(PlanResource.objects.filter(milestone=milestone).values_list("name", flat=True))

    assert names(step2ck) == ["First Aid for the USMLE Step 2 CK", "UWorld Step 2 CK QBank", "AMBOSS Step 2 CK Qbank"]
    assert names(step3)[0] == "UWorld Step 3 QBank"
    assert len(names(step3)) == 3


def test_about_nine_in_ten_days_of_study_since_the_layout_are_recorded(demo_plan):
    step2ck, step3 = ahead(demo_plan)
    records = TaskProgress.objects.filter(plan_resource__milestone=step2ck)
    today = timezone.localdate()

    assert records.exists()
    assert not records.filter(day__gte=today).exists()
    assert not records.filter(day__lt=step2ck.laid_out_at.date()).exists()
    assert not TaskProgress.objects.filter(plan_resource__milestone=step3).exists()
    planned = layout.StoredPlan(demo_plan, [step2ck], today)
    overdue = sum(item.units for _, item in planned.overdue(today))
    done = sum(records.values_list("amount", flat=True))
    assert 0.85 < done / (done + overdue) < 0.97


def test_completed_topics_of_the_steps_ahead_come_back_for_review(demo_plan):
    items = ReviewItem.objects.filter(plan_topic__milestone__plan=demo_plan)
    completed = PlanTopic.objects.filter(milestone__plan=demo_plan, milestone__status=Milestone.Status.PLANNED)

    assert items.count() == completed.completed().count() > 50
    assert items.filter(reviews__gte=2).exists()
    assert not items.filter(due_on__lt=timezone.localdate() - timedelta(days=1)).exists()


def test_today_and_the_calendar_show_the_demo_persons_work(demo_plan, client):
    client.force_login(demo_plan.owner)

    today = client.get("/today/")
    calendar = client.get(f"/plans/{demo_plan.pk}/calendar/")

    assert today.status_code == calendar.status_code == 200
    assert today.context["day"].rows, "no tasks today"
    assert today.context["overdue"], "nothing left behind"
    assert today.context["reviews"], "no reviews today"
    for heading in ("Today’s tasks", "Overdue", "Reviews"):
        assert heading in today.text
    assert "First Aid" in calendar.text


def test_it_analyzes_the_tables_it_filled(seeded):
    # ANALYZE counts the rows of its own transaction, so the statistics match the table exactly.
    for model in (PlanTopic, StudyLog, PracticeExam, Allocation, TaskProgress, ReviewItem):
        assert rows_in_statistics(model._meta.db_table) == model.objects.count()


def rows_in_statistics(table):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        else:
            cursor.execute("SELECT CAST(stat AS INTEGER) FROM sqlite_stat1 WHERE tbl = %s LIMIT 1", [table])
        return int(cursor.fetchone()[0])
