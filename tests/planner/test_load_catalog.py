from datetime import date
from io import StringIO

import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse

from planner.management.commands.load_catalog import CATALOG
from planner.models import ContentArea, Resource, Step, Topic

pytestmark = pytest.mark.django_db


def load():
    out = StringIO()
    call_command("load_catalog", stdout=out)
    return out.getvalue()


def counts():
    return {model.__name__: model.objects.count() for model in [Step, ContentArea, Topic, Resource]}


def test_loading_twice_changes_nothing_and_prints_a_one_line_summary(catalog):
    first_output = load()
    first = counts()
    second_output = load()

    assert counts() == first
    assert first["Step"] == 4
    assert first["ContentArea"] > 0
    assert first["Resource"] > 0
    assert second_output == first_output
    assert second_output.startswith("Catalog loaded:")
    assert second_output.count("\n") == 1
    assert f"{first['Topic']} topics" in second_output


def test_loading_again_restores_what_someone_changed_by_hand(catalog):
    heart_failure = Topic.objects.get(step__code="step1", name="Heart failure")
    Topic.objects.filter(pk=heart_failure.pk).update(yield_weight=0.01)
    ContentArea.objects.filter(step__code="step2ck", uncertain=True).update(uncertain=False)

    load()

    heart_failure.refresh_from_db()
    assert heart_failure.yield_weight > 0.5
    assert ContentArea.objects.filter(step__code="step2ck", uncertain=True).exists()


def test_step2cs_is_kept_for_history_but_cannot_be_planned(catalog):
    step2cs = catalog["step2cs"]

    assert step2cs.plannable is False
    assert step2cs.discontinued_year == 2021
    assert not step2cs.topics.exists()
    assert set(Step.objects.filter(plannable=True).values_list("code", flat=True)) == {"step1", "step2ck", "step3"}


def test_step1_is_pass_fail_since_26_january_2022(catalog):
    step1 = catalog["step1"]

    assert step1.scoring == Step.Scoring.PASS_FAIL
    assert step1.pass_fail_since == date(2022, 1, 26)
    assert catalog["step2ck"].scoring == Step.Scoring.THREE_DIGIT


def test_step3_requires_step1_and_step2ck_passed(catalog):
    assert set(catalog["step3"].requires_passed.values_list("code", flat=True)) == {"step1", "step2ck"}
    assert not catalog["step1"].requires_passed.exists()


def test_there_are_150_to_300_topics_across_the_three_steps(catalog):
    per_step = {code: catalog[code].topics.count() for code in ["step1", "step2ck", "step3"]}

    assert all(count > 0 for count in per_step.values())
    assert 150 <= sum(per_step.values()) <= 300


def test_every_topic_weighs_something_and_emphasis_3_outweighs_emphasis_1(catalog):
    assert not Topic.objects.filter(yield_weight__lte=0).exists()
    compared = 0
    for area in ContentArea.objects.filter(kind=ContentArea.Kind.SYSTEM):
        weights = {emphasis: [] for emphasis in (1, 2, 3)}
        for topic in area.topics.all():
            weights[topic.emphasis].append(topic.yield_weight)
        if weights[1] and weights[3]:
            assert min(weights[3]) > max(weights[1]), area
            compared += 1
    assert compared > 10


def test_areas_marked_uncertain_in_the_data_file_stay_uncertain(catalog):
    load()
    data = yaml.safe_load(CATALOG.read_text())
    marked = {
        (step["code"], area["kind"], area["name"])
        for step in data["steps"]
        for area in step.get("areas") or []
        if area.get("uncertain")
    }

    stored = set(ContentArea.objects.filter(uncertain=True).values_list("step__code", "kind", "name"))

    assert stored == marked
    assert ("step2ck", "system", "Behavioral Health") in stored
    assert ContentArea.objects.filter(step__code="step2ck", kind="system", uncertain=True).count() > 1


def test_step1_cardiovascular_covers_heart_failure(catalog):
    cardiovascular = ContentArea.objects.get(step=catalog["step1"], kind="system", name__icontains="cardiovascular")

    names = [name.lower() for name in cardiovascular.topics.values_list("name", flat=True)]

    assert any("heart failure" in name for name in names)


def test_the_plan_form_offers_no_step2cs(alice_client, catalog):
    page = alice_client.get(reverse("planner:plan_create")).text

    assert 'name="step1_choice"' in page
    assert 'name="step2ck_choice"' in page
    assert "step2cs" not in page
    assert "Step 2 CS" not in page
    assert "Clinical Skills" not in page
