"""The calendar feed: a private, revocable .ics address per plan, with exams, practice exams and each day's tasks."""

import hashlib
import logging
import re
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from planner import feeds, layout
from planner.models import DayException, PlanLink, PlanResource, PracticeExamSlot, Resource
from tests.factories import LAID_OUT_EXAM as EXAM
from tests.factories import LAID_OUT_NOW, make_step1_plan, make_three_year_plan, make_week_long_plan
from tests.factories import LAID_OUT_START as START
from tests.pages import messages_of, page_text, section, text
from usmleprep.lib import log_filters

# 10:00 in New York on Tuesday 1 December 2026, the day alice's Step 1 plan starts.
pytestmark = pytest.mark.clock(LAID_OUT_NOW)

TODAY = START
# The link with its plan and owner, the milestones, and the stored layout (days off, allocations,
# resources, system names, practice exams, progress, review items).
FEED_QUERIES = 9


@pytest.fixture
def plan(alice, catalog, clock):
    plan, _ = make_step1_plan(alice)
    return plan


def make_address(client, plan, name="planner:feed_new"):
    """Press the button on the plan page; returns the address the page shows once."""
    response = client.post(reverse(name, args=[plan.pk]))
    assert response.status_code == 200
    return response.context["address"]


def token_of(address):
    return re.search(r"/(?:calendar|shared)/([^/]+?)(?:\.ics|/)$", address).group(1)


def fetch(address):
    """The feed as a calendar app gets it: no cookies, no sign-in."""
    return Client().get(address.removeprefix("http://testserver"))


def events(response):
    return {str(event.uid): event for event in Calendar.from_ical(response.content).events}


def test_the_feed_parses_and_has_the_exam_practice_exams_and_each_days_tasks(alice_client, plan):
    milestone = plan.milestones.get()
    response = fetch(make_address(alice_client, plan))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    found = events(response)
    exam = found[f"exam-{milestone.pk}@usmleprep"]
    assert (exam.start, exam.end, str(exam.summary)) == (EXAM, EXAM + timedelta(days=1), "Step 1 exam")
    slot = PracticeExamSlot.objects.get(milestone=milestone, form__key="nbme_step1_31")
    practice = found[f"practice-{milestone.pk}-{slot.form_id}@usmleprep"]
    assert (practice.start, str(practice.summary)) == (slot.day, "Practice exam: NBME Form 31")
    tasks = layout.StoredPlan(plan, [milestone], TODAY).tasks_between(TODAY, TODAY)[TODAY]
    first_day = found[f"day-{TODAY.isoformat()}-plan-{plan.pk}@usmleprep"]
    minutes = sum(task.minutes for _, task in tasks)
    assert str(first_day.summary) == f"Study: {len(tasks)} tasks, {round(minutes / 60, 1):g} h"
    assert str(first_day.description).splitlines() == [f"{task.label} ({task.minutes} min)" for _, task in tasks]
    assert (first_day.start, first_day.end) == (TODAY, TODAY + timedelta(days=1))


def test_the_feed_runs_from_a_month_ago_to_the_exam_and_leaves_out_days_off(alice_client, plan, clock):
    address = make_address(alice_client, plan)
    clock.move_to("2027-01-20 15:00 +0000")
    days = [event.start for uid, event in events(fetch(address)).items() if uid.startswith("day-")]

    assert min(days) >= date(2027, 1, 20) - timedelta(days=30)
    assert max(days) < EXAM
    assert not [day for day in days if date(2026, 12, 24) <= day <= date(2026, 12, 31)]  # the week off
    assert not [day for day in days if day.weekday() == 6]  # Sundays are rest days in this plan


def test_two_fetches_give_the_same_events_and_a_plan_change_changes_them(alice_client, plan):
    address = make_address(alice_client, plan)
    first, second = events(fetch(address)), events(fetch(address))
    assert set(first) == set(second)
    assert {uid: str(e.description) for uid, e in first.items()} == {
        uid: str(e.description) for uid, e in second.items()
    }

    day_off = date(2026, 12, 2)
    DayException.objects.create(plan=plan, starts_on=day_off, ends_on=day_off, note="Interview")
    layout.lay_out_milestone(plan.milestones.get(), TODAY)
    after = events(fetch(address))

    assert f"day-{day_off.isoformat()}-plan-{plan.pk}@usmleprep" in first
    assert f"day-{day_off.isoformat()}-plan-{plan.pk}@usmleprep" not in after
    assert any(str(after[uid].description) != str(first[uid].description) for uid in set(after) & set(first))


def test_the_feed_needs_no_sign_in_shows_no_email_and_may_be_cached_briefly(alice, alice_client, plan):
    response = fetch(make_address(alice_client, plan))

    assert response.status_code == 200
    assert alice.email not in response.content.decode()
    assert response["Cache-Control"] == "private, max-age=300"
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_a_new_address_replaces_the_old_one_and_turning_it_off_ends_both(alice_client, plan):
    old = make_address(alice_client, plan)
    new = make_address(alice_client, plan)

    assert fetch(old).status_code == 404
    assert fetch(new).status_code == 200
    response = alice_client.post(reverse("planner:feed_revoke", args=[plan.pk]))
    assert response.status_code == 302
    assert fetch(new).status_code == 404
    assert not PlanLink.objects.filter(plan=plan).exists()


