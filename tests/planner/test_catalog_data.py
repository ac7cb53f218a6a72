"""Invariants of the catalog data file itself (planner/catalog/usmle.yaml, schema 2), read straight from YAML.

No database: these tests say what the data must look like before any loader sees it.
"""

import itertools
import math
import re
import statistics
from datetime import date
from functools import cache
from pathlib import Path

import pytest
import yaml

CATALOG_PATH = Path(__file__).resolve().parents[2] / "planner" / "catalog" / "usmle.yaml"

STRENGTHS = {"official", "secondary", "single"}
AREA_KINDS = {"system", "discipline", "competency"}
RESOURCE_KINDS = {"book", "video", "qbank", "flashcards", "cases"}
RESOURCE_UNITS = {"page", "chapter", "hour", "question", "card", "case"}
NUMBERED_UNITS = {"page", "chapter"}
PROVIDERS = {"nbme", "uworld", "usmle", "other"}
REPORTS = {"percent_and_pass_probability", "three_digit", "percent_correct"}
STEP1_DISCIPLINES = {
    "Pathology",
    "Physiology",
    "Pharmacology",
    "Biochemistry and nutrition",
    "Microbiology",
    "Immunology",
    "Anatomy and embryology",
    "Histology and cell biology",
    "Behavioral sciences",
    "Genetics",
}
CLINICAL_DISCIPLINES = {"Medicine", "Surgery", "Pediatrics", "Obstetrics and gynecology", "Psychiatry"}
ALLOWED_DISCIPLINES = {
    "step1": STEP1_DISCIPLINES,
    "step2ck": CLINICAL_DISCIPLINES,
    "step3": CLINICAL_DISCIPLINES | {""},
}


@cache
def catalog():
    return yaml.safe_load(CATALOG_PATH.read_text(encoding="utf-8"))


def step(code):
    return next(item for item in catalog()["steps"] if item["code"] == code)


def systems(code):
    return [area for area in step(code)["areas"] if area["kind"] == "system"]


def midpoint(area):
    return (area["share_min"] + area["share_max"]) / 2


def weighted_topics(code):
    """(weight, area name, topic) for every topic of a Step, in file order.

    weight = share midpoint of the topic's system x emphasis / sum of emphasis in that system.
    """
    rows = []
    for area in systems(code):
        total_emphasis = sum(topic["emphasis"] for topic in area["topics"])
        for topic in area["topics"]:
            rows.append((midpoint(area) * topic["emphasis"] / total_emphasis, area["name"], topic))
    return rows


def heaviest(code, count):
    """The start of a new plan's high-yield list: by weight, highest first; ties keep file order."""
    rows = weighted_topics(code)
    order = sorted(range(len(rows)), key=lambda index: (-rows[index][0], index))
    return [rows[index] for index in order[:count]]


def discipline_count(code, discipline):
    return sum(1 for _, _, topic in weighted_topics(code) if topic.get("discipline") == discipline)


def topic_names(code):
    return [topic["name"] for _, _, topic in weighted_topics(code)]


def source_references():
    """Every (where, key) pair that names a source."""
    data = catalog()
    for item in data["steps"]:
        for field in ("passing_score_source", "attempt_source", "eligibility_source"):
            yield f"{item['code']}.{field}", item.get(field)
        if item.get("format"):
            yield f"{item['code']}.format", item["format"]["source"]
        for area in item["areas"]:
            yield f"{item['code']}/{area['name']}", area["source"]
    for resource in data["resources"]:
        yield f"resource {resource['key']}", resource["size_source"]
    for exam in data["practice_exams"]:
        yield f"practice exam {exam['key']}", exam["source"]


def strength(key):
    return catalog()["sources"][key]["strength"]


# --- schema and sources -------------------------------------------------------


def test_the_catalog_is_schema_2_and_was_checked_in_november_2026():
    assert catalog()["schema"] == 2
    assert catalog()["checked_on"] == date(2026, 11, 23)
    assert {item["code"] for item in catalog()["steps"]} == {"step1", "step2ck", "step3", "step2cs"}


def test_every_source_named_anywhere_is_defined_under_sources():
    missing = [
        (where, key) for where, key in source_references() if key is not None and key not in catalog()["sources"]
    ]

    assert missing == []


def test_every_source_has_an_address_a_title_a_strength_and_a_date():
    for key, source in catalog()["sources"].items():
        assert re.fullmatch(r"[a-z0-9_]+", key), key
        assert source["url"].startswith(("https://", "http://")), key
        assert 0 < len(source["title"].strip()) <= 200, key  # the Source model's title length
        assert source["strength"] in STRENGTHS, key
        assert isinstance(source["date"], date), key


