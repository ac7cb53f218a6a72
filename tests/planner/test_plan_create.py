import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from planner.models import Milestone, Plan, PlanTopic, Topic
from tests.pages import checked_value, field_error, fields_with_errors, input_value, labels, legends, text
from tests.planner.plan_form import NOW, STEP1_DATE, STEP2CK_DATE, STEP3_DATE, TODAY, form_data

URL = reverse("planner:plan_create")

pytestmark = pytest.mark.clock(NOW)


def test_it_creates_a_plan_with_a_milestone_per_step(alice_client, alice, catalog):
    response = alice_client.post(URL, form_data())

    plan = Plan.objects.get(owner=alice)
    assert response.status_code == 302
    assert response.url == reverse("planner:plan_detail", args=[plan.pk])
    assert plan.title == "Road to residency"
    assert plan.start_date == TODAY
    assert plan.weekly_hours == [6, 6, 6, 6, 6, 6, 0]
    milestones = {m.step.code: m for m in plan.milestones.all()}
    assert {code: (m.status, m.target_date) for code, m in milestones.items()} == {
        "step1": ("planned", STEP1_DATE),
        "step2ck": ("planned", STEP2CK_DATE),
        "step3": ("planned", STEP3_DATE),
    }

    page = alice_client.get(response.url)
    assert "Your plan is ready. Every topic has its week." in page.text


def test_it_schedules_every_topic_of_each_step_inside_its_window(alice_client, alice, catalog):
    alice_client.post(URL, form_data())

    plan = Plan.objects.get(owner=alice)
    window_start = TODAY
    for code in ["step1", "step2ck", "step3"]:
        milestone = plan.milestones.get(step=catalog[code])
        plan_topics = list(milestone.plan_topics.all())
        assert {pt.topic_id for pt in plan_topics} == set(
            Topic.objects.filter(step=catalog[code]).values_list("pk", flat=True)
        )
        assert len(plan_topics) == Topic.objects.filter(step=catalog[code]).count() > 50
        assert all(pt.starts_on >= window_start for pt in plan_topics), code
        assert all(pt.starts_on <= pt.due_on < milestone.target_date for pt in plan_topics), code
        assert all(pt.planned_minutes > 0 for pt in plan_topics), code
        window_start = milestone.target_date


def test_it_puts_the_highest_yield_topics_first(alice_client, alice, catalog):
    alice_client.post(URL, form_data())

    for milestone in Milestone.objects.filter(plan__owner=alice):
        plan_topics = list(milestone.plan_topics.select_related("topic").order_by("position"))
        weights = [pt.topic.yield_weight for pt in plan_topics]
        assert weights == sorted(weights, reverse=True), milestone.step.code
        assert weights[0] > weights[-1]
        # Position order is calendar order too: the first topic is studied first.
        assert plan_topics[0].starts_on == milestone.starts_on
        assert [pt.starts_on for pt in plan_topics] == sorted(pt.starts_on for pt in plan_topics)


def test_the_form_shows_labelled_fields(alice_client, catalog):
    response = alice_client.get(URL)

    assert response.status_code == 200
    expected = {
        "title": "Plan title",
        "start_date": "Start date",
        "hours_monday": "Monday",
        "hours_sunday": "Sunday",
        "step1_date": "Step 1 exam date",
        "step2ck_date": "Step 2 CK exam date",
        "step3_date": "Step 3 exam date",
    }
    shown = labels(response)
    for name, label in expected.items():
        assert shown[f"id_{name}"] == label, name
        assert f'id="id_{name}"' in response.text
    for code, legend in [("step1", "Step 1"), ("step2ck", "Step 2 CK"), ("step3", "Step 3")]:
        assert f"{legend} *" in legends(response), code  # a required choice: crispy's asterisk follows
        for option, label in [(0, "Plan it"), (1, "Already passed"), (2, "Not in this plan")]:
            assert shown[f"id_{code}_choice_{option}"] == label


