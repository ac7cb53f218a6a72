import html
import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from planner.models import ContentArea, PlanTopic, PracticeExam, StudyLog
from tests.factories import (
    MONDAY,
    NOW,
    START,
    STEP1_DATE,
    STEP2CK_DATE,
    STEP3_DATE,
    TODAY,
    make_alices_plan,
    make_log,
    make_plan,
    make_practice_exam,
)
from tests.pages import page_text, section, text

DASHBOARD = reverse("planner:dashboard")
# The session comes from the cache. User, the person's plans, milestones, topics, study days, hours
# this week, practice exams, weakest areas: the same eight whatever the size of the plan.
DASHBOARD_QUERIES = 8
# User, plan, milestones, their Steps' study resources, topics, system blocks, the sharing links.
PLAN_PAGE_QUERIES = 7


pytestmark = pytest.mark.clock(NOW)


def system(step_code, name):
    return ContentArea.objects.get(step__code=step_code, kind="system", name=name)


def card_headings(response):
    return [text(h) for h in re.findall(r'<h3 class="h5 card-title">(.*?)</h3>', response.content.decode())]


def card(response, step_name):
    for article in re.findall(
        r'<article class="card h-100 milestone-card">(.*?)</article>', response.content.decode(), re.DOTALL
    ):
        if re.search(rf'<h3 class="h5 card-title">{re.escape(step_name)}[ <]', article):
            return article
    raise AssertionError(f"no card for {step_name}")


def done_buttons(fragment):
    """(topic name, form action, aria-pressed) of each Done button."""
    return [
        (html.unescape(name), action, pressed)
        for action, pressed, name in re.findall(
            r'<button type="submit" form="topic-toggle-form" formaction="([^"]+)" name="done" value="[01]" '
            r'class="btn btn-sm topic-toggle" '
            r'aria-pressed="(true|false)"><span class="topic-box" aria-hidden="true"></span>Done'
            r'<span class="visually-hidden">: (.*?)</span></button>',
            fragment,
        )
    ]


def toggle_url(plan_topic):
    return reverse("planner:topic_toggle", args=[plan_topic.pk])


def test_a_person_without_a_plan_is_offered_one_clear_way_to_create_one(alice_client):
    response = alice_client.get(DASHBOARD)

    assert response.status_code == 200
    content = response.content.decode()
    plan_create = reverse("planner:plan_create")
    assert f'<a class="btn btn-primary" href="{plan_create}">Create your plan</a>' in content
    assert content.count(f'href="{plan_create}"') == 1
    assert "Welcome, Alice Adams" in page_text(response)


def test_the_dashboard_requires_sign_in(client):
    response = client.get(DASHBOARD)

    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={DASHBOARD}"


def test_each_active_step_has_a_card_counting_down_to_its_exam(alice_client, plan):
    counts = {m.step.code: m.plan_topics.count() for m in plan.milestones.select_related("step")}

    response = alice_client.get(DASHBOARD)

    assert card_headings(response) == ["Step 1", "Step 2 CK"]
    step1_card = text(card(response, "Step 1"))
    assert f"{(STEP1_DATE - TODAY).days} days to the exam on 4 May 2027" in step1_card
    assert "109 days to the exam on 4 May 2027" in step1_card
    assert f"0 of {counts['step1']} topics done (0% by yield)" in step1_card
    assert "On track" in step1_card
    step2ck_card = text(card(response, "Step 2 CK"))
    assert "354 days to the exam on 4 Jan 2028" in step2ck_card
    assert f"0 of {counts['step2ck']} topics done (0% by yield)" in step2ck_card
    assert "On track" in step2ck_card
    assert "Catch up" not in page_text(response)


def test_a_passed_step_has_no_card(alice_client, alice, catalog):
    make_plan(alice, start_date=START, steps={"step1": "passed", "step2ck": STEP2CK_DATE}, today=TODAY)

    response = alice_client.get(DASHBOARD)

    assert card_headings(response) == ["Step 2 CK"]


def test_this_weeks_topics_have_done_buttons(alice_client, plan, step1):
    # Laid out from today, Step 1's first topics start this week; Step 2 CK's start in May.
    expected = list(
        PlanTopic.objects.filter(milestone__plan=plan, starts_on__lte=TODAY + timedelta(days=6))
        .select_related("topic")
        .order_by("due_on", "position")
    )
    assert expected
    assert all(pt.milestone_id == step1.pk for pt in expected)

    page = alice_client.get(DASHBOARD)
    week = section(page, "week-heading")

    assert done_buttons(week) == [(pt.topic.name, toggle_url(pt), "false") for pt in expected]
    # The buttons post the page's one toggle form, which brings the person back here.
    assert '<input type="hidden" name="next" value="/dashboard/">' in page.text