def test_every_area_row_names_a_source_and_a_sane_range():
    for item in catalog()["steps"]:
        for area in item["areas"]:
            assert area["kind"] in AREA_KINDS
            assert area["source"], area["name"]
            assert 0 < area["share_min"] <= area["share_max"] <= 100, area["name"]


def test_graduateshotline_and_code_only_rows_are_marked_single():
    for key, source in catalog()["sources"].items():
        if "graduateshotline" in source["url"] or "unverified" in key:
            assert source["strength"] == "single", key


def test_the_official_outline_address_backs_code_only_figures_only_as_single():
    for key, source in catalog()["sources"].items():
        if "content-outline" in source["url"]:
            assert source["strength"] == "single", key


# --- format, scoring, eligibility ---------------------------------------------


def test_step1_format_is_14_blocks_of_up_to_20_items_in_30_minutes_from_may_2026():
    exam_format = step("step1")["format"]

    assert exam_format["effective_on"] == date(2026, 5, 14)
    assert strength(exam_format["source"]) == "official"
    assert exam_format["testing_hours"] == 8
    assert exam_format["total_items"] == 280
    assert exam_format["days"] == [
        {"blocks": 14, "items_min": 20, "items_max": 20, "minutes_per_block": 30, "case_simulations": 0}
    ]


def test_step2ck_format_is_16_blocks_of_18_to_20_items_316_in_all_from_may_2026():
    exam_format = step("step2ck")["format"]

    assert exam_format["effective_on"] == date(2026, 5, 7)
    assert strength(exam_format["source"]) == "official"
    assert exam_format["testing_hours"] == 9
    assert exam_format["total_items"] == 316
    assert exam_format["days"] == [
        {"blocks": 16, "items_min": 18, "items_max": 20, "minutes_per_block": 30, "case_simulations": 0}
    ]
    day = exam_format["days"][0]
    assert day["blocks"] * day["items_min"] <= exam_format["total_items"] <= day["blocks"] * day["items_max"]


def test_step3_format_has_12_then_9_blocks_and_13_case_simulations_from_an_unconfirmed_source():
    exam_format = step("step3")["format"]
    day1, day2 = exam_format["days"]

    assert exam_format["effective_on"] == date(2026, 3, 10)
    assert strength(exam_format["source"]) == "single"
    assert (day1["blocks"], day1["items_min"], day1["items_max"], day1["case_simulations"]) == (12, 18, 20, 0)
    assert (day2["blocks"], day2["items_min"], day2["items_max"], day2["case_simulations"]) == (9, 20, 20, 13)


def test_step2cs_is_kept_for_history_discontinued_in_2021_and_not_plannable():
    step2cs = step("step2cs")

    assert step2cs["plannable"] is False
    assert step2cs["discontinued_year"] == 2021
    assert step2cs["order"] == 0
    assert step2cs["format"] is None
    assert step2cs["areas"] == []
    assert step2cs["scoring"] == "none"


def test_the_three_passing_standards_are_196_218_200_and_share_one_strength():
    scores = {code: step(code)["passing_score"] for code in ("step1", "step2ck", "step3")}
    strengths = {strength(step(code)["passing_score_source"]) for code in scores}

    assert scores == {"step1": 196, "step2ck": 218, "step3": 200}
    assert strengths == {"secondary"}
    assert step("step1")["scoring"] == "pass_fail"
    assert step("step1")["pass_fail_since"] == date(2022, 1, 26)
    assert step("step2ck")["scoring"] == step("step3")["scoring"] == "three_digit"


def test_only_step3_has_prerequisites_step1_and_step2ck_may_be_taken_in_either_order():
    step3 = step("step3")

    assert step3["requires_passed"] == ["step1", "step2ck"]
    assert step3["requires_degree"] is True
    assert step3["requires_ecfmg_for_img"] is True
    for code in ("step1", "step2ck"):
        assert step(code)["requires_passed"] == []
        assert step(code)["requires_degree"] is False
        assert step(code)["requires_ecfmg_for_img"] is False
        assert "either order" in step(code)["order_note"]


def test_attempt_limits_and_eligibility_come_from_official_pages():
    for code in ("step1", "step2ck", "step3"):
        item = step(code)
        assert item["attempt_limit"] == 4
        assert strength(item["attempt_source"]) == "official"
        assert strength(item["eligibility_source"]) == "official"


def test_plannable_steps_keep_their_study_hour_estimates_and_display_order():
    assert [(step(code)["order"], step(code)["study_hours"]) for code in ("step1", "step2ck", "step3")] == [
        (1, 420),
        (2, 360),
        (3, 200),
    ]


# --- topics -------------------------------------------------------------------


def test_there_are_400_to_600_topics_and_step1_has_the_most():
    counts = {code: len(weighted_topics(code)) for code in ("step1", "step2ck", "step3")}

    assert 400 <= sum(counts.values()) <= 600
    assert counts["step1"] == max(counts.values())


