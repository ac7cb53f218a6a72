"""The month calendar of a day-by-day plan: phases, load, tasks, days off and exam days."""

from datetime import date

import pytest
from django.urls import reverse

from planner import layout
from planner.models import DayException, PracticeExamSlot
from tests.factories import LAID_OUT_EXAM as EXAM
from tests.factories import (
    LAID_OUT_NOW,
    make_step1_plan,
    make_three_year_plan,
    make_unscheduled_plan,
    make_week_long_plan,
)
from tests.factories import LAID_OUT_START as START
from tests.pages import page_text, section, text

# 10:00 in New York on Tuesday 1 December 2026, the day alice's Step 1 plan starts.
pytestmark = pytest.mark.clock(LAID_OUT_NOW)

# User (the session comes from the cache), plan, milestones, the stored layout (days off, allocations, resources,
# system names, practice exams, progress, review items).
CALENDAR_QUERIES = 10


@pytest.fixture
def plan(alice, catalog, clock):
    plan, _ = make_step1_plan(alice)
    return plan


def calendar_url(plan):
    return reverse("planner:calendar", args=[plan.pk])


def month_text(client, plan, month=None):
    response = client.get(calendar_url(plan), {"month": month} if month is not None else {})
    assert response.status_code == 200
    return text(section(response, "month-heading"))


def test_it_shows_this_month_with_each_days_phase_load_and_tasks(alice_client, plan):
    month = month_text(alice_client, plan)

    assert month.startswith("December 2026")
    assert "Tue 1 Dec 2026 Today Content review" in month
    assert "First Aid for the USMLE Step 1 pp. 331–333" in month
    assert "h planned of 6 h" in month
    assert "Sun 6 Dec 2026 Content review Rest day" in month


def test_the_week_off_shows_as_days_off_with_their_note(alice_client, plan):
    month = month_text(alice_client, plan, "2026-12")

    assert "Thu 24 Dec 2026 Content review Day off: Holidays" in month
    assert "Thu 31 Dec 2026 Content review Day off: Holidays" in month
    christmas = month.split("Fri 25 Dec")[1].split("Sat 26 Dec")[0]
    assert "min" not in christmas


def test_light_days_show_their_hours_and_note(alice_client, plan):
    DayException.objects.create(plan=plan, starts_on=date(2027, 1, 5), ends_on=date(2027, 1, 5), hours=2, note="Clinic")
    layout.lay_out_milestone(plan.milestones.get(), START)

    month = month_text(alice_client, plan, "2027-01")

    light = month.split("Tue 5 Jan")[1].split("Wed 6 Jan")[0]
    assert "Light day: Clinic" in light
    assert "h planned of 2 h" in light


def test_practice_exams_and_the_exam_day_are_marked(alice_client, plan):
    nbme = PracticeExamSlot.objects.get(milestone__plan=plan, form__key="nbme_step1_31").day

    exam_month = month_text(alice_client, plan, EXAM.strftime("%Y-%m"))
    nbme_month = month_text(alice_client, plan, nbme.strftime("%Y-%m"))

    assert "Thu 1 Apr 2027 Step 1 exam" in exam_month
    on_the_day = nbme_month.split(f"{nbme:%a} {nbme.day} {nbme:%b}")[1][:120]
    assert "Practice exam" in on_the_day
    assert "NBME Form 31: 4 × 50 questions" in on_the_day
    assert "Final review" in month_text(alice_client, plan, "2027-03")


def test_month_links_go_back_and_forth_with_the_year(alice_client, plan):
    response = alice_client.get(calendar_url(plan), {"month": "2027-01"})
    content = response.content.decode()

    assert 'href="?month=2026-12"' in content
    assert 'href="?month=2027-02"' in content
    assert "December 2026" in page_text(response)
    assert "February 2027" in page_text(response)


def test_months_stop_a_year_either_side_of_the_plan(alice_client, plan):
    earliest = alice_client.get(calendar_url(plan), {"month": "2025-12"})
    latest = alice_client.get(calendar_url(plan), {"month": "2028-04"})

    assert "December 2025" in text(section(earliest, "month-heading"))
    assert "?month=2025-11" not in earliest.content.decode()
    assert "April 2028" in text(section(latest, "month-heading"))
    assert "?month=2028-05" not in latest.content.decode()


@pytest.mark.parametrize(
    "value",
    ["abc", "", "2027-13", "2027-00", "2027-1", "27-01", "2027-01-01", "99999-01", "2025-11", "2028-05", "０２"],
)
def test_a_bad_month_shows_this_month(alice_client, plan, value):
    assert month_text(alice_client, plan, value).startswith("December 2026")


def test_this_month_is_the_persons_own(alice_client, alice, plan, clock):
    # 1 January 2027 at 03:00 in London is still 31 December in New York.
    clock.move_to("2027-01-01 03:00 +0000")
    alice_client.force_login(alice)  # the session of a month ago has run out

    assert month_text(alice_client, plan).startswith("December 2026")


def test_a_plan_without_a_day_by_day_schedule_still_shows_its_exam(alice_client, alice, catalog):
    plain = make_unscheduled_plan(alice)

    response = alice_client.get(calendar_url(plain), {"month": "2027-04"})

    assert "no day-by-day schedule" in page_text(response)
    assert "Thu 1 Apr 2027 Step 1 exam" in text(section(response, "month-heading"))


def test_it_requires_sign_in(client, plan):
    response = client.get(calendar_url(plan))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_the_calendar_takes_only_safe_methods(alice_client, plan):
    assert alice_client.post(calendar_url(plan)).status_code == 405


def test_a_month_runs_the_same_queries_for_a_week_long_plan_and_a_three_year_one(
    alice_client, alice, catalog, django_assert_num_queries
):
    short = make_week_long_plan(alice)
    long_plan = make_three_year_plan(alice)

    for plan in (short, long_plan):
        with django_assert_num_queries(CALENDAR_QUERIES):
            response = alice_client.get(calendar_url(plan), {"month": "2026-12"})
        assert "content review" in page_text(response).lower()
