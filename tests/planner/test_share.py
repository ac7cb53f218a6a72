"""The read-only share link: progress, the next 14 days and practice results for an advisor, without sign-in."""

import re
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from planner.models import PlanLink, PlanTopic, SelfAssessment
from tests.factories import LAID_OUT_EXAM as EXAM
from tests.factories import (
    LAID_OUT_NOW,
    make_log,
    make_practice_exam,
    make_step1_plan,
    make_three_year_plan,
    make_week_long_plan,
)
from tests.factories import LAID_OUT_START as START
from tests.pages import messages_of, page_text, section, text
from tests.planner.test_feed import drop_unnumbered_books, make_address, token_of

pytestmark = pytest.mark.clock(LAID_OUT_NOW)

NOTE = "Felt anxious after the cardiology block, call Dr Rivera"
# The link with its plan and owner, the milestones, the plan's topics, the stored layout (days off,
# allocations, resources, system names, practice exams, progress, review items) and the practice exams.
SHARE_QUERIES = 11


@pytest.fixture
def plan(alice, catalog, clock):
    plan, milestone = make_step1_plan(alice)
    topic = PlanTopic.objects.filter(milestone=milestone).order_by("position").first()
    topic.completed_at = timezone.now()
    topic.save()
    make_log(plan, milestone, studied_on=START, minutes=90, note=NOTE)
    make_practice_exam(
        plan,
        milestone,
        form=SelfAssessment.objects.get(key="nbme_step1_29"),
        form_name="Form 29",
        taken_on=START - timedelta(days=3),
        percent_correct=68,
        pass_probability=84,
    )
    return plan


def share(client, plan, expires_on=""):
    response = client.post(reverse("planner:share_new", args=[plan.pk]), {"expires_on": expires_on})
    assert response.status_code == 200, messages_of(response)
    return response.context["address"].removeprefix("http://testserver")


def test_the_share_page_shows_progress_the_next_14_days_and_practice_results(alice_client, plan):
    response = Client().get(share(alice_client, plan))

    assert response.status_code == 200
    progress = text(section(response, "progress-heading"))
    total = PlanTopic.objects.filter(milestone__plan=plan).count()
    assert f"Step 1 — exam on 1 Apr 2027, {(EXAM - START).days} days left · 1 of {total} topics done" in progress
    assert re.search(r"topics done \(\d+% by yield\) · (Ahead by \d+ days?|On track)", progress)
    days = text(section(response, "days-heading"))
    assert days.startswith("The next 14 days Tue 1 Dec")
    assert "First Aid for the USMLE Step 1 pp. " in days
    assert "Sun 6 Dec 2026 Day off" in days
    assert "Mon 14 Dec" in days
    assert "Tue 15 Dec" not in days
    results = text(section(response, "results-heading"))
    assert "28 Nov 2026 Step 1 NBME Form 29 – 68% 84%" in results


def test_the_share_page_shows_no_email_no_note_and_nothing_to_change(alice, alice_client, plan):
    day_note = "Sister's wedding"
    plan.exceptions.update(note=day_note)
    response = Client().get(share(alice_client, plan))

    page = response.content.decode()
    assert alice.email not in page
    assert NOTE not in page
    assert day_note not in page
    assert "<form" not in section(response, "progress-heading") + section(response, "days-heading")
    assert not re.search(r"<form[^>]*method=\"post\"", page.split("<main", 1)[1])
    assert Client().post(share(alice_client, plan)).status_code == 405


def test_the_share_page_asks_search_engines_to_keep_out(alice_client, plan):
    response = Client().get(share(alice_client, plan))

    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]


def test_a_revoked_share_link_is_404(alice_client, plan):
    address = share(alice_client, plan)

    response = alice_client.post(reverse("planner:share_revoke", args=[plan.pk]), follow=True)

    assert messages_of(response) == ["The share link is revoked; it no longer opens your plan."]
    assert Client().get(address).status_code == 404