def test_only_system_areas_carry_topics():
    for item in catalog()["steps"]:
        for area in item["areas"]:
            if area["kind"] == "system":
                assert area["topics"], area["name"]
            else:
                assert not area.get("topics"), area["name"]


def test_topic_names_are_unique_within_an_area():
    for item in catalog()["steps"]:
        for area in item["areas"]:
            names = [topic["name"] for topic in area.get("topics") or []]
            assert len(names) == len(set(names)), area["name"]


def test_every_topic_has_an_emphasis_from_1_to_3():
    for code in ("step1", "step2ck", "step3"):
        for _, area, topic in weighted_topics(code):
            assert topic["emphasis"] in {1, 2, 3}, (code, area, topic["name"])


def test_every_topic_names_a_discipline_from_its_steps_list():
    for code, allowed in ALLOWED_DISCIPLINES.items():
        for _, area, topic in weighted_topics(code):
            assert topic.get("discipline", "") in allowed, (code, area, topic["name"])


def test_no_topic_outweighs_three_times_its_steps_median_topic():
    for code in ("step1", "step2ck", "step3"):
        weights = [weight for weight, _, _ in weighted_topics(code)]
        assert max(weights) <= 3 * statistics.median(weights), code


def test_each_systems_topics_together_weigh_exactly_its_share_midpoint():
    for code in ("step1", "step2ck", "step3"):
        totals = {}
        for weight, area, _ in weighted_topics(code):
            totals[area] = totals.get(area, 0) + weight
        for area in systems(code):
            assert math.isclose(totals[area["name"]], midpoint(area)), (code, area["name"])


@pytest.mark.parametrize("code", ["step1", "step2ck"])
def test_a_new_plans_high_yield_list_opens_with_clinical_science_not_ethics_or_biostatistics(code):
    areas = {area for _, area, _ in heaviest(code, 10)}

    assert not {area for area in areas if area.startswith(("Social Sciences", "Biostatistics"))}


def test_step1_covers_microbiology_pharmacology_biochemistry_and_immunology():
    assert discipline_count("step1", "Microbiology") >= 12
    assert discipline_count("step1", "Pharmacology") >= 12
    assert discipline_count("step1", "Biochemistry and nutrition") >= 12
    assert discipline_count("step1", "Immunology") >= 6
    names = " | ".join(topic_names("step1")).lower()
    for subject in ("pharmacokinetics", "autonomic", "toxicology and antidotes", "chemotherapy", "gram-positive"):
        assert subject in names, subject


def test_step1_general_pharmacology_and_microbiology_sit_where_the_2024_outline_puts_them():
    def area_of(name):
        return next(area for _, area, topic in weighted_topics("step1") if topic["name"] == name)

    assert area_of("Pharmacokinetics") == "Multisystem Processes & Disorders"
    assert area_of("Toxicology and antidotes") == "Multisystem Processes & Disorders"
    assert area_of("Gram-positive bacteria") == "Multisystem Processes & Disorders"
    assert area_of("Autonomic drugs: cholinergic agonists and antagonists").startswith("Behavioral Health & Nervous")
    assert area_of("Hypersensitivity reactions") == "Blood & Lymphoreticular/Immune Systems"


def test_step2ck_has_depth_in_pediatrics_surgery_and_obstetrics_and_gynecology():
    for discipline in ("Pediatrics", "Surgery", "Obstetrics and gynecology"):
        assert discipline_count("step2ck", discipline) >= 15, discipline
    names = " | ".join(topic_names("step2ck")).lower()
    assert "screening" in names
    assert "trauma" in names


def test_step3_has_acute_care_and_case_simulation_skill_topics():
    names = topic_names("step3")

    assert sum("CCS skills" in name for name in names) >= 3
    assert sum("CCS case" in name for name in names) >= 3
    assert sum(bool(re.search(r"acute|emergenc", name, re.IGNORECASE)) for name in names) >= 8


# --- resources ----------------------------------------------------------------


def resources():
    return catalog()["resources"]


def resource(key):
    return next(item for item in resources() if item["key"] == key)


def test_resources_have_unique_slugs_one_step_and_valid_kinds_and_units():
    keys = [item["key"] for item in resources()]
    plannable = {item["code"] for item in catalog()["steps"] if item["plannable"]}

    assert len(keys) == len(set(keys))
    for item in resources():
        assert re.fullmatch(r"[a-z0-9_]+", item["key"]), item["key"]
        assert item["name"].strip()
        assert item["step"] in plannable, item["key"]
        assert item["kind"] in RESOURCE_KINDS, item["key"]
        assert item["unit"] in RESOURCE_UNITS, item["key"]
        assert item["total"] > 0, item["key"]
        assert isinstance(item["edition"], str)


