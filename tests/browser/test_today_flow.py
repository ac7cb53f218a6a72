import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from planner import layout
from planner.models import Resource, TaskProgress
from tests.browser.actions import alices_today, sign_in
from tests.factories import make_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def alices_laid_out_plan(alice):
    """Step 1 in four months with First Aid and UWorld, six hours every day (so today has tasks), laid out today."""
    today = alices_today()
    plan = make_plan(
        alice, start_date=today, steps={"step1": today + timedelta(days=120)}, today=today, weekly_hours=(6,) * 7
    )
    milestone = plan.milestones.get()
    for position, key in enumerate(("first_aid_step1", "uworld_step1")):
        if not milestone.resources.filter(resource__key=key).exists():
            layout.plan_resource_from(milestone, Resource.objects.get(key=key), position).save()
    layout.lay_out_milestone(milestone, today)
    return plan


def todays_tasks(page):
    return page.locator("section").filter(has=page.get_by_role("heading", level=2, name="Today’s tasks"))


def test_a_person_ticks_todays_first_task_done_without_a_reload(page, catalog, alice):
    alices_laid_out_plan(alice)
    sign_in(page)
    page.get_by_role("button", name="Show navigation").click()
    page.get_by_role("link", name="Today", exact=True).click()
    expect(page).to_have_url(re.compile(r"/today/$"))
    tasks = todays_tasks(page)
    status = tasks.get_by_role("status")
    expect(status).to_have_text(re.compile(r"^0 of \d+ tasks? done today\.$"))
    button = tasks.get_by_role("button", name=re.compile(r"^Done ?: First Aid for the USMLE Step 1 pp\. ")).first
    expect(button).to_have_attribute("aria-pressed", "false")
    page.evaluate("window.notReloaded = true")

    button.click()

    expect(button).to_have_attribute("aria-pressed", "true")
    expect(status).to_have_text(re.compile(r": done\. 1 of \d+ tasks? done today\.$"))
    assert page.evaluate("window.notReloaded") is True
    progress = TaskProgress.objects.get()
    assert progress.plan_resource.name == "First Aid for the USMLE Step 1"
    assert progress.day == alices_today()
    assert progress.amount > 0


def test_a_person_records_part_of_a_question_block_with_the_keyboard(page, catalog, alice):
    alices_laid_out_plan(alice)
    sign_in(page)
    page.goto("/today/")
    tasks = todays_tasks(page)
    page.evaluate("window.notReloaded = true")

    tasks.locator("summary").filter(has_text="Record part of UWorld").first.focus()
    page.keyboard.press("Enter")
    tasks.get_by_label("Questions done").first.fill("12")
    tasks.get_by_label("Correct").first.fill("9")
    tasks.get_by_label("Correct").first.press("Enter")

    expect(tasks.get_by_text(re.compile(r"^Recorded 12 of \d+ questions, 9 correct$"))).to_be_visible()
    assert page.evaluate("window.notReloaded") is True
    progress = TaskProgress.objects.get()
    assert (progress.amount, progress.questions_correct) == (12, 9)


def test_without_javascript_the_done_button_posts_and_comes_back_ticked(browser, live_server, catalog, alice):
    alices_laid_out_plan(alice)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        sign_in(page)
        page.goto("/today/")
        button = todays_tasks(page).get_by_role("button", name=re.compile(r"^Done ?: First Aid")).first

        button.click()

        expect(page).to_have_url(re.compile(r"/today/$"))
        expect(button).to_have_attribute("aria-pressed", "true")
        expect(todays_tasks(page).get_by_role("status")).to_have_text(re.compile(r"^1 of \d+ tasks? done today\.$"))
        assert TaskProgress.objects.count() == 1
    finally:
        context.close()


def test_the_calendar_reads_at_phone_width(browser, live_server, catalog, alice):
    plan = alices_laid_out_plan(alice)
    context = browser.new_context(base_url=live_server.url, viewport={"width": 375, "height": 812})
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        sign_in(page)
        page.goto(f"/plans/{plan.pk}/calendar/")

        expect(page.get_by_role("heading", level=2, name=re.compile(r"^\w+ \d{4}$"))).to_be_visible()
        expect(page.locator("[aria-current=date]")).to_contain_text("Today")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
    finally:
        context.close()