def test_a_new_share_link_replaces_the_old_one(alice_client, plan):
    old, new = share(alice_client, plan), share(alice_client, plan)

    assert Client().get(old).status_code == 404
    assert Client().get(new).status_code == 200


def test_a_share_link_works_through_its_last_day_and_is_404_after(alice_client, plan, clock):
    address = share(alice_client, plan, "2026-12-10")

    # 23:00 on 10 Dec in New York, alice's time zone, is already 11 Dec in UTC.
    clock.move_to("2026-12-11 04:00 +0000")
    assert Client().get(address).status_code == 200
    clock.move_to("2026-12-11 05:01 +0000")
    assert Client().get(address).status_code == 404


def test_the_plan_page_says_a_link_exists_and_until_when_without_showing_it(alice_client, plan, clock):
    address = share(alice_client, plan, "2026-12-10")

    box = text(section(alice_client.get(reverse("planner:plan_detail", args=[plan.pk])), "sharing-heading"))
    assert "A share link exists, working until 10 Dec 2026 — make a new one to see it." in box
    assert token_of(address) not in box
    clock.move_to("2026-12-11 15:00 +0000")
    alice_client.force_login(plan.owner)
    box = text(section(alice_client.get(reverse("planner:plan_detail", args=[plan.pk])), "sharing-heading"))
    assert "Your share link expired after 10 Dec 2026." in box


@pytest.mark.parametrize(
    ("expires_on", "message"),
    [
        ("2026-11-30", "No share link made. Choose a last day from today to 1 Dec 2027, or leave it empty."),
        ("2027-12-02", "No share link made. Choose a last day from today to 1 Dec 2027, or leave it empty."),
        ("0001-01-01", "No share link made. Enter a date between 1 Jan 1990 and 1 Dec 2036."),
        ("soon", "No share link made. Enter a valid date."),
    ],
    ids=["yesterday", "beyond a year", "year 1", "not a date"],
)
def test_an_expiry_out_of_range_is_refused_with_a_message(alice_client, plan, expires_on, message):
    response = alice_client.post(reverse("planner:share_new", args=[plan.pk]), {"expires_on": expires_on}, follow=True)

    assert messages_of(response) == [message]
    assert not PlanLink.objects.exists()


def test_an_expiry_a_year_ahead_is_accepted(alice_client, plan):
    share(alice_client, plan, "2027-12-01")

    assert PlanLink.objects.get().expires_on == date(2027, 12, 1)


@pytest.mark.parametrize("token", ["y" * 43, "nope", "%E2%80%AE" + "a" * 40], ids=["unknown", "short", "bidi"])
def test_a_wrong_token_is_404(alice_client, plan, token):
    share(alice_client, plan)

    assert Client().get(f"/shared/{token}/").status_code == 404


def test_a_feed_token_does_not_open_the_share_page(alice_client, plan):
    feed = make_address(alice_client, plan)

    assert Client().get(f"/shared/{token_of(feed)}/").status_code == 404


def test_the_share_page_counts_days_in_the_owners_time_zone(alice_client, plan, clock):
    address = share(alice_client, plan)
    # 03:00 UTC on 2 Dec is 22:00 on 1 Dec in New York.
    clock.move_to("2026-12-02 03:00 +0000")

    days = text(section(Client().get(address), "days-heading"))

    assert days.startswith("The next 14 days Tue 1 Dec")


def test_the_share_page_runs_the_same_queries_for_a_week_long_plan_and_a_three_year_one(
    alice, alice_client, catalog, django_assert_num_queries
):
    short = make_week_long_plan(alice)
    long_plan = make_three_year_plan(alice)
    drop_unnumbered_books(long_plan)

    for plan in (short, long_plan):
        address = share(alice_client, plan)
        with django_assert_num_queries(SHARE_QUERIES):
            response = Client().get(address)
        assert "topics done" in page_text(response)
