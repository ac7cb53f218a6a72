"""Cached figures (planner/figures.py): Today, the calendar and the dashboard are computed once and then
served from the cache, and every kind of write a person makes shows on the next page they load."""

import json
import os
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from planner import agenda, figures, layout
from planner.models import ContentArea, DayException, Plan, PlanTopic, PracticeExam, ReviewItem, Step, StudyLog
from tests.factories import NOW, START, STEP1_DATE, STEP2CK_DATE, TODAY, make_alices_plan
from tests.pages import page_text, section, text
from tests.planner.plan_form import form_data
from tests.planner.test_inputs import resources_post

pytestmark = pytest.mark.clock(NOW)

TODAY_URL = reverse("planner:today")
DASHBOARD = reverse("planner:dashboard")
# From the cache, a page reads the signed-in person and their plans (or the plan): nothing it computes.
WARM_QUERIES = 2


def calendar_url(plan):
    return reverse("planner:calendar", args=[plan.pk])


def load(client, url, data=None):
    """The response to a GET, after checking that asking again at once is served from the cache."""
    response = client.get(url, data or {})
    assert response.status_code == 200
    with CaptureQueriesContext(connection) as again:
        assert client.get(url, data or {}).status_code == 200
    assert len(again) == WARM_QUERIES, [query["sql"] for query in again]
    return response


def shown(client, url, heading_id, data=None):
    return text(section(load(client, url, data), heading_id))


def has_section(response, heading_id):
    return f'aria-labelledby="{heading_id}"' in response.content.decode()


def todays_tasks(plan, day=TODAY):
    stored = layout.StoredPlan(plan, list(plan.milestones.all()), day)
    return {row.label.split(" ", 1)[0]: row for row in agenda.day_rows(stored, day, stored.tasks_between(day, day))}


def first_review_day(plan, item):
    """The first day from its due date that Today plans the review for (a rest day has no room for it)."""
    for offset in range(14):
        day = item.due_on + timedelta(days=offset)
        if item in layout.StoredPlan(plan, list(plan.milestones.all()), day).reviews_on(day):
            return day
    raise AssertionError("the review is never planned")


def post_task(client, task, **fields):
    data = {"plan_resource": task.resource_id, "area": task.area_id or "", "day": str(task.day), **fields}
    return client.post(reverse("planner:task_done", args=[task.milestone.pk]), data)


# Served from the cache


@pytest.mark.parametrize("page", ["today", "dashboard", "calendar"])
def test_a_second_visit_reads_the_same_page_from_the_cache(alice_client, plan, page):
    url = calendar_url(plan) if page == "calendar" else reverse(f"planner:{page}")
    with CaptureQueriesContext(connection) as computed:
        first = alice_client.get(url)
    with CaptureQueriesContext(connection) as cached:
        second = alice_client.get(url)

    assert len(cached) == WARM_QUERIES < len(computed)
    assert page_text(second) == page_text(first)


def test_each_month_of_the_calendar_is_kept_apart(alice_client, plan):
    january = shown(alice_client, calendar_url(plan), "month-heading", {"month": "2027-01"})
    february = shown(alice_client, calendar_url(plan), "month-heading", {"month": "2027-02"})

    assert january.startswith("January 2027")
    assert february.startswith("February 2027")


def test_another_persons_plan_never_shares_figures(alice_client, plan, bob):
    make_alices_plan(bob, steps={"step2ck": STEP2CK_DATE})
    assert shown(alice_client, TODAY_URL, "now-heading").startswith("Step 1 ")
    bob_client = Client()
    bob_client.force_login(bob)

    assert shown(bob_client, TODAY_URL, "now-heading").startswith("Step 2 CK ")
    assert bob_client.get(calendar_url(plan)).status_code == 404
    assert bob_client.get(TODAY_URL, {"plan": plan.pk}).status_code == 404


def test_the_figures_are_kept_apart_by_time_zone(plan):
    computed = []

    def compute():
        computed.append(timezone.get_current_timezone_name())
        return {"figures": len(computed)}

    for zone in ["America/New_York", "Asia/Tokyo", "America/New_York"]:
        with timezone.override(zone):
            figures.cached(plan, "today", TODAY, compute)

    assert computed == ["America/New_York", "Asia/Tokyo"]


def test_a_bump_raises_the_version_of_that_plan_only(alice, bob, plan):
    other = make_alices_plan(bob)
    before = {p.pk: p.figures_version for p in Plan.objects.all()}

    figures.bump(plan.pk)

    after = {p.pk: p.figures_version for p in Plan.objects.all()}
    assert after == {plan.pk: before[plan.pk] + 1, other.pk: before[other.pk]}


