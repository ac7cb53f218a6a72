import re
from datetime import date, timedelta

import pytest
import time_machine
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from conftest import make_plan
from planner.models import ContentArea, Milestone, Plan, PlanTopic
from tests.planner.plan_form import (
    NOW,
    STEP1_DATE,
    STEP2CK_DATE,
    STEP3_DATE,
    TODAY,
    checked_value,
    field_error,
    form_data,
    input_value,
    text,
)

# Nine days into the plan, a Wednesday; within the two weeks a session lasts.
LATER = "2026-12-02 12:00 +0000"
LATER_DAY = date(2026, 12, 2)
ALL_STEPS = {"step1": STEP1_DATE, "step2ck": STEP2CK_DATE, "step3": STEP3_DATE}
STRENGTH_LABELS = {"official": "official", "secondary": "secondary sources", "single": "one source only"}


@pytest.fixture(autouse=True)
def clock():
    # Started before the clients sign in, so their sessions live in the same frozen time.
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def url(name, plan):
    return reverse(f"planner:{name}", args=[plan.pk])


@pytest.fixture
def plan(alice, catalog):
    return make_plan(alice, title="Alice’s road to residency", start_date=TODAY, steps=ALL_STEPS, today=TODAY)


@pytest.fixture
def step1_plan(alice, catalog):
    return make_plan(alice, title="Step 1 sprint", start_date=TODAY, steps={"step1": STEP1_DATE}, today=TODAY)


def complete_first_topics(milestone, count):
    done = list(milestone.plan_topics.order_by("position")[:count])
    for plan_topic in done:
        plan_topic.completed_at = timezone.now() - timedelta(days=1)
        plan_topic.save()
    return done


def snapshot(plan_topics):
    return {pt.pk: (pt.starts_on, pt.due_on, pt.planned_minutes, pt.completed_at) for pt in plan_topics}


def edit_data(plan, **overrides):
    """The edit form as it comes pre-filled for a Step 1 only plan, with overrides."""
    return form_data(
        title=plan.title,
        start_date=plan.start_date.isoformat(),
        step2ck_choice="skip",
        step2ck_date="",
        step3_choice="skip",
        step3_date="",
        **overrides,
    )


def milestone_section(page, milestone):
    start = page.index(f'<section class="mt-5" aria-labelledby="milestone-{milestone.pk}">')
    return page[start : page.index("</section>", start)]


def system_groups(section, step):
    """[(heading, [topic names])] in the order the page shows them."""
    known = set(step.topics.values_list("name", flat=True))
    groups = []
    for chunk in section.split('<h3 class="h6 mt-4">')[1:]:
        heading, table = chunk.split("</h3>", 1)
        names = []
        for row in re.findall(r"<tr\b[^>]*\bdata-topic-row\b[^>]*>(.*?)</tr>", table, re.DOTALL):
            cells = [
                text(cell).removesuffix(" high yield") for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL)
            ]
            [name] = [cell for cell in cells if cell in known]
            names.append(name)
        groups.append((text(heading), names))
    return groups


def timeline_items(page):
    timeline = page[page.index('id="timeline-heading"') : page.index("</ol>")]
    return [text(item) for item in re.findall(r'<li class="list-group-item">(.*?)</li>', timeline, re.DOTALL)]


# The plan list


def test_the_plan_list_shows_alices_plans_and_not_bobs(alice_client, alice, bob, catalog):
    make_plan(alice, title="Alice’s Step 1 sprint", start_date=TODAY, steps={"step1": STEP1_DATE}, today=TODAY)
    make_plan(alice, title="Alice’s long game", start_date=TODAY, steps=ALL_STEPS, today=TODAY)
    make_plan(bob, title="Bob’s secret plan", start_date=TODAY, steps={"step1": STEP1_DATE}, today=TODAY)

    response = alice_client.get(reverse("planner:plan_list"))

    assert response.status_code == 200
    page = text(response.text)
    assert "Alice’s Step 1 sprint" in page
    assert "Alice’s long game" in page
    assert "Bob’s secret plan" not in page
    step1_topics = catalog["step1"].topics.count()
    assert f"Started 23 Nov 2026 · 0 of {step1_topics} topics done Step 1: 23 Mar 2027" in page
    assert "Step 1: 23 Mar 2027 Step 2 CK: 23 Nov 2027 Step 3: 23 May 2029" in page
    for plan in Plan.objects.filter(owner=alice):
        assert f'href="{plan.get_absolute_url()}"' in response.text


def test_the_plan_list_invites_a_first_plan(alice_client, bob, catalog):
    make_plan(bob, title="Bob’s secret plan", start_date=TODAY, steps={"step1": STEP1_DATE}, today=TODAY)

    page = text(alice_client.get(reverse("planner:plan_list")).text)

    assert "You have no plan yet." in page
    assert "Bob’s secret plan" not in page


