import re

import pytest
import time_machine
from django.urls import reverse

from conftest import make_plan
from planner.models import Plan, PlanTopic
from tests.planner.plan_form import NOW, STEP1_DATE, STEP2CK_DATE, TODAY, form_data


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def alices_plan(alice, catalog):
    steps = {"step1": STEP1_DATE, "step2ck": STEP2CK_DATE}
    return make_plan(alice, title="Alice’s private plan", start_date=TODAY, steps=steps, today=TODAY)


def without_csrf_token(page):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)


def what_alice_has(plan):
    plan = Plan.objects.get(pk=plan.pk)
    return (
        plan.title,
        plan.weekly_hours,
        sorted(plan.milestones.values_list("step__code", "target_date")),
        PlanTopic.objects.filter(milestone__plan=plan).count(),
    )


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("plan_detail", "get"),
        ("plan_edit", "get"),
        ("plan_edit", "post"),
        ("plan_delete", "get"),
        ("plan_delete", "post"),
    ],
)
def test_bob_gets_404_on_alices_plan_and_changes_nothing(bob_client, alices_plan, name, method):
    before = what_alice_has(alices_plan)
    assert before[3] > 150
    # A valid edit, so only the ownership check stands between bob and the plan.
    data = form_data(title="Bob was here", step1_date="2027-06-01", step3_choice="skip", step3_date="")

    response = getattr(bob_client, method)(reverse(f"planner:{name}", args=[alices_plan.pk]), data)

    assert response.status_code == 404
    assert "Alice’s private plan" not in response.text
    assert what_alice_has(alices_plan) == before


def test_bob_cannot_tell_alices_plan_from_a_missing_one(bob_client, alices_plan):
    missing = Plan.objects.order_by("-pk").first().pk + 1

    theirs = bob_client.get(reverse("planner:plan_detail", args=[alices_plan.pk]))
    nobodys = bob_client.get(reverse("planner:plan_detail", args=[missing]))

    assert theirs.status_code == nobodys.status_code == 404
    assert without_csrf_token(theirs.text) == without_csrf_token(nobodys.text)


def test_the_same_edit_works_for_alice(alice_client, alices_plan):
    data = form_data(title="Alice renamed it", step1_date="2027-06-01", step3_choice="skip", step3_date="")

    response = alice_client.post(reverse("planner:plan_edit", args=[alices_plan.pk]), data)

    assert response.status_code == 302
    assert what_alice_has(alices_plan)[:3] == (
        "Alice renamed it",
        [6, 6, 6, 6, 6, 6, 0],
        [("step1", STEP1_DATE.replace(month=6, day=1)), ("step2ck", STEP2CK_DATE)],
    )