def test_a_topic_done_this_week_shows_pressed(alice_client, step1):
    first = step1.plan_topics.select_related("topic").get(position=0)
    alice_client.post(toggle_url(first), {"done": "1"})

    week = section(alice_client.get(DASHBOARD), "week-heading")

    assert (first.topic.name, toggle_url(first), "true") in done_buttons(week)
    assert f'formaction="{toggle_url(first)}" name="done" value="0"' in week


def test_last_weeks_unfinished_topics_still_show_this_week(alice_client, step1):
    overdue = step1.plan_topics.select_related("topic").get(position=0)
    PlanTopic.objects.filter(pk=overdue.pk).update(starts_on=MONDAY - timedelta(days=7), due_on=MONDAY)

    week = section(alice_client.get(DASHBOARD), "week-heading")

    assert done_buttons(week)[0] == (overdue.topic.name, toggle_url(overdue), "false")


def test_high_yield_topics_of_the_next_exam_are_listed_heaviest_first(alice_client, step1):
    by_yield = list(step1.plan_topics.select_related("topic").order_by("-topic__yield_weight", "due_on", "position"))
    for plan_topic in by_yield[:2]:
        alice_client.post(toggle_url(plan_topic), {"done": "1"})

    high_yield = section(alice_client.get(DASHBOARD), "yield-heading")

    assert "High-yield topics still ahead for Step 1" in text(high_yield)
    assert [name for name, _, _ in done_buttons(high_yield)] == [pt.topic.name for pt in by_yield[2:12]]


def test_weakest_areas_need_20_questions_and_come_lowest_first(alice_client, plan, step1):
    step2ck = plan.milestones.get(step__code="step2ck")
    make_log(plan, step1, area=system("step1", "Cardiovascular System"), questions_attempted=30, questions_correct=15)
    make_log(
        plan,
        step1,
        area=system("step1", "Respiratory & Renal/Urinary Systems"),
        questions_attempted=25,
        questions_correct=20,
    )
    endocrine = system("step1", "Reproductive & Endocrine Systems")
    make_log(plan, step1, area=endocrine, questions_attempted=10, questions_correct=6)
    make_log(plan, step1, area=endocrine, questions_attempted=10, questions_correct=6)
    # Too few questions to call a system weak, however few were right.
    make_log(plan, step1, area=system("step1", "Gastrointestinal System"), questions_attempted=19, questions_correct=2)
    # Questions without a system say nothing about one.
    make_log(plan, step1, questions_attempted=40, questions_correct=4)
    make_log(
        plan, step2ck, area=system("step2ck", "Cardiovascular System"), questions_attempted=40, questions_correct=30
    )

    weak = section(alice_client.get(DASHBOARD), "weak-heading")

    rows = [
        tuple(text(cell) for cell in row)
        for row in re.findall(r"<tr><td>(.*?)</td><td[^>]*>(.*?)</td><td[^>]*>(.*?)</td></tr>", weak)
    ]
    assert rows == [
        ("Step 1 · Cardiovascular System", "50%", "30"),
        ("Step 1 · Reproductive & Endocrine Systems", "60%", "20"),
        ("Step 2 CK · Cardiovascular System", "75%", "40"),
        ("Step 1 · Respiratory & Renal/Urinary Systems", "80%", "25"),
    ]


def test_without_enough_questions_it_says_how_to_see_weak_areas(alice_client, plan, step1):
    make_log(plan, step1, area=system("step1", "Cardiovascular System"), questions_attempted=19, questions_correct=2)

    weak = text(section(alice_client.get(DASHBOARD), "weak-heading"))

    assert "Log question blocks by system (at least 20 questions in a system) to see where you are weak." in weak


def test_hours_this_week_and_the_streak(alice_client, plan, step1):
    # Last Saturday: not this week, not the streak.
    make_log(plan, step1, studied_on=TODAY - timedelta(days=6), minutes=120)
    for days_ago, minutes in [(2, 60), (1, 90), (0, 45)]:
        make_log(plan, step1, studied_on=TODAY - timedelta(days=days_ago), minutes=minutes)
    make_log(plan, step1, studied_on=TODAY, minutes=15)

    habits = text(section(alice_client.get(DASHBOARD), "habits-heading"))

    assert "Study streak: 3 days in a row." in habits
    assert "This week: 3.5 h logged of 36 h planned." in habits