def test_a_plan_saved_from_a_copy_older_than_a_bump_still_gets_a_new_key(plan, clock):
    stale = Plan.objects.get(pk=plan.pk)
    clock.shift(1)
    figures.bump(plan.pk)  # another request's write
    seen = figures.key(Plan.objects.get(pk=plan.pk), "today", TODAY)

    clock.shift(1)
    stale.title = "Renamed"
    stale.save()  # writes back the figures_version it was loaded with
    figures.bump(plan.pk)

    assert figures.key(Plan.objects.get(pk=plan.pk), "today", TODAY) != seen


# Every kind of write shows on the next page


def test_ticking_a_topic_shows_on_the_dashboard(alice_client, plan, step1):
    topic = step1.plan_topics.order_by("position").first()
    toggle = reverse("planner:topic_toggle", args=[topic.pk])
    assert "0 of 247 topics done" in shown(alice_client, DASHBOARD, "exams-heading")

    alice_client.post(toggle, {"done": "1"})
    assert "1 of 247 topics done" in shown(alice_client, DASHBOARD, "exams-heading")

    alice_client.post(toggle, {"done": "0"})
    assert "0 of 247 topics done" in shown(alice_client, DASHBOARD, "exams-heading")


def test_a_task_done_or_done_in_part_shows_on_today(alice_client, plan):
    tasks = todays_tasks(plan)
    assert "0 of 2 tasks done today." in shown(alice_client, TODAY_URL, "tasks-heading")

    post_task(alice_client, tasks["First"], done="1")
    assert "1 of 2 tasks done today." in shown(alice_client, TODAY_URL, "tasks-heading")

    post_task(alice_client, tasks["UWorld"], amount="5")
    assert "Recorded 5 of 20 questions" in shown(alice_client, TODAY_URL, "tasks-heading")


def test_a_study_log_added_or_deleted_shows_on_the_dashboard(alice_client, plan, step1):
    assert "This week: 0.0 h logged" in shown(alice_client, DASHBOARD, "habits-heading")

    data = {"milestone": step1.pk, "studied_on": TODAY.isoformat(), "minutes": "90", "note": ""}
    alice_client.post(reverse("planner:log_create", args=[plan.pk]), data)
    assert "This week: 1.5 h logged" in shown(alice_client, DASHBOARD, "habits-heading")

    alice_client.post(reverse("planner:log_delete", args=[StudyLog.objects.get().pk]))
    assert "This week: 0.0 h logged" in shown(alice_client, DASHBOARD, "habits-heading")


def test_a_practice_exam_added_or_deleted_shows_on_the_dashboard(alice_client, plan, step2ck):
    none_yet = "Record at least 2 practice exams for a forecast; you have none."
    assert none_yet in shown(alice_client, DASHBOARD, "readiness-heading")

    data = {"milestone": step2ck.pk, "kind": "nbme", "form_name": "Form 30", "taken_on": "2027-01-14", "score": "230"}
    alice_client.post(reverse("planner:practice_exam_create", args=[plan.pk]), data)
    assert "14 Jan 2027 NBME self-assessment Form 30 230" in shown(alice_client, DASHBOARD, "readiness-heading")

    alice_client.post(reverse("planner:practice_exam_delete", args=[PracticeExam.objects.get().pk]))
    assert none_yet in shown(alice_client, DASHBOARD, "readiness-heading")


def test_practice_exam_results_by_system_show_on_the_dashboard(alice_client, plan, step2ck):
    exam = PracticeExam.objects.create(plan=plan, milestone=step2ck, kind="nbme", taken_on=TODAY, score=230)
    area = ContentArea.objects.filter(step=step2ck.step, kind=ContentArea.Kind.SYSTEM).order_by("position").first()
    assert area.name not in shown(alice_client, DASHBOARD, "weak-heading")

    alice_client.post(
        reverse("planner:practice_exam_sections", args=[exam.pk]),
        {f"percent_{area.pk}": "41", f"questions_{area.pk}": "30"},
    )

    assert area.name in shown(alice_client, DASHBOARD, "weak-heading")


def test_an_exam_result_shows_on_today(alice_client, plan, step1):
    assert shown(alice_client, TODAY_URL, "now-heading").startswith("Step 1 ")

    alice_client.post(reverse("planner:exam_result", args=[step1.pk]), {"sat_on": "2027-01-14", "passed": "yes"})

    assert shown(alice_client, TODAY_URL, "now-heading").startswith("Step 2 CK ")


def test_a_review_rated_leaves_todays_reviews(alice_client, plan, step1, clock):
    topic = step1.plan_topics.select_related("topic").order_by("position").first()
    alice_client.post(reverse("planner:topic_toggle", args=[topic.pk]), {"done": "1"})
    item = ReviewItem.objects.get(plan_topic=topic)
    clock.move_to(f"{first_review_day(plan, item).isoformat()} 15:00 +0000")
    assert topic.topic.name in shown(alice_client, TODAY_URL, "reviews-heading")

    alice_client.post(reverse("planner:review", args=[item.pk]), {"rating": "good"})

    assert not has_section(load(alice_client, TODAY_URL), "reviews-heading")