def test_the_form_suggests_a_title_starting_today_and_every_step(alice_client, catalog):
    response = alice_client.get(URL)

    assert input_value(response, "start_date") == "2026-11-23"
    assert input_value(response, "title") == "My USMLE plan"
    assert [checked_value(response, f"{code}_choice") for code in ["step1", "step2ck", "step3"]] == ["plan"] * 3


BAD_INPUT = {
    "step3_before_step2ck": (
        {"step3_date": "2027-10-01"},
        "step3_date",
        "Step 3 comes after Step 2 CK: choose a later date for it.",
    ),
    "target_before_start": (
        {"start_date": "2026-12-07", "step1_date": "2026-12-01"},
        "step1_date",
        "Step 1 must come after the start date (7 Dec 2026).",
    ),
    "step3_without_step2ck": (
        {"step2ck_choice": "skip", "step2ck_date": ""},
        "step3_choice",
        "Step 3 comes after Step 2 CK: plan Step 2 CK first, or mark it as already passed.",
    ),
    "all_steps_skipped": (
        {"step1_choice": "skip", "step2ck_choice": "skip", "step3_choice": "skip"},
        "step1_choice",
        "Choose at least one Step to plan or mark as passed.",
    ),
    "planned_step_without_date": (
        {"step2ck_date": ""},
        "step2ck_date",
        "Choose the date you plan to sit Step 2 CK.",
    ),
    "no_study_hours": (
        {"hours_monday": 0, "hours_tuesday": 0, "hours_wednesday": 0, "hours_thursday": 0, "hours_friday": 0}
        | {"hours_saturday": 0, "hours_sunday": 0},
        "hours_monday",
        "Plan at least one hour of study in the week.",
    ),
    "17_hours_a_day": ({"hours_tuesday": "17"}, "hours_tuesday", "Ensure this value is less than or equal to 16."),
    "negative_hours": (
        {"hours_wednesday": "-1"},
        "hours_wednesday",
        "Ensure this value is greater than or equal to 0.",
    ),
    "hours_not_a_number": ({"hours_friday": "abc"}, "hours_friday", "Enter a whole number."),
    "blank_title": ({"title": "   "}, "title", "This field is required."),
}


