"""Today, the signed-in home: the day's tasks, ticking them done, what is overdue, and the figures that matter now."""

import html
import re
from datetime import date, timedelta

import pytest
from django.urls import reverse

from planner import agenda, layout
from planner.models import PlanResource, PlanTopic, Resource, TaskProgress
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

TODAY_URL = reverse("planner:today")
JSON = {"HTTP_ACCEPT": "application/json"}
# User (the session comes from the cache), the person's plans, milestones, the stored layout (days off, allocations,
# resources, system names with the weakest systems in the same query, practice exams, progress, review items),
# today's progress, topics.
TODAY_QUERIES = 12


@pytest.fixture
def plan(alice, catalog, clock):
    plan, _ = make_step1_plan(alice)
    return plan


@pytest.fixture
def step1(plan):
    return plan.milestones.get()


def tasks_on(plan, day=START):
    """The day's tasks as Today shows them: one per resource and system."""
    stored = layout.StoredPlan(plan, list(plan.milestones.all()), day)
    return agenda.day_rows(stored, day, stored.tasks_between(day, day))


def tracked(plan, day=START):
    return sum(task.is_tracked for task in tasks_on(plan, day))


def task_starting(plan, prefix, day=START):
    return next(task for task in tasks_on(plan, day) if task.label.startswith(prefix))


def post_task(client, milestone, task, day=START, headers=None, follow=False, **fields):
    data = {"plan_resource": task.resource_id, "area": task.area_id or "", "day": str(day), **fields}
    return client.post(reverse("planner:task_done", args=[milestone.pk]), data, follow=follow, **(headers or {}))


def recorded(task, day=START):
    return list(
        TaskProgress.objects.filter(plan_resource=task.resource_id, area=task.area_id, day=day).values_list(
            "amount", "questions_correct"
        )
    )


def task_button(response, label):
    """The aria-pressed of the Done button whose hidden name is this task's label."""
    content = response.content.decode()
    hidden_name = re.escape(html.escape(label))
    match = re.search(
        rf'aria-pressed="(true|false)"><span class="topic-box" aria-hidden="true"></span>Done'
        rf'<span class="visually-hidden">: {hidden_name}</span>',
        content,
    )
    assert match, f"no Done button for {label}"
    return match.group(1)


def move_to(clock, day, client=None, person=None):
    """10:00 in New York on that day; a client signed in again, when sessions would have run out meanwhile."""
    clock.move_to(f"{day.isoformat()} 15:00 +0000")
    if client is not None:
        client.force_login(person)


# The page


def test_today_lists_todays_tasks_with_pages_and_question_counts(alice_client, plan):
    response = alice_client.get(TODAY_URL)

    assert response.status_code == 200
    tasks = text(section(response, "tasks-heading"))
    first_aid = task_starting(plan, "First Aid")
    uworld = task_starting(plan, "UWorld")
    assert re.search(r"First Aid for the USMLE Step 1 pp\. \d+–\d+", tasks)
    assert re.search(r"UWorld Step 1 QBank: \d+ questions", tasks)
    assert f"{first_aid.label} · {first_aid.minutes} min" in tasks
    assert f"{uworld.label} · {uworld.minutes} min" in tasks
    assert f"0 of {tracked(plan)} tasks done today." in tasks
    assert "Questions done" in tasks
    assert "Correct" in tasks
    assert "Pages read" in tasks
    assert task_button(response, first_aid.label) == "false"


def test_it_shows_the_countdown_the_standing_and_the_figures_that_matter_now(alice_client, plan, step1):
    minutes = sum(task.minutes for task in tasks_on(plan))

    now = text(section(alice_client.get(TODAY_URL), "now-heading"))

    assert "121 days to the exam on Thu 1 Apr 2027" in now
    assert "On track" in now
    per_day = dict(step1.layout_summary["questions_per_day"])["UWorld Step 1 QBank"]
    assert f"{per_day} questions a day to finish UWorld Step 1 QBank" in now
    assert f"{round(minutes / 60, 1):g} h planned today of 6 h available." in now


def test_tomorrow_and_the_rest_of_the_week_are_listed_with_their_year(alice_client, plan):
    coming = text(section(alice_client.get(TODAY_URL), "coming-heading"))

    assert "Tomorrow, Wed 2 Dec 2026" in coming
    assert "Sun 6 Dec 2026 · rest day" in coming
    assert "Mon 7 Dec 2026" in coming
    assert "Tue 8 Dec 2026" not in coming
    assert task_starting(plan, "First Aid", START + timedelta(days=1)).label in coming


