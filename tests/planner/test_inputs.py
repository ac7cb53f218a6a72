"""The day-by-day plan's inputs: a Step's resources, self-assessments and block order; days off."""

from datetime import date

import pytest
from django.urls import reverse

from planner import layout
from planner.forms import StepInputs
from planner.models import Allocation, DayException, PlanResource, PracticeExamSlot, StudyBlock, TaskProgress
from tests.factories import make_plan

NOW = "2026-12-01 15:00 +0000"
START = date(2026, 12, 1)


pytestmark = pytest.mark.clock(NOW)


@pytest.fixture
def step1(alice, catalog):
    plan = make_plan(alice, start_date=START, steps={"step1": date(2027, 4, 1)}, today=START)
    return plan.milestones.get()


def resources_url(milestone):
    return reverse("planner:resources", args=[milestone.pk])


def resources_post(milestone, **overrides):
    """What the browser sends back for the resources page as shown, with overrides."""
    inputs = StepInputs(milestone)
    data = {}
    for form in inputs.catalog:
        for name in form.fields:
            value = form.initial.get(name)
            if name != "use":
                data[form.add_prefix(name)] = str(value)
            elif value:
                data[form.add_prefix(name)] = "on"
    data |= {"custom-TOTAL_FORMS": "1", "custom-INITIAL_FORMS": "0", "custom-MIN_NUM_FORMS": "0"}
    data |= {"custom-MAX_NUM_FORMS": "10"}
    empty = inputs.custom.forms[0]
    data |= {
        empty.add_prefix(name): "" if empty[name].value() is None else str(empty[name].value()) for name in empty.fields
    }
    data.pop(empty.add_prefix("remove"))
    data |= {field.html_name: str(field.initial) for field in inputs.choices.block_fields()}
    return data | overrides


def test_the_resources_page_lists_the_catalog_with_sizes_and_what_is_chosen(alice_client, step1):
    response = alice_client.get(resources_url(step1))

    assert response.status_code == 200
    page = response.text
    assert "Resources for Step 1" in page
    assert "Pathoma" in page
    assert "NBME Form 31" in page
    chosen = {form.resource.key for form in response.context["inputs"].catalog if form.initial["use"]}
    assert chosen == set(PlanResource.objects.filter(milestone=step1).values_list("resource__key", flat=True))


def test_a_preview_shows_what_moves_and_changes_nothing(alice_client, step1):
    before = list(Allocation.objects.filter(milestone=step1).values_list("pk", flat=True))
    data = resources_post(step1, **{"pathoma-use": "on"})

    response = alice_client.post(resources_url(step1), data)

    assert response.status_code == 200
    assert "Preview: nothing has changed yet" in response.text
    assert "Pathoma ch." in response.text
    assert list(Allocation.objects.filter(milestone=step1).values_list("pk", flat=True)) == before
    assert not PlanResource.objects.filter(milestone=step1, resource__key="pathoma").exists()


def test_applying_adds_the_resource_and_the_practice_exams_and_lays_the_step_out_again(alice_client, step1):
    forms = list(
        step1.step.self_assessments.filter(key__in=["nbme_step1_30", "nbme_step1_31"]).values_list("pk", flat=True)
    )
    data = resources_post(step1, **{"pathoma-use": "on", "apply": "1", "practice_exams": forms})

    response = alice_client.post(resources_url(step1), data)

    assert response.status_code == 302
    assert PlanResource.objects.filter(milestone=step1, resource__key="pathoma").exists()
    assert Allocation.objects.filter(milestone=step1, plan_resource__resource__key="pathoma").exists()
    assert PracticeExamSlot.objects.filter(milestone=step1, day__isnull=False).count() == 2


def test_a_size_below_what_was_done_is_refused_next_to_the_field_and_nothing_changes(alice_client, step1):
    before = list(PlanResource.objects.values_list("total", "done_before"))
    data = resources_post(step1, **{"uworld_step1-done_before": "999999", "apply": "1"})

    response = alice_client.post(resources_url(step1), data)

    assert response.status_code == 200
    form = next(f for f in response.context["inputs"].catalog if f.resource.key == "uworld_step1")
    assert "done_before" in form.errors
    assert "Some answers need another look" in response.text
    assert list(PlanResource.objects.values_list("total", "done_before")) == before


def test_a_resource_with_recorded_work_cannot_be_dropped(alice_client, step1):
    uworld = PlanResource.objects.get(milestone=step1, resource__key="uworld_step1")
    layout.record_progress(uworld.pk, None, START, 40)
    data = resources_post(step1, apply="1")
    data.pop("uworld_step1-use")

    response = alice_client.post(resources_url(step1), data)

    assert response.status_code == 200
    assert PlanResource.objects.filter(pk=uworld.pk).exists()
    assert TaskProgress.objects.filter(plan_resource=uworld).count() == 1


def test_block_order_can_be_changed(alice_client, step1):
    blocks = list(StudyBlock.objects.filter(milestone=step1).order_by("position"))
    last = blocks[-1]
    data = resources_post(step1, **{f"block_{last.pk}": "1", "apply": "1"})

    alice_client.post(resources_url(step1), data)

    assert StudyBlock.objects.filter(milestone=step1).order_by("position").first() == last


def test_a_week_off_is_previewed_then_applied_and_left_empty(alice_client, step1):
    url = reverse("planner:days_off", args=[step1.plan_id])
    week = {"starts_on": "2026-12-24", "ends_on": "2026-12-31", "hours": "0", "note": "Holidays"}

    preview = alice_client.post(url, week)
    applied = alice_client.post(url, {**week, "apply": "1"})

    assert "Preview: nothing has changed yet" in preview.text
    assert applied.status_code == 302
    assert DayException.objects.get(plan=step1.plan).note == "Holidays"
    stored = layout.StoredPlan(step1.plan, [step1], date(2026, 12, 31))
    assert stored.tasks_between(date(2026, 12, 24), date(2026, 12, 31)) == {}


def test_days_off_refuse_an_end_before_the_start(alice_client, step1):
    url = reverse("planner:days_off", args=[step1.plan_id])

    response = alice_client.post(url, {"starts_on": "2026-12-24", "ends_on": "2026-12-20", "hours": "0"})

    assert response.context["form"].errors["ends_on"] == ["The last day comes on or after the first."]
    assert not DayException.objects.exists()