# The plan page


def test_the_plan_page_shows_the_timeline_with_days_left(alice_client, plan):
    response = alice_client.get(url("plan_detail", plan))

    assert response.status_code == 200
    items = timeline_items(response.text)
    assert len(items) == 3
    topics = dict(plan.milestones.values_list("step__code").annotate(n=Count("plan_topics")))
    assert items[0].startswith(
        f"Step 1 — exam on 23 Mar 2027, 120 days left · 0 of {topics['step1']} topics done (0% by yield)"
    )
    assert items[1].startswith(
        f"Step 2 CK — exam on 23 Nov 2027, 365 days left · 0 of {topics['step2ck']} topics done (0% by yield)"
    )
    assert items[2].startswith(
        f"Step 3 — exam on 23 May 2029, 912 days left · 0 of {topics['step3']} topics done (0% by yield)"
    )
    page = text(response.text)
    assert (
        "USMLE Step 1 · 23 Mar 2027 The exam 1 day, about 8 hours of testing: "
        "14 blocks of up to 20 items, 30 minutes each. 280 items in all. Since 14 May 2026. official"
    ) in page
    assert "Pass/fail since 26 January 2022." in page
    assert "At most 4 attempts at a Step, and at most three in 12 months; a passed Step is not retaken." in page
    assert "Common resources First Aid for the USMLE Step 1" in page
    assert "Study from 23 Nov 2026" in page
    assert "USMLE Step 2 Clinical Knowledge (CK) · 23 Nov 2027 The exam" in page
    assert "Study from 23 Mar 2027" in page
    assert "day 1, 12 blocks of 18–20 items" in page
    assert "then 13 case simulations" in page
    assert "Study from 23 Nov 2027" in page


def test_days_left_count_from_today_in_alices_time_zone(alice_client, plan, clock):
    # 03:00 on 24 Nov in UTC is still 23 Nov in New York.
    clock.move_to("2026-11-24 03:00 +0000")

    items = timeline_items(alice_client.get(url("plan_detail", plan)).text)

    assert "exam on 23 Mar 2027, 120 days left" in items[0]


def test_the_timeline_counts_completed_topics_by_number_and_yield(alice_client, plan, clock):
    step1 = plan.milestones.get(step__code="step1")
    clock.move_to(LATER)
    done = complete_first_topics(step1, 10)

    response = alice_client.get(url("plan_detail", plan))

    weight_done = sum(pt.topic.yield_weight for pt in done)
    weight_total = sum(pt.topic.yield_weight for pt in step1.plan_topics.select_related("topic"))
    percent = round(100 * weight_done / weight_total)
    count = step1.plan_topics.count()
    assert percent > 100 * 10 / count  # the highest-yield topics come first, so they weigh more than their number
    assert timeline_items(response.text)[0].startswith(
        f"Step 1 — exam on 23 Mar 2027, 111 days left · 10 of {count} topics done ({percent}% by yield)"
    )
    assert response.text.count('aria-pressed="true"') == 10


def test_the_plan_page_groups_topics_by_system_with_share_ranges(alice_client, plan):
    response = alice_client.get(url("plan_detail", plan))

    for milestone in plan.milestones.select_related("step"):
        groups = system_groups(milestone_section(response.text, milestone), milestone.step)
        areas = ContentArea.objects.filter(step=milestone.step, topics__isnull=False).distinct()
        by_heading = {
            f"{a.name} {a.share_min}–{a.share_max}% of the exam {STRENGTH_LABELS[a.source.strength]}": a
            for a in areas.select_related("source")
        }
        assert len(groups) == len(by_heading) > 10
        assert {heading for heading, _ in groups} == set(by_heading)
        for heading, names in groups:
            assert sorted(names) == sorted(by_heading[heading].topics.values_list("name", flat=True)), heading
        # Systems with the largest share of the exam come first.
        shares = [by_heading[heading].share_max for heading, _ in groups]
        assert shares == sorted(shares, reverse=True)

    step1 = plan.milestones.get(step__code="step1")
    groups = dict(system_groups(milestone_section(response.text, step1), step1.step))
    assert "Heart failure" in groups["Cardiovascular System 7–11% of the exam secondary sources"]


def test_the_plan_page_marks_each_share_with_the_strength_of_its_source(alice_client, plan):
    page = alice_client.get(url("plan_detail", plan)).text

    step2ck = plan.milestones.get(step__code="step2ck")
    headings = dict(system_groups(milestone_section(page, step2ck), step2ck.step))
    assert "Behavioral Health 5–10% of the exam one source only" in headings
    assert "Immune System 3–5% of the exam secondary sources" in headings
    assert 'class="badge source-badge source-single text-decoration-none"' in page


