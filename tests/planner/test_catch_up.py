import re
from datetime import date, datetime

import pytest
from django.urls import reverse

from planner.models import Milestone, PlanTopic
from tests.factories import START, STEP1_DATE, STEP2CK_DATE, make_plan
from tests.pages import page_text, text

# The plan is made on its first day, a Monday; six weeks later alice has done three topics.
MADE = "2027-01-04 15:00 +0000"
LATER = "2027-02-15 15:00 +0000"
LATER_DAY = date(2027, 2, 15)
DONE_AT = datetime.fromisoformat("2027-01-06 20:00 +00:00")

pytestmark = pytest.mark.clock(MADE)


@pytest.fixture
def plan(alice, catalog, clock):
    plan = make_plan(alice, start_date=START, steps={"step1": STEP1_DATE, "step2ck": STEP2CK_DATE})
    step1 = plan.milestones.get(step__code="step1")
    PlanTopic.objects.filter(milestone=step1, position__lt=3).update(completed_at=DONE_AT)
    clock.move_to(LATER)
    return plan


@pytest.fixture
def step1(plan):
    return plan.milestones.get(step__code="step1")


@pytest.fixture
def alice_later(client, alice, plan):
    # Signed in six weeks on: a session from the day the plan was made would have expired.
    client.force_login(alice)
    return client


def url(milestone):
    return reverse("planner:catch_up", args=[milestone.pk])


def all_dates(plan):
    return {
        pt.pk: (pt.starts_on, pt.due_on, pt.planned_minutes, pt.completed_at)
        for pt in PlanTopic.objects.filter(milestone__plan=plan)
    }


def schedule_figures():
    return set(Milestone.objects.values_list("pk", "scheduled_on", "minutes_needed", "minutes_available"))


def standing_of(response, milestone):
    match = re.search(rf'data-standing="{milestone.pk}"><strong>(.*?)</strong>', response.content.decode())
    assert match, "no standing shown"
    return match.group(1)


def behind_days(step1):
    # The first unfinished topic in the schedule marks how far the work done has fallen back.
    return (LATER_DAY - step1.plan_topics.get(position=3).due_on).days


def test_the_dashboard_says_how_far_behind_and_offers_to_catch_up(alice_later, step1):
    response = alice_later.get(reverse("planner:dashboard"))

    days = behind_days(step1)
    assert days > 7
    assert standing_of(response, step1) == f"Behind by {days} days"
    assert f'<a class="btn btn-sm btn-warning" href="{url(step1)}">Catch up…</a>' in response.content.decode()
    assert f"3 of {step1.plan_topics.count()} topics done" in page_text(response)


def test_the_plan_page_offers_to_catch_up_too(alice_later, plan, step1):
    response = alice_later.get(plan.get_absolute_url())

    assert f'<a href="{url(step1)}">Catch up…</a>' in response.content.decode()
    assert f"Behind by {behind_days(step1)} days" in page_text(response)


def test_the_preview_lists_the_topics_that_will_move_and_changes_nothing(alice_later, plan, step1):
    overdue = list(step1.plan_topics.remaining().filter(due_on__lt=LATER_DAY).select_related("topic"))
    before = all_dates(plan)
    scheduled_before = schedule_figures()

    response = alice_later.get(url(step1))

    assert response.status_code == 200
    shown = page_text(response)
    assert "Catch up on Step 1" in shown
    assert int(re.search(r"(\d+) topics will move", shown).group(1)) >= len(overdue) > 0
    table = re.search(r"will move</h2>.*?<tbody>(.*?)</tbody>", response.content.decode(), re.DOTALL).group(1)
    listed = {text(cell) for cell in re.findall(r"<tr><td>(.*?)</td>", table)}
    assert {pt.topic.name for pt in overdue} <= listed
    done_names = {pt.topic.name for pt in step1.plan_topics.completed().select_related("topic")}
    assert len(done_names) == 3
    assert not done_names & listed
    assert all_dates(plan) == before
    assert schedule_figures() == scheduled_before


def test_catching_up_moves_unfinished_topics_to_today_or_later(alice_later, plan, step1):
    before = all_dates(plan)
    step2ck_ids = set(plan.milestones.get(step__code="step2ck").plan_topics.values_list("pk", flat=True))
    overdue = set(step1.plan_topics.remaining().filter(due_on__lt=LATER_DAY).values_list("pk", flat=True))
    assert overdue

    response = alice_later.post(url(step1))

    assert response.status_code == 302
    assert response.url == plan.get_absolute_url()
    after = all_dates(plan)
    completed = {pk for pk, row in before.items() if row[3] is not None}
    assert len(completed) == 3
    assert {pk: after[pk] for pk in completed} == {pk: before[pk] for pk in completed}
    unfinished = list(step1.plan_topics.remaining())
    assert len(unfinished) == len(before) - len(step2ck_ids) - 3
    assert all(LATER_DAY <= pt.starts_on <= pt.due_on < STEP1_DATE for pt in unfinished)
    assert all(after[pk][1] >= LATER_DAY > before[pk][1] for pk in overdue)
    assert {pk: after[pk] for pk in step2ck_ids} == {pk: before[pk] for pk in step2ck_ids}
    step1.refresh_from_db()
    assert step1.scheduled_on == LATER_DAY


def test_catching_up_says_how_many_topics_moved(alice_later, plan, step1):
    preview = page_text(alice_later.get(url(step1)))
    will_move = int(re.search(r"(\d+) topics will move", preview).group(1))
    before = all_dates(plan)

    response = alice_later.post(url(step1), follow=True)

    after = all_dates(plan)
    moved = sum(1 for pk in before if before[pk][:2] != after[pk][:2])
    assert moved == will_move > 0
    assert f"{moved} unfinished Step 1 topics now run from today to the exam." in page_text(response)


def test_after_catching_up_the_dashboard_is_on_track(alice_later, step1):
    alice_later.post(url(step1))

    response = alice_later.get(reverse("planner:dashboard"))

    assert re.fullmatch(r"On track|Ahead by \d+ days?", standing_of(response, step1))
    assert "Catch up" not in page_text(response)


def test_there_is_nothing_to_catch_up_for_a_passed_step(alice_later, plan, step1):
    Milestone.objects.filter(pk=step1.pk).update(status=Milestone.Status.PASSED)
    before = all_dates(plan)

    response = alice_later.post(url(step1), follow=True)

    assert response.redirect_chain == [(plan.get_absolute_url(), 302)]
    assert "There is nothing to catch up for Step 1." in page_text(response)
    assert all_dates(plan) == before


def test_catch_up_requires_sign_in(client, step1):
    response = client.get(url(step1))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