def test_the_week_off_shows_nothing_to_do(alice_client, alice, plan, clock):
    move_to(clock, date(2026, 12, 26), alice_client, alice)

    tasks = text(section(alice_client.get(TODAY_URL), "tasks-heading"))

    assert "A day off: Holidays. Nothing is planned today." in tasks
    assert "Done" not in tasks


def test_work_not_ticked_for_two_days_shows_pending_since_the_day_it_was_due(alice_client, plan, clock):
    move_to(clock, START + timedelta(days=2))

    overdue = text(section(alice_client.get(TODAY_URL), "overdue-heading"))

    assert re.search(
        r"First Aid for the USMLE Step 1 pp\. \d+–\d+ and pp\. \d+–\d+ \([^)]+\) · \d+ min · "
        r"pending since Tue 1 Dec 2026",
        overdue,
    )
    assert re.search(r"UWorld Step 1 QBank: \d+ questions, .* · pending since Tue 1 Dec 2026", overdue)


def test_the_topics_of_todays_systems_can_be_ticked_there_too(alice_client, plan, step1):
    area = task_starting(plan, "First Aid").area_id
    first_topic = PlanTopic.objects.filter(milestone=step1, topic__area=area).order_by("position").first()

    response = alice_client.get(TODAY_URL)

    topics = section(response, "topics-heading")
    assert reverse("planner:topic_toggle", args=[first_topic.pk]) in topics
    assert f'Done<span class="visually-hidden">: {html.escape(first_topic.topic.name)}</span>' in topics


def test_a_person_without_a_plan_is_asked_to_make_one(client, bob):
    client.force_login(bob)

    response = client.get(TODAY_URL)

    assert response.status_code == 200
    assert "Create your plan" in page_text(response)


def test_a_plan_without_a_day_by_day_schedule_says_so(alice_client, alice, catalog):
    make_unscheduled_plan(alice)

    assert "No day-by-day schedule yet" in page_text(alice_client.get(TODAY_URL))


def test_it_shows_the_newest_plan_or_the_one_asked_for(alice_client, alice, plan, clock):
    clock.shift(60)
    newer = make_unscheduled_plan(alice, title="Newer")

    assert "No day-by-day schedule yet" in page_text(alice_client.get(TODAY_URL))
    assert f"0 of {tracked(plan)} tasks done today." in page_text(alice_client.get(TODAY_URL, {"plan": plan.pk}))
    assert newer.pk != plan.pk