def test_the_plan_page_takes_get_only(alice_client, plan):
    assert alice_client.post(url("plan_detail", plan)).status_code == 405


@pytest.mark.parametrize(
    ("steps", "queries"),
    [({"step1": STEP1_DATE}, 7), (ALL_STEPS, 7)],
    ids=["one Step", "three Steps"],
)
def test_the_plan_page_runs_the_same_queries_for_any_plan_size(
    alice_client, alice, catalog, django_assert_num_queries, steps, queries
):
    plan = make_plan(alice, start_date=TODAY, steps=steps, today=TODAY)

    with django_assert_num_queries(queries):
        response = alice_client.get(url("plan_detail", plan))

    assert response.status_code == 200
    shown = sum(
        len(names)
        for milestone in plan.milestones.select_related("step")
        for _, names in system_groups(milestone_section(response.text, milestone), milestone.step)
    )
    assert shown == PlanTopic.objects.filter(milestone__plan=plan).count() > 100


# Editing


def test_moving_step1_later_keeps_completed_topics_and_reschedules_the_rest(alice_client, step1_plan, clock):
    milestone = step1_plan.milestones.get()
    clock.move_to(LATER)
    done = complete_first_topics(milestone, 12)
    completed_before = snapshot(done)
    unfinished_before = snapshot(milestone.plan_topics.remaining())

    response = alice_client.post(url("plan_edit", step1_plan), edit_data(step1_plan, step1_date="2027-05-24"))

    assert response.status_code == 302
    assert response.url == url("plan_detail", step1_plan)
    page = alice_client.get(response.url).text
    assert "Plan saved. Unfinished topics were laid out again; completed ones stay done." in page
    milestone.refresh_from_db()
    assert milestone.target_date == date(2027, 5, 24)
    assert milestone.starts_on == TODAY
    assert milestone.scheduled_on == LATER_DAY
    assert snapshot(milestone.plan_topics.completed()) == completed_before
    unfinished = list(milestone.plan_topics.remaining())
    assert {pt.pk for pt in unfinished} == set(unfinished_before)
    assert all(LATER_DAY <= pt.starts_on <= pt.due_on < milestone.review_starts_on for pt in unfinished)
    assert max(pt.due_on for pt in unfinished) > max(due for _, due, _, _ in unfinished_before.values())
    # Laid out again from today in yield order: the first unfinished topic starts today.
    assert min(unfinished, key=lambda pt: pt.position).starts_on == LATER_DAY


def test_changing_weekly_hours_reschedules_unfinished_topics_on_the_new_days(alice_client, step1_plan, clock):
    milestone = step1_plan.milestones.get()
    saturday = 5
    assert any(pt.starts_on.weekday() == saturday for pt in milestone.plan_topics.all())
    weekdays_only = {"hours_saturday": 0, "hours_sunday": 0} | {
        f"hours_{day}": 3 for day in ["monday", "tuesday", "wednesday", "thursday", "friday"]
    }
    clock.move_to(LATER)
    completed_before = snapshot(complete_first_topics(milestone, 5))

    response = alice_client.post(url("plan_edit", step1_plan), edit_data(step1_plan, **weekdays_only))

    assert response.status_code == 302
    step1_plan.refresh_from_db()
    assert step1_plan.weekly_hours == [3, 3, 3, 3, 3, 0, 0]
    assert snapshot(milestone.plan_topics.completed()) == completed_before
    milestone.refresh_from_db()
    assert milestone.scheduled_on == LATER_DAY
    unfinished = list(milestone.plan_topics.remaining())
    assert len(unfinished) == milestone.plan_topics.count() - 5
    assert all(pt.starts_on.weekday() < saturday and pt.due_on.weekday() < saturday for pt in unfinished)
    assert all(pt.starts_on >= LATER_DAY and pt.due_on < milestone.review_starts_on for pt in unfinished)


def test_a_step_with_completed_topics_cannot_be_dropped(alice_client, alice, catalog, clock):
    plan = make_plan(alice, start_date=TODAY, steps={"step1": STEP1_DATE, "step2ck": STEP2CK_DATE}, today=TODAY)
    step1 = plan.milestones.get(step__code="step1")
    clock.move_to(LATER)
    complete_first_topics(step1, 3)

    data = edit_data(plan) | {"step1_choice": "skip", "step2ck_choice": "plan", "step2ck_date": "2027-11-23"}
    response = alice_client.post(url("plan_edit", plan), data)

    assert response.status_code == 200
    assert field_error(response.text, "step1_choice") == (
        "You have completed topics for Step 1; keep it in the plan so that work is not lost."
    )
    assert checked_value(response.text, "step1_choice") == "skip"
    assert plan.milestones.count() == 2
    assert step1.plan_topics.completed().count() == 3