@pytest.mark.parametrize(
    "token",
    ["x" * 43, "short", "a" * 44, "%00" * 15, "../" + "a" * 40, "a" * 42 + "!"],
    ids=["unknown", "too short", "too long", "NUL", "dots", "punctuation"],
)
def test_a_wrong_token_is_404(alice_client, plan, token):
    make_address(alice_client, plan)

    assert Client().get(f"/calendar/{token}.ics").status_code == 404


def test_a_share_token_does_not_open_the_feed(alice_client, plan):
    share = make_address(alice_client, plan, "planner:share_new")

    assert fetch(f"/calendar/{token_of(share)}.ics").status_code == 404


def test_only_a_hash_of_the_token_is_stored(alice_client, plan):
    token = token_of(make_address(alice_client, plan))

    link = PlanLink.objects.get(plan=plan)
    assert len(token) == 43  # 256 random bits
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in repr(list(PlanLink.objects.values()))


def test_the_plan_page_says_a_feed_exists_without_showing_it(alice_client, plan):
    token = token_of(make_address(alice_client, plan))

    response = alice_client.get(reverse("planner:plan_detail", args=[plan.pk]))

    box = text(section(response, "sharing-heading"))
    assert "A feed address exists (made 1 Dec 2026) — make a new one to see it." in box
    assert token not in response.content.decode()


def test_the_new_address_page_shows_the_address_once_with_how_to_subscribe(alice_client, plan):
    response = alice_client.post(reverse("planner:feed_new", args=[plan.pk]))

    shown = page_text(response)
    assert response.context["address"].startswith("http://testserver/calendar/")
    assert "this is the only time it is shown" in shown
    assert "Other calendars → + → From URL" in shown
    assert "File → New Calendar Subscription" in shown
    assert response.context["webcal"].startswith("webcal://testserver/calendar/")


def test_making_and_turning_off_take_post_and_a_sign_in(client, alice_client, plan):
    for name in ("planner:feed_new", "planner:feed_revoke"):
        url = reverse(name, args=[plan.pk])
        assert alice_client.get(url).status_code == 405
        response = Client().post(url)
        assert response.url.startswith(reverse("accounts:login"))
    assert not PlanLink.objects.exists()


def test_turning_off_a_feed_that_is_not_there_says_nothing_and_goes_back(alice_client, plan):
    response = alice_client.post(reverse("planner:feed_revoke", args=[plan.pk]), follow=True)

    assert response.status_code == 200
    assert messages_of(response) == []


def test_the_feed_takes_only_safe_methods(alice_client, plan):
    address = make_address(alice_client, plan).removeprefix("http://testserver")

    assert Client().post(address).status_code == 405


def test_the_feed_runs_the_same_queries_for_a_week_long_plan_and_a_three_year_one(
    alice, alice_client, catalog, django_assert_num_queries
):
    short = make_week_long_plan(alice)
    long_plan = make_three_year_plan(alice)
    drop_unnumbered_books(long_plan)

    sizes = []
    for plan in (short, long_plan):
        address = make_address(alice_client, plan).removeprefix("http://testserver")
        with django_assert_num_queries(FEED_QUERIES):
            response = Client().get(address)
        sizes.append(len(events(response)))
    assert sizes[0] < 15 < 300 < sizes[1]


def drop_unnumbered_books(plan):
    """Leave out books the catalog gives no page numbers for (First Aid for Step 2 CK): planner.daily's
    task_label cannot label their pages yet (reported to the lead), and the feed covers every day."""
    for milestone in plan.milestones.all():
        books = PlanResource.objects.filter(milestone=milestone, unit=Resource.Unit.PAGE)
        books.exclude(resource__sections__first_unit__isnull=False).delete()
        layout.lay_out_milestone(milestone, START)


def test_the_logging_filter_keeps_tokens_out_of_logged_paths(alice_client, plan, caplog):
    token = token_of(make_address(alice_client, plan))
    alice_client.post(reverse("planner:feed_revoke", args=[plan.pk]))
    request_log = logging.getLogger("django.request")
    hide = log_filters.HideLinkTokens()
    request_log.addFilter(hide)
    try:
        with caplog.at_level(logging.WARNING, logger="django.request"):
            assert Client().get(f"/calendar/{token}.ics").status_code == 404
            assert Client().get(f"/shared/{token}/").status_code == 404
    finally:
        request_log.removeFilter(hide)

    assert "Not Found: /calendar/[token].ics" in caplog.text
    assert "Not Found: /shared/[token]/" in caplog.text
    assert token not in caplog.text


def test_hide_tokens_leaves_other_paths_alone():
    assert log_filters.hide_tokens('"GET /calendar/abc.ics HTTP/1.1" 200') == '"GET /calendar/[token].ics HTTP/1.1" 200'
    assert log_filters.hide_tokens("Not Found: /shared/abc/") == "Not Found: /shared/[token]/"
    assert log_filters.hide_tokens("Not Found: /plans/12/calendar/") == "Not Found: /plans/12/calendar/"


def test_the_feed_reaches_a_month_back_and_forward_to_the_last_exam_ahead(plan):
    milestone = plan.milestones.get()

    assert feeds.feed_range([], date(2026, 12, 1)) == (date(2026, 11, 1), date(2026, 12, 1))
    assert feeds.feed_range([milestone], date(2026, 12, 1)) == (date(2026, 11, 1), EXAM)
    assert feeds.feed_range([milestone], date(2020, 1, 1))[1] == date(2020, 1, 1) + timedelta(days=3 * 366)