@pytest.mark.parametrize(("overrides", "field", "message"), BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_it_refuses_bad_input_next_to_the_field_and_keeps_what_was_typed(
    alice_client, catalog, overrides, field, message
):
    data = form_data(**overrides)

    response = alice_client.post(URL, data)

    assert response.status_code == 200
    assert field_error(response, field) == message
    assert fields_with_errors(response) == [field]
    assert 'aria-invalid="true"' in response.text
    for name in ["title", "start_date", "step1_date", "step2ck_date", "step3_date", *(f for f in data if "hours" in f)]:
        assert input_value(response, name) == data[name], name
    for name in ["step1_choice", "step2ck_choice", "step3_choice"]:
        assert checked_value(response, name) == data[name], name
    assert Plan.objects.count() == 0
    assert Milestone.objects.count() == 0
    assert PlanTopic.objects.count() == 0


def test_it_plans_the_later_steps_for_someone_who_passed_step1(alice_client, alice, catalog):
    response = alice_client.post(URL, form_data(step1_choice="passed", step1_date=""))

    assert response.status_code == 302
    plan = Plan.objects.get(owner=alice)
    step1 = plan.milestones.get(step=catalog["step1"])
    assert step1.status == "passed"
    assert step1.target_date is None
    assert not step1.plan_topics.exists()
    step2ck = plan.milestones.get(step=catalog["step2ck"])
    assert step2ck.status == "planned"
    # With Step 1 behind her, Step 2 CK's window opens on the plan's start.
    assert step2ck.starts_on == TODAY
    assert step2ck.plan_topics.count() == Topic.objects.filter(step=catalog["step2ck"]).count()
    assert plan.milestones.get(step=catalog["step3"]).plan_topics.count() == catalog["step3"].topics.count()

    page = alice_client.get(response.url).text
    assert re.search(r"<strong>Step 1</strong>\s*— passed\s*</li>", page)


def test_a_too_short_window_still_saves_and_says_so(alice_client, alice, catalog):
    one_hour_a_day = {f"hours_{day}": 1 for day in ["monday", "tuesday", "wednesday", "thursday", "friday"]} | {
        "hours_saturday": 1,
        "hours_sunday": 1,
    }
    data = form_data(step1_date="2026-12-14", step2ck_choice="skip", step3_choice="skip", **one_hour_a_day)

    response = alice_client.post(URL, data)

    assert response.status_code == 302
    milestone = Milestone.objects.get(plan__owner=alice)
    assert milestone.plan_topics.count() == catalog["step1"].topics.count()
    # 21 days, the last 7 kept for review: 14 study days of 1 hour.
    assert milestone.hours_available == 14
    assert milestone.hours_needed == catalog["step1"].study_hours
    page = alice_client.get(response.url).text
    assert "Not enough time for every topic at full length" in page
    assert f"need about <strong>{catalog['step1'].study_hours} hours</strong>" in page
    assert "hold <strong>14 hours</strong>" in page


def test_a_roomy_window_shows_no_shortage_warning(alice_client, catalog):
    response = alice_client.post(URL, form_data())

    assert "Not enough time" not in alice_client.get(response.url).text


def test_creating_a_three_step_plan_takes_a_fixed_number_of_queries(
    alice_client, alice, catalog, django_assert_max_num_queries
):
    # Measured: 39, whatever the Steps. Topics go in with bulk inserts (on SQLite five statements
    # of up to 142 rows for the ~580 topics), not one query per topic; then the day-by-day layout
    # reads and writes each of its tables once for all three Steps (planner.layout.lay_out_milestones),
    # reading the weakest systems once and raising the plan's figures_version once.
    with django_assert_max_num_queries(39):
        response = alice_client.post(URL, form_data())

    assert response.status_code == 302
    assert (
        PlanTopic.objects.filter(milestone__plan__owner=alice).count()
        == Topic.objects.filter(step__plannable=True).count()
    )


def test_creating_a_plan_takes_as_many_queries_over_a_year_as_over_three(alice_client, alice, catalog):
    a_year = {"step1_date": "2027-03-23", "step2ck_date": "2027-07-23", "step3_date": "2027-11-23"}
    three_years = {"step1_date": "2027-11-23", "step2ck_date": "2028-11-23", "step3_date": "2029-11-22"}

    counts = []
    for dates in (a_year, three_years):
        with CaptureQueriesContext(connection) as queries:
            response = alice_client.post(URL, form_data(**dates))
        assert response.status_code == 302
        counts.append(len(queries))

    # The days are never rows: a longer plan has the same topics, blocks and allocations, only longer ones.
    assert counts[0] == counts[1] <= 39
    assert Milestone.objects.filter(plan__owner=alice, laid_out_at__isnull=False).count() == 6


def test_the_start_date_may_be_in_the_past_but_no_exam_date(alice_client, catalog):
    response = alice_client.post(URL, form_data(start_date="2026-09-01", step1_date="2026-11-20"))

    assert field_error(response, "step1_date") == "Choose a date after today for Step 1, or mark it as passed."
    assert Plan.objects.count() == 0
    assert date.fromisoformat(input_value(response, "start_date")) == date(2026, 9, 1)


def test_step2ck_before_step1_saves_with_each_window_following_the_dates(alice_client, alice, catalog):
    # FSMB: Step 1 and Step 2 CK may be taken in any order; many IMGs take Step 2 CK first.
    data = form_data(step1_date="2027-11-23", step2ck_date="2027-03-23", step3_choice="skip", step3_date="")

    response = alice_client.post(URL, data)

    assert response.status_code == 302
    plan = Plan.objects.get(owner=alice)
    windows = {m.step.code: (m.starts_on, m.target_date) for m in plan.milestones.select_related("step")}
    assert windows == {
        "step2ck": (TODAY, date(2027, 3, 23)),
        "step1": (date(2027, 3, 23), date(2027, 11, 23)),
    }


def test_the_form_says_either_order_is_allowed_and_what_step3_needs(alice_client, catalog):
    page = text(alice_client.get(URL).text)

    assert "Step 1 and Step 2 CK may be taken in either order" in page
    assert "ECFMG Certification" in page