def test_a_plan_edit_shows_on_today(alice_client, plan):
    assert "of 6 h available" in shown(alice_client, TODAY_URL, "now-heading")

    data = form_data(
        title=plan.title,
        start_date=START.isoformat(),
        step1_date=STEP1_DATE.isoformat(),
        step2ck_date=STEP2CK_DATE.isoformat(),
        step3_choice="skip",
        step3_date="",
        hours_friday="8",
        reviews_enabled="on",
    )
    assert alice_client.post(reverse("planner:plan_edit", args=[plan.pk]), data).status_code == 302

    assert "of 8 h available" in shown(alice_client, TODAY_URL, "now-heading")


def test_a_resource_added_shows_on_today(alice_client, plan, step1):
    assert "Pathoma" not in shown(alice_client, TODAY_URL, "coming-heading")

    data = resources_post(step1, **{"pathoma-use": "on", "apply": "1"})
    assert alice_client.post(reverse("planner:resources", args=[step1.pk]), data).status_code == 302

    assert "Pathoma" in shown(alice_client, TODAY_URL, "coming-heading")


def test_a_day_off_added_or_deleted_shows_on_the_calendar(alice_client, plan):
    url = calendar_url(plan)
    assert "Wed 20 Jan 2027 Step 1: content review Day off" not in shown(alice_client, url, "month-heading")

    week = {"starts_on": "2027-01-20", "ends_on": "2027-01-21", "hours": "0", "note": "Ski trip", "apply": "1"}
    alice_client.post(reverse("planner:days_off", args=[plan.pk]), week)
    assert "Wed 20 Jan 2027 Step 1: content review Day off: Ski trip" in shown(alice_client, url, "month-heading")

    alice_client.post(reverse("planner:day_off_delete", args=[DayException.objects.get().pk]))
    assert "Day off: Ski trip" not in shown(alice_client, url, "month-heading")


def test_a_day_off_deleted_from_a_plan_with_nothing_ahead_to_lay_out_shows_too(alice_client, plan):
    plan.milestones.update(status="passed")
    exception = DayException.objects.create(plan=plan, starts_on=date(2027, 1, 20), ends_on=date(2027, 1, 20))
    assert "Wed 20 Jan 2027 Day off" in shown(alice_client, calendar_url(plan), "month-heading")

    alice_client.post(reverse("planner:day_off_delete", args=[exception.pk]))

    assert "Day off" not in shown(alice_client, calendar_url(plan), "month-heading")


def test_catching_up_shows_on_today(alice_client, plan, step1, clock):
    clock.move_to("2027-01-18 15:00 +0000")  # Monday: Friday's and Saturday's work was not done
    assert has_section(load(alice_client, TODAY_URL), "overdue-heading")

    assert alice_client.post(reverse("planner:catch_up", args=[step1.pk])).status_code == 302

    assert not has_section(load(alice_client, TODAY_URL), "overdue-heading")


def test_a_catalog_reload_shows_on_the_dashboard(alice_client, plan):
    Step.objects.filter(code="step1").update(name="Step One")
    assert "Step One" in shown(alice_client, DASHBOARD, "exams-heading")

    call_command("load_catalog", stdout=open(os.devnull, "w"))  # noqa: SIM115

    exams = shown(alice_client, DASHBOARD, "exams-heading")
    assert "Step One" not in exams
    assert exams.startswith("Your exams Step 1 ")


def test_an_import_shows_on_today(alice_client, plan, clock):
    load(alice_client, TODAY_URL)
    document = json.loads(alice_client.get(reverse("planner:export_json")).content)
    document["plans"][0]["title"] = "Imported plan"
    clock.shift(60)  # so the imported plan is the newest, the one Today shows

    upload = SimpleUploadedFile("export.json", json.dumps(document).encode(), content_type="application/json")
    assert alice_client.post(reverse("planner:import"), {"file": upload}).status_code == 302

    page = load(alice_client, TODAY_URL)
    imported = Plan.objects.get(title="Imported plan")
    assert page.context["plan"] == imported
    assert "Imported plan" in page_text(page)
    assert PlanTopic.objects.filter(milestone__plan=imported).exists()


def test_the_next_day_is_computed_afresh(alice_client, plan, clock):
    assert "Friday 15 January 2027" in page_text(load(alice_client, TODAY_URL))

    clock.shift(timedelta(days=1))

    assert "Saturday 16 January 2027" in page_text(load(alice_client, TODAY_URL))