def test_it_requires_sign_in(client):
    response = client.get(TODAY_URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("value", ["abc", "", "1e3", "99999999999999999999", "-1"])
def test_a_plan_value_that_is_not_one_of_hers_is_a_404(alice_client, plan, value):
    assert alice_client.get(TODAY_URL, {"plan": value}).status_code == 404


def test_bob_gets_a_404_for_alices_plan(client, bob, plan):
    client.force_login(bob)

    assert client.get(TODAY_URL, {"plan": plan.pk}).status_code == 404


def test_today_runs_the_same_queries_for_a_week_long_plan_and_a_three_year_one(
    alice_client, alice, catalog, django_assert_num_queries
):
    short = make_week_long_plan(alice)
    long_plan = make_three_year_plan(alice)

    for plan in (short, long_plan):
        with django_assert_num_queries(TODAY_QUERIES):
            response = alice_client.get(TODAY_URL, {"plan": plan.pk})
        assert "tasks done today." in page_text(response)


# Ticking tasks


def test_ticking_a_task_records_its_amount_and_the_task_shows_done(alice_client, plan, step1):
    first_aid = task_starting(plan, "First Aid")

    response = post_task(alice_client, step1, first_aid, done="1", next=TODAY_URL)

    assert response.status_code == 302
    assert response.url == TODAY_URL
    assert recorded(first_aid) == [(first_aid.amount, None)]
    page = alice_client.get(TODAY_URL)
    assert task_button(page, first_aid.label) == "true"
    assert f"1 of {tracked(plan)} tasks done today." in page_text(page)
    assert f"{first_aid.label}: done." in page_text(page)


def test_ticking_twice_records_once(alice_client, plan, step1):
    first_aid = task_starting(plan, "First Aid")

    first = post_task(alice_client, step1, first_aid, done="1", headers=JSON)
    second = post_task(alice_client, step1, first_aid, done="1", headers=JSON)

    assert first.json() == second.json()
    assert first.json()["done"] is True
    assert first.json()["summary"] == f"1 of {tracked(plan)} tasks done today."
    assert recorded(first_aid) == [(first_aid.amount, None)]


def test_the_amount_of_a_tick_comes_from_the_plan_not_the_form(alice_client, plan, step1):
    first_aid = task_starting(plan, "First Aid")

    response = post_task(alice_client, step1, first_aid, done="1", amount="9999", headers=JSON)

    assert response.status_code == 400
    assert recorded(first_aid) == []
    post_task(alice_client, step1, first_aid, done="1")
    assert recorded(first_aid) == [(first_aid.amount, None)]


def test_unticking_removes_the_record(alice_client, plan, step1):
    first_aid = task_starting(plan, "First Aid")
    post_task(alice_client, step1, first_aid, done="1")

    response = post_task(alice_client, step1, first_aid, done="0", headers=JSON)

    assert response.json()["done"] is False
    assert recorded(first_aid) == []


def test_a_partial_amount_records_that_amount_and_the_questions_correct(alice_client, plan, step1):
    uworld = task_starting(plan, "UWorld")
    done = uworld.amount - 5

    response = post_task(alice_client, step1, uworld, amount=str(done), questions_correct="7", headers=JSON)

    assert response.json()["done"] is False
    assert response.json()["status"] == f"Recorded {done} of {uworld.amount} questions, 7 correct"
    assert recorded(uworld) == [(done, 7)]
    assert f"Recorded {done} of {uworld.amount} questions, 7 correct" in page_text(alice_client.get(TODAY_URL))


def test_questions_correct_recorded_on_tasks_feed_the_dashboards_weakest_systems(alice_client, plan, step1):
    uworld = task_starting(plan, "UWorld")
    amount = max(20, uworld.amount)
    area = step1.blocks.get(area=uworld.area_id).area

    post_task(alice_client, step1, uworld, amount=str(amount), questions_correct=str(amount // 4))

    weak = text(section(alice_client.get(reverse("planner:dashboard")), "weak-heading"))
    assert f"Step 1 · {area.name} {round(100 * (amount // 4) / amount)}% {amount}" in weak


def test_ticking_done_keeps_a_count_of_correct_answers_recorded_before(alice_client, plan, step1):
    uworld = task_starting(plan, "UWorld")
    post_task(alice_client, step1, uworld, amount="10", questions_correct="6")

    post_task(alice_client, step1, uworld, done="1")

    assert recorded(uworld) == [(uworld.amount, 6)]


def test_ticking_an_overdue_item_adds_its_units_to_the_day_it_was_due(alice_client, plan, step1, clock):
    first_aid = task_starting(plan, "First Aid")
    post_task(alice_client, step1, first_aid, amount="3")
    day = START + timedelta(days=2)
    move_to(clock, day)
    stored = layout.StoredPlan(plan, [step1], day)
    item = next(row for row in agenda.overdue_rows(stored, day) if row.label.startswith("First Aid"))

    first = post_task(alice_client, step1, item, day=item.since, done="1", overdue="1", headers=JSON)
    second = post_task(alice_client, step1, item, day=item.since, done="1", overdue="1", headers=JSON)

    assert item.since == START
    assert first.json()["done"] is True
    assert second.json() == {**first.json(), "message": "That is recorded already.", "amount": None}
    assert recorded(first_aid) == [(3 + item.amount, None)]
    assert "First Aid" not in text(section(alice_client.get(TODAY_URL), "overdue-heading"))


def test_doing_what_today_asked_leaves_nothing_overdue_the_next_day(alice_client, plan, step1, clock):
    for task in tasks_on(plan):
        if task.is_tracked:
            post_task(alice_client, step1, task, done="1")
    move_to(clock, START + timedelta(days=1))

    assert "overdue-heading" not in alice_client.get(TODAY_URL).content.decode()


def test_it_goes_back_to_a_page_on_this_site_only(alice_client, plan, step1):
    first_aid = task_starting(plan, "First Aid")

    back = post_task(alice_client, step1, first_aid, done="1", next=f"{TODAY_URL}?plan={plan.pk}")
    elsewhere = post_task(alice_client, step1, first_aid, done="1", next="https://evil.example.com/")
    scheme_relative = post_task(alice_client, step1, first_aid, done="1", next="//evil.example.com/")

    assert back.url == f"{TODAY_URL}?plan={plan.pk}"
    assert elsewhere.url == TODAY_URL
    assert scheme_relative.url == TODAY_URL


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"day": "2026-12-02", "done": "1"}, "Work can be recorded up to today, not ahead of it."),
        ({"day": "2026-11-30", "done": "1"}, "The plan starts on 1 Dec 2026; record work from then on."),
        ({"day": "2026-12-01'", "done": "1"}, "Enter a valid date."),
        ({"done": "2"}, "Select a valid choice. 2 is not one of the available choices."),
        ({}, "Tick the task done, or enter how much of it you did."),
        ({"amount": "-1"}, "Ensure this value is greater than or equal to 0."),
        ({"amount": "1e9"}, "Enter a whole number."),
        ({"amount": "10", "questions_correct": "11"}, "There cannot be more correct than questions done."),
        ({"overdue": "1", "done": "1"}, None),  # nothing overdue on the first day: nothing to add
        ({"overdue": "1", "done": "0"}, "An overdue item can only be ticked done."),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(alice_client, plan, step1, fields, error):
    uworld = task_starting(plan, "UWorld")
    data = {"day": START.isoformat(), **fields}

    response = post_task(alice_client, step1, uworld, headers=JSON, **data)

    if error is None:
        assert response.status_code == 200
    else:
        assert response.status_code == 400
        assert error in response.json()["errors"]
    assert recorded(uworld) == []


def test_an_amount_over_three_times_the_task_is_refused(alice_client, plan, step1):
    first_aid = task_starting(plan, "First Aid")

    response = post_task(alice_client, step1, first_aid, amount=str(3 * first_aid.amount + 1), headers=JSON)

    assert response.json()["errors"] == [f"Enter at most {3 * first_aid.amount} pages: three times the task."]
    assert recorded(first_aid) == []


def test_only_questions_have_a_number_correct(alice_client, plan, step1):
    first_aid = task_starting(plan, "First Aid")

    response = post_task(alice_client, step1, first_aid, amount="2", questions_correct="1", headers=JSON)

    assert response.json()["errors"] == ["Only questions have a number correct."]


def test_a_resource_or_day_without_that_task_is_refused(alice_client, plan, step1):
    first_aid = task_starting(plan, "First Aid")
    other = layout.plan_resource_from(step1, Resource.objects.get(key="first_aid_step1"))
    other.resource = None
    other.save()

    response = post_task(alice_client, step1, first_aid, done="1", plan_resource=str(other.pk), headers=JSON)

    assert response.json()["errors"] == [f"{other.name} has no task on 1 Dec 2026 to record."]


def test_without_javascript_an_error_comes_back_as_a_message(alice_client, plan, step1):
    first_aid = task_starting(plan, "First Aid")

    response = post_task(alice_client, step1, first_aid, day="2026-12-02", done="1", next=TODAY_URL, follow=True)

    assert "Work can be recorded up to today, not ahead of it." in page_text(response)


@pytest.mark.parametrize("value", ["abc", "", "0", "99999999999999999999"])
def test_a_resource_that_is_not_this_steps_is_refused_not_a_crash(alice_client, plan, step1, value):
    first_aid = task_starting(plan, "First Aid")

    response = post_task(alice_client, step1, first_aid, done="1", plan_resource=value, headers=JSON)

    assert response.status_code == 400
    assert TaskProgress.objects.count() == 0


def test_bob_cannot_record_on_his_milestone_with_alices_resource(client, bob, plan, step1):
    bobs_plan, bobs_step1 = make_step1_plan(bob)
    first_aid = task_starting(plan, "First Aid")
    client.force_login(bob)

    response = post_task(client, bobs_step1, first_aid, done="1", headers=JSON)

    assert response.status_code == 400
    assert TaskProgress.objects.count() == 0
    assert PlanResource.objects.filter(milestone__plan=bobs_plan).exists()


def test_task_done_takes_only_post(alice_client, step1):
    assert alice_client.get(reverse("planner:task_done", args=[step1.pk])).status_code == 405
