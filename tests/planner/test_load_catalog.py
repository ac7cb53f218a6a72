from datetime import date
from io import StringIO

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from planner.management.commands.load_catalog import CATALOG
from planner.models import ContentArea, PlanTopic, Resource, SelfAssessment, Source, Step, Topic
from tests.factories import make_plan

pytestmark = pytest.mark.django_db


def load(path=CATALOG):
    out = StringIO()
    call_command("load_catalog", file=path, stdout=out)
    return out.getvalue()


def catalog_data():
    return yaml.safe_load(CATALOG.read_text())


def write_catalog(tmp_path, data):
    path = tmp_path / "catalog.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def counts():
    return {
        model.__name__: model.objects.count() for model in [Source, Step, ContentArea, Topic, Resource, SelfAssessment]
    }


def test_loading_twice_changes_nothing_and_prints_a_one_line_summary(catalog):
    first_output = load()
    first = counts()
    second_output = load()

    assert counts() == first
    assert first["Step"] == 4
    assert first["Resource"] > 10
    assert first["SelfAssessment"] > 10
    assert second_output == first_output
    assert second_output.startswith("Catalog loaded:")
    assert second_output.count("\n") == 1
    assert f"{first['Topic']} topics" in second_output


def test_loading_again_restores_what_someone_changed_by_hand(catalog):
    heart_failure = Topic.objects.get(step__code="step1", name="Heart failure")
    Topic.objects.filter(pk=heart_failure.pk).update(yield_weight=0.01)
    Source.objects.update(strength=Source.Strength.OFFICIAL)

    load()

    heart_failure.refresh_from_db()
    assert heart_failure.yield_weight > 0.1
    assert Source.objects.filter(strength=Source.Strength.SINGLE).exists()


def test_a_topic_gone_from_the_catalog_is_retired_with_the_work_done_on_it_and_comes_back_when_listed(
    catalog, alice, tmp_path
):
    plan = make_plan(alice, start_date=date(2026, 12, 1), steps={"step1": date(2027, 4, 1)}, today=date(2026, 12, 1))
    plan_topic = PlanTopic.objects.filter(milestone__plan=plan, topic__name="Heart failure").get()
    PlanTopic.objects.filter(pk=plan_topic.pk).update(completed_at="2026-12-02T10:00Z")
    data = catalog_data()
    for step in data["steps"]:
        for area in step.get("areas") or []:
            area["topics"] = [t for t in area.get("topics") or [] if t["name"] != "Heart failure"]

    load(write_catalog(tmp_path, data))

    plan_topic.refresh_from_db()
    assert plan_topic.completed_at is not None
    assert plan_topic.topic.retired_on is not None
    assert not Topic.objects.current().filter(name="Heart failure", step__code="step1").exists()

    load()

    plan_topic.topic.refresh_from_db()
    assert plan_topic.topic.retired_on is None


def test_a_source_key_the_file_does_not_define_is_refused_and_nothing_changes(catalog, tmp_path):
    before = counts()
    data = catalog_data()
    data["steps"][0]["passing_score_source"] = "nowhere"

    with pytest.raises(CommandError, match="'nowhere'"):
        load(write_catalog(tmp_path, data))

    assert counts() == before


def test_a_resource_section_for_a_system_of_another_step_is_refused(catalog, tmp_path):
    data = catalog_data()
    resource = next(r for r in data["resources"] if r.get("sections"))
    resource["sections"][0]["area"] = "No such system"

    with pytest.raises(CommandError, match="No such system"):
        load(write_catalog(tmp_path, data))


def test_step2cs_is_kept_for_history_but_cannot_be_planned(catalog):
    step2cs = catalog["step2cs"]

    assert step2cs.plannable is False
    assert step2cs.discontinued_year == 2021
    assert not step2cs.topics.exists()
    assert set(Step.objects.plannable().values_list("code", flat=True)) == {"step1", "step2ck", "step3"}


