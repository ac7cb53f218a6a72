import re

import pytest
from playwright.sync_api import expect

from planner.models import Plan
from tests.browser.actions import alices_today, months_after, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def human(day):
    return f"{day.day} {day:%b %Y}"


def fill_plan_form(page, today, step1, step2ck, step3):
    page.get_by_label("Plan title").fill("Road to residency")
    page.get_by_label("Start date").fill(today.isoformat())
    page.get_by_label("Step 1 exam date").fill(step1.isoformat())
    page.get_by_label("Step 2 CK exam date").fill(step2ck.isoformat())
    page.get_by_label("Step 3 exam date").fill(step3.isoformat())
    page.get_by_role("button", name="Create plan").click()


def milestone_section(page, full_name):
    heading = page.get_by_role("heading", level=2, name=re.compile(rf"^{re.escape(full_name)} · "))
    return page.locator("section").filter(has=heading)


def test_a_person_plans_all_three_steps_and_sees_each_steps_topics(page, catalog, alice):
    today = alices_today()
    step1, step2ck, step3 = months_after(today, 4), months_after(today, 12), months_after(today, 30)
    sign_in(page)
    page.get_by_role("link", name="Create your plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create a study plan")

    fill_plan_form(page, today, step1, step2ck, step3)

    plan = Plan.objects.get(owner=alice)
    expect(page).to_have_url(re.compile(rf"/plans/{plan.pk}/$"))
    expect(page.get_by_text("Your plan is ready. Every topic has its week.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Road to residency")
    for code, exam_day in [("step1", step1), ("step2ck", step2ck), ("step3", step3)]:
        step = catalog[code]
        timeline_entry = page.locator("#timeline-heading + ol > li").filter(
            has=page.locator("strong", has_text=re.compile(rf"^{step.name}$"))
        )
        expect(timeline_entry).to_contain_text(f"exam on {human(exam_day)}, {(exam_day - today).days} days left")
        expect(timeline_entry).to_contain_text(f"0 of {step.topics.count()} topics done")
        section = milestone_section(page, step.full_name)
        expect(section.get_by_role("heading", level=2)).to_have_text(f"{step.full_name} · {human(exam_day)}")
        # The topics of the blocks under way and next are listed; the rest are a click away.
        expect(section.locator(".topic-table tbody tr").first).to_be_visible()
        expect(section.get_by_role("link", name=f"all {step.topics.count()} {step.name} topics")).to_be_visible()
    step1_section = milestone_section(page, "USMLE Step 1")
    step1_section.get_by_role("link", name="Cardiovascular System", exact=True).click()
    expect(step1_section.get_by_role("heading", level=3, name=re.compile(r"^Cardiovascular System"))).to_be_visible()
    expect(step1_section.get_by_role("cell", name=re.compile(r"^Heart failure"))).to_be_visible()
    assert plan.milestones.count() == 3


def test_step3_before_step2ck_is_refused_next_to_the_field(page, catalog, alice):
    today = alices_today()
    step2ck, too_early = months_after(today, 12), months_after(today, 10)
    sign_in(page)
    page.goto("/plans/new/")

    fill_plan_form(page, today, months_after(today, 4), step2ck, too_early)

    expect(page).to_have_url(re.compile(r"/plans/new/$"))
    step3_date = page.get_by_label("Step 3 exam date")
    expect(step3_date).to_have_attribute("aria-invalid", "true")
    expect(step3_date).to_have_value(too_early.isoformat())
    message = "Step 3 comes after Step 2 CK: choose a later date for it."
    error = page.get_by_text(message)
    expect(error).to_be_visible()
    # Announced with the field (aria-describedby) and shown right under it.
    descriptions = [
        page.locator(f"#{id_}").inner_text().strip() for id_ in step3_date.get_attribute("aria-describedby").split()
    ]
    assert message in descriptions
    field, shown = step3_date.bounding_box(), error.bounding_box()
    assert 0 <= shown["y"] - (field["y"] + field["height"]) < 40
    expect(page.get_by_label("Step 2 CK exam date")).to_have_value(step2ck.isoformat())
    expect(page.get_by_label("Step 2 CK exam date")).not_to_have_attribute("aria-invalid", "true")
    assert Plan.objects.count() == 0
