"""Issue 10's spaced review as a person meets it: tick a topic done, come back on its review day, rate it."""

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from planner.layout import REVIEW_MINUTES
from planner.models import ReviewItem
from tests.factories import PASSWORD, make_plan
from usmleprep.lib.dates import human

NEW_YORK = ZoneInfo("America/New_York")
# A Tuesday morning in New York; the live server runs in this process, so it sees the same clock.
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=NEW_YORK)
TODAY = NOW.date()
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.clock(NOW, tick=True)]


def sign_in(page):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("alice@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/today/$"))


def step1_section(page):
    heading = page.get_by_role("heading", level=2, name=re.compile(r"^USMLE Step 1 · "))
    return page.locator("section").filter(has=heading)


def reviews(page):
    return page.locator("section").filter(has=page.get_by_role("heading", level=2, name="Reviews"))


def test_a_completed_topic_comes_back_on_its_review_day_and_a_rating_sets_a_later_one(page, catalog, alice, clock):
    plan = make_plan(alice, start_date=TODAY, steps={"step1": TODAY + timedelta(days=120)}, today=TODAY)
    sign_in(page)
    page.goto(plan.get_absolute_url())
    button = step1_section(page).get_by_role("button", name=re.compile(r"^Done")).first
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    item = ReviewItem.objects.select_related("plan_topic__topic__area").get()
    topic, system, review_day = item.plan_topic.topic.name, item.plan_topic.topic.area.name, item.due_on
    assert review_day > TODAY

    page.goto("/today/")
    expect(page.get_by_role("heading", level=2, name="Reviews")).to_have_count(0)

    clock.move_to(datetime.combine(review_day, time(9), tzinfo=NEW_YORK))
    page.goto("/today/")
    due = reviews(page).get_by_role("listitem").filter(has_text=topic)
    expect(due).to_contain_text(f"{topic} · {system} · {REVIEW_MINUTES} min")

    due.get_by_role("button", name=re.compile(rf"^Good ?: {re.escape(topic)}$")).click()

    expect(page).to_have_url(re.compile(r"/today/$"))
    message = page.get_by_text(re.compile(rf"^Next review of “{re.escape(topic)}”: "))
    expect(message).to_be_visible()
    shown = re.search(r"(\d{1,2} \w{3} \d{4})\.$", message.inner_text().strip()).group(1)
    next_day = datetime.strptime(shown, "%d %b %Y").date()
    assert next_day > review_day
    item.refresh_from_db()
    assert (item.reviews, item.last_rating, human(item.due_on)) == (1, "good", shown)
    expect(reviews(page).get_by_role("listitem").filter(has_text=topic)).to_have_count(0)