def test_each_question_bank_has_its_own_entry_per_step():
    banks = {(item["name"].split()[0], item["step"]) for item in resources() if item["kind"] == "qbank"}

    assert {("UWorld", code) for code in ("step1", "step2ck", "step3")} <= banks
    assert {("AMBOSS", code) for code in ("step1", "step2ck", "step3")} <= banks


def test_resource_sections_name_system_areas_of_their_own_step():
    for item in resources():
        areas = {area["name"] for area in systems(item["step"])}
        for section in item.get("sections") or []:
            assert section["area"] in areas, (item["key"], section["area"])
            assert section["amount"] > 0, item["key"]


def test_sections_sum_to_the_total_and_numbered_ones_run_on_without_gaps():
    for item in resources():
        sections = item.get("sections") or []
        if not sections:
            continue
        assert math.isclose(sum(section["amount"] for section in sections), item["total"]), item["key"]
        firsts = [section.get("first") for section in sections]
        if item["unit"] not in NUMBERED_UNITS:
            assert firsts == [None] * len(sections), item["key"]
        elif any(first is not None for first in firsts):
            for previous, following in itertools.pairwise(sections):
                assert following["first"] == previous["first"] + previous["amount"], item["key"]


def test_resource_sizes_match_the_recorded_facts():
    assert (resource("pathoma")["unit"], resource("pathoma")["total"]) == ("chapter", 19)
    assert resource("pathoma")["sections"][0]["first"] == 1
    assert resource("boards_and_beyond")["unit"] == "hour"
    assert resource("boards_and_beyond")["total"] == pytest.approx(120.5)
    for key, hours in {"sketchy_micro": 13.7, "sketchy_path": 47.7, "sketchy_pharm": 27.2}.items():
        assert resource(key)["unit"] == "hour"
        assert resource(key)["total"] == pytest.approx(hours)
    first_aid = resource("first_aid_step1")
    assert first_aid["unit"] == "page"
    assert first_aid["total"] <= 865  # the whole book is 820-865 pages by year; we plan its chapters
    assert first_aid["sections"][0]["first"] > 1  # front matter skipped


def test_sizes_without_a_reliable_source_are_labelled_estimates():
    for key in ("uworld_step1", "uworld_step2ck", "uworld_step3", "anking_step1", "uworld_step3_ccs"):
        assert resource(key)["size_source"] is None, key


# --- practice exams -----------------------------------------------------------


def practice_exams(code=None):
    return [exam for exam in catalog()["practice_exams"] if code is None or exam["step"] == code]


def test_practice_exams_have_unique_keys_and_valid_fields():
    keys = [exam["key"] for exam in practice_exams()]
    plannable = {item["code"] for item in catalog()["steps"] if item["plannable"]}

    assert len(keys) == len(set(keys))
    for exam in practice_exams():
        assert exam["step"] in plannable, exam["key"]
        assert exam["provider"] in PROVIDERS, exam["key"]
        assert exam["reports"] in REPORTS, exam["key"]
        assert exam["blocks"] > 0, exam["key"]
        assert exam["items_per_block"] > 0, exam["key"]


def test_step1_nbme_forms_26_to_31_report_percent_and_pass_probability_in_4_blocks_of_50():
    nbme = {exam["name"]: exam for exam in practice_exams("step1") if exam["provider"] == "nbme"}

    assert set(nbme) == {f"NBME Form {number}" for number in range(26, 32)}
    for exam in nbme.values():
        assert exam["reports"] == "percent_and_pass_probability"
        assert (exam["blocks"], exam["items_per_block"]) == (4, 50)


def test_uworld_step1_self_assessments_give_a_three_digit_estimate():
    uworld = [exam for exam in practice_exams("step1") if exam["provider"] == "uworld"]

    assert {exam["name"] for exam in uworld} == {"UWSA 1", "UWSA 2"}
    assert {exam["reports"] for exam in uworld} == {"three_digit"}


def test_step2ck_and_step3_nbme_and_uworld_self_assessments_report_three_digit_scores():
    for code in ("step2ck", "step3"):
        for exam in practice_exams(code):
            if exam["provider"] in {"nbme", "uworld"}:
                assert exam["reports"] == "three_digit", exam["key"]
    step2ck_nbme = {exam["name"] for exam in practice_exams("step2ck") if exam["provider"] == "nbme"}
    assert step2ck_nbme == {f"NBME Form {number}" for number in range(9, 13)}


def test_every_plannable_step_has_a_free_120_reporting_percent_correct():
    for code in ("step1", "step2ck", "step3"):
        free = [exam for exam in practice_exams(code) if exam["provider"] == "usmle"]
        assert len(free) == 1, code
        assert free[0]["reports"] == "percent_correct"
        assert "Free 120" in free[0]["name"]
