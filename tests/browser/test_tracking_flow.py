import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from planner.models import PlanTopic, PracticeExam, StudyLog
from tests.browser.actions import alices_today, months_after, sign_in
from tests.factories import make_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def alices_plan(alice):
    today = alices_today()
    return make_plan(
        alice,
        start_date=today,
        steps={"step1": months_after(today, 4), "step2ck": months_after(today, 12)},
        today=today,
    )


def step1_section(page):
    heading = page.get_by_role("heading", level=2, name=re.compile(r"^USMLE Step 1 · "))
    return page.locator("section").filter(has=heading)


def tick_five_topics(page, step1):
    """Tick the first five Step 1 topics with JavaScript on: no reload, the progress changes in place."""
    progress = page.locator(f'[data-progress="{step1.pk}"]')
    expect(progress).to_have_text(re.compile(r"^0 of \d+ topics done"))
    buttons = step1_section(page).get_by_role("button", name=re.compile(r"^Done"))
    page.evaluate("window.notReloaded = true")
    for n in range(5):
        button = buttons.nth(n)
        expect(button).to_have_attribute("aria-pressed", "false")
        button.click()
        expect(button).to_have_attribute("aria-pressed", "true")
        expect(progress).to_have_text(re.compile(rf"^{n + 1} of \d+ topics done \(\d+% by yield\)$"))
    assert page.evaluate("window.notReloaded") is True
    assert step1.plan_topics.completed().count() == 5


def log_a_question_block(page, today):
    page.get_by_role("link", name="Study log").click()
    page.get_by_role("link", name="Log study").click()
    page.get_by_label("Step").select_option(label="Step 1")
    expect(page.get_by_label("Date")).to_have_value(today.isoformat())
    page.get_by_label("Minutes studied").fill("75")
    page.get_by_label("System (optional)").select_option(label="Step 1 · Cardiovascular System")
    page.get_by_label("Questions attempted (optional)").fill("40")
    page.get_by_label("Questions correct (optional)").fill("28")
    page.get_by_role("button", name="Save log").click()

    expect(page.get_by_text("Logged 75 minutes of Step 1.")).to_be_visible()
    expect(page.get_by_role("cell", name="28/40 (70%)")).to_be_visible()
    assert StudyLog.objects.get().questions_correct == 28


def record_an_nbme_score(page, today):
    page.get_by_role("link", name="Practice exams").click()
    page.get_by_role("link", name="Record a practice exam").click()
    page.get_by_label("Step").select_option(label="Step 1")
    page.get_by_label("Practice exam").select_option(label="UWorld self-assessment")
    page.get_by_label("Form (optional)").fill("Form 30")
    expect(page.get_by_label("Date")).to_have_value(today.isoformat())
    page.get_by_label("Three-digit score").fill("210")
    page.get_by_role("button", name="Save score").click()

    expect(page.get_by_text("Recorded UWorld self-assessment Form 30 for Step 1.")).to_be_visible()
    assert PracticeExam.objects.get().score == 210


def check_the_dashboard(page, step1):
    page.goto("/dashboard/")
    expect(page.locator(f'[data-progress="{step1.pk}"]')).to_have_text(re.compile(r"^5 of \d+ topics done"))
    weak = page.locator("section").filter(has=page.get_by_role("heading", name="Weakest areas"))
    expect(weak.get_by_role("row", name="Step 1 · Cardiovascular System 70% 40")).to_be_visible()
    step1_exams = page.get_by_role("table", name="Your Step 1 practice exams")
    expect(step1_exams.get_by_role("row").filter(has_text="UWorld self-assessment Form 30")).to_contain_text("210")
    expect(page.get_by_role("img", name="Burn-up: planned against done")).to_be_visible()


def test_a_person_ticks_topics_logs_questions_records_a_score_and_sees_it_all_on_the_dashboard(page, catalog, alice):
    plan = alices_plan(alice)
    step1 = plan.milestones.get(step__code="step1")
    sign_in(page)
    page.goto(plan.get_absolute_url())

    tick_five_topics(page, step1)
    log_a_question_block(page, alices_today())
    record_an_nbme_score(page, alices_today())
    check_the_dashboard(page, step1)


def test_logged_questions_and_scores_show_on_the_dashboard(page, catalog, alice):
    # The same journey with the five topics ticked beforehand: the tracking pages on their own.
    plan = alices_plan(alice)
    step1 = plan.milestones.get(step__code="step1")
    PlanTopic.objects.filter(milestone=step1, position__lt=5).update(completed_at=timezone.now())
    sign_in(page)
    page.goto(plan.get_absolute_url())

    log_a_question_block(page, alices_today())
    record_an_nbme_score(page, alices_today())
    check_the_dashboard(page, step1)


def test_without_javascript_the_done_button_posts_and_comes_back_ticked(browser, live_server, catalog, alice):
    plan = alices_plan(alice)
    step1 = plan.milestones.get(step__code="step1")
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        sign_in(page)
        page.goto(plan.get_absolute_url())
        button = step1_section(page).get_by_role("button", name=re.compile(r"^Done")).first

        button.click()

        expect(page).to_have_url(re.compile(rf"/plans/{plan.pk}/$"))
        expect(button).to_have_attribute("aria-pressed", "true")
        expect(page.locator(f'[data-progress="{step1.pk}"]')).to_have_text(re.compile(r"^1 of \d+ topics done"))
        assert step1.plan_topics.completed().count() == 1
    finally:
        context.close()