def test_the_streak_still_counts_when_today_has_nothing_logged_yet(alice_client, plan, step1):
    for days_ago in [3, 2, 1]:
        make_log(plan, step1, studied_on=TODAY - timedelta(days=days_ago))

    habits = text(section(alice_client.get(DASHBOARD), "habits-heading"))

    assert "Study streak: 3 days in a row." in habits


def test_a_new_plan_has_no_streak_and_no_hours(alice_client, plan):
    habits = text(section(alice_client.get(DASHBOARD), "habits-heading"))

    assert "Study streak: 0 days in a row." in habits
    assert "This week: 0.0 h logged of 36 h planned." in habits


def test_the_burn_up_chart_carries_a_title_and_a_description(alice_client, plan):
    content = alice_client.get(DASHBOARD).content.decode()

    assert '<svg viewBox="0 0 600 240" role="img" aria-labelledby="burn-up-title burn-up-desc"' in content
    assert '<title id="burn-up-title">Burn-up: planned against done</title>' in content
    assert re.search(
        r'<desc id="burn-up-desc">Share of the plan’s topics by yield weight, '
        r"from 4 Jan 2027 to 4 Jan 2028\. Done so far: 0%\.",
        content,
    )
    # Practice exams are charted and listed once, on the readiness cards (tests/planner/test_readiness_page.py).
    assert "scores-heading" not in content


def test_alice_can_switch_to_another_of_her_plans(alice_client, alice, plan, catalog):
    other = make_plan(
        alice,
        title="Step 3 later",
        start_date=START,
        steps={"step1": "passed", "step2ck": "passed", "step3": STEP3_DATE},
        today=TODAY,
    )

    response = alice_client.get(DASHBOARD, {"plan": plan.pk})

    assert '<h1 class="h3 mb-0">My USMLE plan</h1>' in response.content.decode()
    assert card_headings(response) == ["Step 1", "Step 2 CK"]
    assert card_headings(alice_client.get(DASHBOARD, {"plan": other.pk})) == ["Step 3"]


def test_bobs_plan_is_not_found_for_alice(alice_client, plan, bob):
    bobs_plan = make_plan(bob, title="Bob’s secret plan", start_date=START, steps={"step1": STEP1_DATE}, today=TODAY)

    response = alice_client.get(DASHBOARD, {"plan": bobs_plan.pk})

    assert response.status_code == 404
    assert "Bob’s secret plan" not in response.content.decode()


@pytest.mark.parametrize("value", ["abc", "", "-1", "1.0", "999999", str(2**64), "9" * 5000, "1\x00", "١"])
def test_a_plan_that_is_not_a_plan_id_is_not_found(alice_client, plan, value):
    assert alice_client.get(DASHBOARD, {"plan": value}).status_code == 404


def test_bobs_plan_is_not_found_for_alice_without_a_plan_either(alice_client, alice, bob, catalog):
    bobs_plan = make_plan(bob, title="Bob’s secret plan", start_date=START, steps={"step1": STEP1_DATE}, today=TODAY)

    response = alice_client.get(DASHBOARD, {"plan": bobs_plan.pk})

    assert response.status_code == 404
    assert "Bob’s secret plan" not in response.content.decode()


@pytest.mark.parametrize("value", ["abc", str(2**64)])
def test_a_plan_value_is_not_found_for_someone_without_a_plan(alice_client, alice, value):
    assert alice_client.get(DASHBOARD, {"plan": value}).status_code == 404


def test_a_score_stored_in_year_1_before_dates_were_bounded_does_not_break_the_dashboard(
    alice_client, plan, step1, step2ck
):
    make_practice_exam(plan, step1, taken_on=date(1, 1, 1), score=210)
    make_practice_exam(plan, step2ck, taken_on=date(1, 1, 1), score=210)

    response = alice_client.get(DASHBOARD)

    assert response.status_code == 200
    assert '<title id="readiness-step2ck-title">Step 2 CK: practice scores</title>' in response.content.decode()
    # Listed on the card of each Step.
    assert text(section(response, "readiness-heading")).count("1 Jan 0001 NBME self-assessment Form 30 210 – –") == 2


# The number of queries must not grow with the plan.


def small_plan(alice):
    return make_alices_plan(alice, steps={"step1": STEP1_DATE})


