"""axe-core, run in Chromium over the main pages: no serious or critical violations."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import require
from tests.browser.actions import sign_in
from tests.factories import make_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def axe_page(browser, live_server):
    if not AXE.exists():
        require("axe-core is not installed: make test installs it with npm ci, so npm must be on the PATH.")
    # axe is injected as an inline script, which the site's own CSP rightly forbids.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def serious_violations(page):
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("path", ["/", "/accounts/signup/", "/accounts/login/"])
def test_public_pages_have_no_serious_violations(axe_page, path):
    axe_page.goto(path)

    assert serious_violations(axe_page) == []


def alices_plan(alice):
    """Step 1 in four months and Step 2 CK in a year, from today."""
    today = timezone.localdate()
    steps = {"step1": today + timedelta(days=120), "step2ck": today + timedelta(days=360)}
    return make_plan(alice, start_date=today, steps=steps, today=today)


def signed_in_pages(plan):
    step1 = plan.milestones.get(step__code="step1")
    return [
        "/today/",
        "/dashboard/",
        "/plans/new/",
        plan.get_absolute_url(),
        "/plans/",
        f"/plans/{plan.pk}/logs/new/",
        f"/plans/{plan.pk}/calendar/",
        f"/plans/{plan.pk}/days-off/",
        f"/milestones/{step1.pk}/resources/",
        f"/milestones/{step1.pk}/catch-up/",
        "/accounts/profile/",
    ]


def test_signed_in_pages_have_no_serious_violations(axe_page, alice, catalog):
    plan = alices_plan(alice)
    sign_in(axe_page)

    found = {}
    for path in signed_in_pages(plan):
        axe_page.goto(path)
        found[path] = serious_violations(axe_page)

    assert found == {path: [] for path in found}, json.dumps(found, indent=1)


def test_the_plan_form_works_with_the_keyboard_alone(axe_page, alice, catalog):
    sign_in(axe_page)
    axe_page.goto("/plans/new/")

    axe_page.get_by_label("Plan title").focus()
    axe_page.keyboard.press("Control+A")
    axe_page.keyboard.type("Keyboard plan")
    # Tab through the whole form to the submit button, then press Enter on it.
    for _ in range(120):
        axe_page.keyboard.press("Tab")
        if axe_page.evaluate("document.activeElement.textContent.trim()") == "Create plan":
            break
    assert axe_page.evaluate("document.activeElement.textContent.trim()") == "Create plan"
    axe_page.keyboard.press("Enter")

    # Step 1 is preselected without a date, so the form comes back with a message next to the field.
    expect(axe_page.get_by_text("Choose the date you plan to sit Step 1.")).to_be_visible()
    expect(axe_page.get_by_label("Plan title")).to_have_value("Keyboard plan")


def test_pages_fit_a_375_pixel_phone_screen(browser, live_server, alice, catalog):
    plan = alices_plan(alice)
    context = browser.new_context(base_url=live_server.url, viewport={"width": 375, "height": 800})
    page = context.new_page()
    sign_in(page)

    widths = {}
    for path in signed_in_pages(plan):
        page.goto(path)
        widths[path] = page.evaluate("document.documentElement.scrollWidth")
    context.close()

    assert widths == dict.fromkeys(widths, 375)