def test_the_stored_formats_match_the_2026_test_delivery_software(catalog):
    step1, step2ck, step3 = catalog["step1"], catalog["step2ck"], catalog["step3"]

    assert (step1.blocks, step1.total_items, step1.format_days[0]["minutes_per_block"]) == (14, 280, 30)
    assert (step2ck.blocks, step2ck.total_items, step2ck.format_days[0]["minutes_per_block"]) == (16, 316, 30)
    assert step3.exam_days == 2
    assert [day["blocks"] for day in step3.format_days] == [12, 9]
    assert step3.format_days[1]["case_simulations"] == 13
    assert step1.format_source.strength == Source.Strength.OFFICIAL


def test_step1_is_pass_fail_since_26_january_2022(catalog):
    step1 = catalog["step1"]

    assert step1.scoring == Step.Scoring.PASS_FAIL
    assert step1.pass_fail_since == date(2022, 1, 26)
    assert catalog["step2ck"].scoring == Step.Scoring.THREE_DIGIT


def test_the_three_passing_standards_are_marked_with_the_same_source_strength(catalog):
    strengths = {catalog[code].passing_score_source.strength for code in ["step1", "step2ck", "step3"]}

    assert strengths == {Source.Strength.SECONDARY}


def test_only_step3_has_prerequisites(catalog):
    assert set(catalog["step3"].requires_passed.values_list("code", flat=True)) == {"step1", "step2ck"}
    assert catalog["step3"].requires_degree
    assert catalog["step3"].requires_ecfmg_for_img
    assert not catalog["step1"].requires_passed.exists()
    assert not catalog["step2ck"].requires_passed.exists()


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


def test_a_new_step1_plan_opens_with_core_clinical_science_not_ethics(catalog):
    first = list(Topic.objects.current().filter(step=catalog["step1"]).by_yield().select_related("area")[:10])

    areas = {topic.area.name for topic in first}
    assert not any("Social Sciences" in name or "Biostatistics" in name for name in areas)


def test_resources_are_sized_and_say_when_the_size_is_our_estimate(catalog):
    pathoma = Resource.objects.get(name__startswith="Pathoma")

    assert (pathoma.unit, pathoma.total) == (Resource.Unit.CHAPTER, 19)
    assert pathoma.sections.count() > 5
    assert Resource.objects.filter(kind=Resource.Kind.QBANK, size_source__isnull=True).exists()


def test_step1_nbme_forms_report_percent_and_pass_probability(catalog):
    nbme = SelfAssessment.objects.filter(step=catalog["step1"], provider=SelfAssessment.Provider.NBME)

    assert nbme.count() >= 6
    assert set(nbme.values_list("reports", flat=True)) == {SelfAssessment.Reports.PERCENT_AND_PASS_PROBABILITY}
    assert set(
        SelfAssessment.objects.filter(step=catalog["step2ck"], provider="nbme").values_list("reports", flat=True)
    ) == {SelfAssessment.Reports.THREE_DIGIT}


def test_the_plan_form_offers_no_step2cs(alice_client, catalog):
    page = alice_client.get(reverse("planner:plan_create")).text

    assert 'name="step1_choice"' in page
    assert 'name="step2ck_choice"' in page
    assert "step2cs" not in page
    assert "Step 2 CS" not in page
    assert "Clinical Skills" not in page


def test_the_plan_page_shows_each_figure_with_the_strength_of_its_source(alice_client, alice, catalog):
    plan = make_plan(alice, start_date=date(2026, 12, 1), steps={"step2ck": date(2027, 6, 1)}, today=date(2026, 12, 1))

    page = alice_client.get(plan.get_absolute_url()).text

    assert "16 blocks of 18–20 items, 30 minutes each" in page
    assert "316 items in all" in page
    assert "minimum passing score 218" in page
    assert "secondary sources" in page
    assert "official" in page