def large_plan(alice):
    plan = make_alices_plan(alice, steps={"step1": STEP1_DATE, "step2ck": STEP2CK_DATE, "step3": STEP3_DATE})
    milestones = list(plan.milestones.select_related("step"))
    assert PlanTopic.objects.filter(milestone__plan=plan).count() > 250
    # 100 topics done over the last ten days, in every Step.
    topics = list(PlanTopic.objects.filter(milestone__plan=plan).order_by("position", "milestone__step__order")[:100])
    for n, plan_topic in enumerate(topics):
        plan_topic.completed_at = timezone.now() - timedelta(days=n % 10, hours=n)
    PlanTopic.objects.bulk_update(topics, ["completed_at"])
    # Two years of daily logs, with question blocks across the systems of each Step.
    areas = {m.pk: list(ContentArea.objects.filter(step=m.step, kind="system")) for m in milestones}
    logs = []
    for n in range(730):
        milestone = milestones[n % 3]
        area = areas[milestone.pk][n % len(areas[milestone.pk])]
        block = n % 4 != 0
        logs.append(
            StudyLog(
                plan=plan,
                milestone=milestone,
                area=area if block else None,
                studied_on=TODAY - timedelta(days=n),
                minutes=30 + n % 300,
                questions_attempted=40 if block else None,
                questions_correct=10 + n % 30 if block else None,
            )
        )
    StudyLog.objects.bulk_create(logs)
    PracticeExam.objects.bulk_create(
        PracticeExam(
            plan=plan,
            milestone=milestones[n % 3],
            kind=["nbme", "uwsa", "free120", "other"][n % 4],
            form_name=f"Form {n + 25}",
            taken_on=TODAY - timedelta(days=7 * n),
            score=190 + 3 * n if n % 4 != 2 else None,
            percent_correct=60 + n,
        )
        for n in range(12)
    )
    return plan


def test_the_small_plans_dashboard_shows_what_is_measured(alice_client, alice, catalog, django_assert_num_queries):
    small_plan(alice)

    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = alice_client.get(DASHBOARD)

    assert card_headings(response) == ["Step 1"]


def test_the_large_plans_dashboard_runs_the_same_number_of_queries(
    alice_client, alice, catalog, django_assert_num_queries
):
    large_plan(alice)

    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = alice_client.get(DASHBOARD)

    assert card_headings(response) == ["Step 1", "Step 2 CK", "Step 3"]
    shown = page_text(response)
    assert int(re.search(r"Study streak: (\d+) days in a row\.", shown).group(1)) >= 365
    assert "Form 36" in shown
    assert len(re.findall(r"<tr><td>Step [^<]+ · ", section(response, "weak-heading"))) == 5


def test_the_plan_page_runs_the_same_number_of_queries_for_a_small_and_a_large_plan(
    alice_client, alice, catalog, django_assert_num_queries
):
    small = small_plan(alice)
    with django_assert_num_queries(PLAN_PAGE_QUERIES):
        response = alice_client.get(small.get_absolute_url())
    assert f"0 of {PlanTopic.objects.filter(milestone__plan=small).count()} topics done" in page_text(response)

    large = large_plan(alice)
    with django_assert_num_queries(PLAN_PAGE_QUERIES):
        response = alice_client.get(large.get_absolute_url() + "?all=1")  # every topic, not only the blocks in view
    assert len(done_buttons(response.content.decode())) == PlanTopic.objects.filter(milestone__plan=large).count()
    assert response.content.decode().count('aria-pressed="true"') == 100


def test_the_dashboard_of_a_small_and_a_large_plan_run_the_same_queries(
    alice_client, alice, catalog, django_assert_num_queries
):
    small = small_plan(alice)
    large = large_plan(alice)

    with django_assert_num_queries(DASHBOARD_QUERIES):
        alice_client.get(DASHBOARD, {"plan": small.pk})
    with django_assert_num_queries(DASHBOARD_QUERIES):
        alice_client.get(DASHBOARD, {"plan": large.pk})


def test_an_international_graduate_is_reminded_of_ecfmg_certification(alice_client, alice, plan):
    alice.background = "img"
    alice.save()

    assert "ECFMG Certification" in alice_client.get(DASHBOARD).text


def test_a_us_md_student_is_not_shown_the_ecfmg_note(alice_client, alice, plan):
    alice.background = "us_md"
    alice.save()

    assert "ECFMG Certification" not in alice_client.get(DASHBOARD).text