def test_dropping_an_untouched_step_removes_it_and_opens_the_next_window_at_the_start(alice_client, alice, catalog):
    plan = make_plan(alice, start_date=TODAY, steps={"step1": STEP1_DATE, "step2ck": STEP2CK_DATE}, today=TODAY)

    data = edit_data(plan) | {"step1_choice": "skip", "step1_date": "", "step2ck_choice": "plan"}
    response = alice_client.post(url("plan_edit", plan), data | {"step2ck_date": "2027-11-23"})

    assert response.status_code == 302
    milestone = plan.milestones.get()
    assert milestone.step.code == "step2ck"
    assert milestone.starts_on == TODAY
    assert min(pt.starts_on for pt in milestone.plan_topics.all()) == TODAY
    assert not PlanTopic.objects.filter(milestone__plan=plan, topic__step__code="step1").exists()


def test_the_edit_form_comes_filled_in_with_the_plan(alice_client, step1_plan):
    page = alice_client.get(url("plan_edit", step1_plan)).text

    assert "Edit “Step 1 sprint”" in page
    assert input_value(page, "title") == "Step 1 sprint"
    assert input_value(page, "step1_date") == "2027-03-23"
    choices = [checked_value(page, f"{code}_choice") for code in ["step1", "step2ck", "step3"]]
    assert choices == ["plan", "skip", "skip"]


# Deleting


def test_delete_asks_first_and_deletes_nothing_on_get(alice_client, plan):
    response = alice_client.get(url("plan_delete", plan))

    assert response.status_code == 200
    assert "Delete “Alice’s road to residency”?" in response.text
    assert "It cannot be undone." in response.text
    assert '<button type="submit" class="btn btn-danger">Delete the plan</button>' in response.text
    assert Plan.objects.filter(pk=plan.pk).exists()
    assert Milestone.objects.filter(plan=plan).count() == 3


def test_delete_on_post_removes_the_plan_its_milestones_and_topics(alice_client, alice, plan, catalog):
    other = make_plan(alice, title="Keep me", start_date=TODAY, steps={"step1": STEP1_DATE}, today=TODAY)
    assert PlanTopic.objects.filter(milestone__plan=plan).exists()

    response = alice_client.post(url("plan_delete", plan), follow=True)

    assert response.redirect_chain == [(reverse("planner:plan_list"), 302)]
    assert "The plan “Alice’s road to residency” is deleted." in response.text
    assert not Plan.objects.filter(pk=plan.pk).exists()
    assert not Milestone.objects.filter(plan_id=plan.pk).exists()
    assert not PlanTopic.objects.filter(milestone__plan_id=plan.pk).exists()
    assert PlanTopic.objects.filter(milestone__plan=other).count() == catalog["step1"].topics.count()


# Sign-in


PLANNER_URLS = ["dashboard", "plan_list", "plan_create", "plan_detail", "plan_edit", "plan_delete"]


@pytest.mark.parametrize("name", PLANNER_URLS)
def test_every_planner_page_requires_sign_in(client, plan, name):
    path = url(name, plan) if name in ("plan_detail", "plan_edit", "plan_delete") else reverse(f"planner:{name}")

    response = client.get(path)

    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={path}"


def test_an_anonymous_post_neither_creates_nor_deletes(client, plan):
    client.post(reverse("planner:plan_create"), form_data())
    response = client.post(url("plan_delete", plan))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert list(Plan.objects.all()) == [plan]


def test_a_plan_started_long_ago_can_still_be_renamed(client, alice, catalog):
    with time_machine.travel("2028-06-01 12:00 +0000", tick=False):
        client.force_login(alice)
        plan = make_plan(
            alice,
            start_date=date(2026, 3, 1),
            steps={"step1": "passed", "step2ck": date(2028, 9, 1)},
            today=date(2026, 3, 1),
        )
        data = form_data(title="Renamed", start_date="2026-03-01", step1_choice="passed", step1_date="")
        data |= {"step2ck_choice": "plan", "step2ck_date": "2028-09-01", "step3_choice": "skip", "step3_date": ""}

        response = client.post(url("plan_edit", plan), data)

        assert response.status_code == 302, field_error(response.text, "start_date")
        plan.refresh_from_db()
        assert plan.title == "Renamed"


def test_the_form_says_what_step3_needs(alice_client, catalog):
    page = text(alice_client.get(reverse("planner:plan_create")).text)

    assert (
        "Needs Step 1 and Step 2 CK passed and an MD or DO degree, and for international graduates ECFMG Certification."
    ) in page
