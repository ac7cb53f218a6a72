"""Weak systems fused from study logs, tasks and practice-exam sections; the page that takes section
results; the weakest systems on Today and in the final review."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from planner import daily, layout, weakness
from planner.models import Allocation, ContentArea, PracticeExamSection, StudyBlock
from planner.weakness import AreaResult, final_review_systems, fuse
from tests.factories import (
    LAID_OUT_EXAM,
    LAID_OUT_START,
    NOW,
    make_alices_plan,
    make_log,
    make_practice_exam,
    make_step1_plan,
)
from tests.pages import element_text, elements, field_error, input_value, messages_of, page_text, section, text
from tests.planner.test_today import TODAY_QUERIES

pytestmark = pytest.mark.clock(NOW)

CARDIO, GI = "Cardiovascular System", "Gastrointestinal System"
ENDOCRINE, RENAL = "Reproductive & Endocrine Systems", "Respiratory & Renal/Urinary Systems"


def system(name, step_code="step1"):
    return ContentArea.objects.get(step__code=step_code, kind=ContentArea.Kind.SYSTEM, name=name)


def result(pk, attempted, percent, step_id=1, kind="system"):
    return AreaResult(pk, f"System {pk}", kind, step_id, "Step 1", attempted, percent * attempted)


# The fusion rule, as plain functions.


def test_questions_from_logs_and_tasks_count_as_they_are():
    assert fuse([(30, 15), (10, 9)]) == (40, 24)


def test_a_section_result_weighs_as_the_questions_it_had():
    assert fuse(sections=[(50, 40)]) == (40, 20)


def test_a_section_of_unknown_size_weighs_as_the_stated_default():
    assert weakness.SECTION_QUESTIONS == 10
    assert fuse([(20, 10)], sections=[(80, None)]) == (30, 18)


def test_one_section_of_unknown_size_is_not_enough_to_call_a_system_weak_and_two_are():
    one, two = fuse(sections=[(30, None)]), fuse(sections=[(30, None), (40, None)])

    assert not result(1, one[0], 30).is_measured
    assert result(1, two[0], 35).is_measured


def test_the_final_review_takes_the_systems_below_the_steps_average_lowest_first():
    results = [result(1, 40, 40), result(2, 40, 90), result(3, 40, 35), result(4, 40, 85)]

    assert [r.pk for r in final_review_systems(results, step_id=1)] == [3, 1]


def test_it_takes_at_most_three_systems():
    results = [result(pk, 40, 30 + pk) for pk in range(1, 6)] + [result(9, 400, 95)]

    assert [r.pk for r in final_review_systems(results, step_id=1)] == [1, 2, 3]


def test_systems_without_enough_questions_other_steps_and_other_kinds_are_left_out():
    results = [
        result(1, 19, 10),  # too few questions, however few right
        result(2, 40, 20, step_id=2),  # another Step
        result(3, 40, 20, kind="discipline"),
        result(4, 40, 60),
        result(5, 40, 80),
    ]

    assert [r.pk for r in final_review_systems(results, step_id=1)] == [4]


def test_one_measured_system_or_systems_all_alike_name_none():
    assert final_review_systems([result(1, 100, 30)], step_id=1) == []
    assert final_review_systems([result(1, 40, 70), result(2, 40, 70)], step_id=1) == []
    assert final_review_systems([], step_id=1) == []


def test_the_dashboard_lists_measured_systems_lowest_first_and_the_bigger_first_on_a_tie():
    results = [result(1, 40, 70), result(2, 19, 5), result(3, 80, 70), result(4, 40, 50)]

    assert [r.pk for r in weakness.weakest(results)] == [4, 3, 1]


def test_block_reviews_go_to_the_weakest_systems_in_turn_and_nothing_else_changes():
    day = date(2027, 3, 28)
    study = daily.Allocation("fa", "cardio", 1, 10, day, day, 0.5)
    reviews = [daily.Allocation(None, "renal", None, 0, day, day, 0.9, daily.BLOCK_REVIEW) for _ in range(3)]
    light = daily.Allocation(None, None, None, 0, day, day, 1.0, daily.LIGHT_REVIEW)

    changed = daily.with_final_review_systems([study, *reviews, light], ["gi", "micro"])

    assert [a.block_key for a in changed] == ["cardio", "gi", "micro", "gi", None]
    assert daily.with_final_review_systems([study, *reviews], []) == (study, *reviews)


# Reading the three sources from the database (`plan` and `step1`: alice's plan, tests/planner/conftest.py).


def add_sections(exam, **percents):
    for name, (percent, questions) in percents.items():
        PracticeExamSection.objects.create(
            practice_exam=exam, area=system(name), percent_correct=percent, questions=questions
        )


def test_the_three_sources_are_fused_per_system_in_one_query(plan, step1, bob, django_assert_num_queries):
    cardio = system(CARDIO)
    make_log(plan, step1, area=cardio, questions_attempted=30, questions_correct=15)
    uworld = step1.resources.get(kind="qbank")
    layout.record_progress(uworld.pk, cardio.pk, plan.start_date, 20, questions_correct=9)
    exam = make_practice_exam(plan, step1)
    PracticeExamSection.objects.create(practice_exam=exam, area=cardio, percent_correct=55, questions=None)
    PracticeExamSection.objects.create(practice_exam=exam, area=system(GI), percent_correct=70, questions=25)
    # bob's results say nothing about alice.
    bobs = make_alices_plan(bob)
    make_log(bobs, bobs.milestones.get(step__code="step1"), area=cardio, questions_attempted=50, questions_correct=0)

    with django_assert_num_queries(1):
        results = {r.name: r for r in weakness.area_results(plan.pk)}

    assert set(results) == {CARDIO, GI}
    attempted, correct = fuse([(30, 15), (20, 9)], [(55, None)])
    assert (results[CARDIO].attempted, results[CARDIO].correct) == (attempted, correct) == (60, 29.5)
    assert results[CARDIO].percent == 49
    assert (results[GI].attempted, results[GI].percent) == (25, 70)


def test_the_dashboard_names_a_system_weak_from_practice_exam_sections_alone(alice_client, plan, step1):
    for form in ("Form 29", "Form 30"):
        add_sections(make_practice_exam(plan, step1, form_name=form), **{CARDIO: (45, None)})

    weak = text(section(alice_client.get(reverse("planner:dashboard")), "weak-heading"))

    assert f"Step 1 · {CARDIO} 45% 20" in weak


def test_a_section_percent_is_held_to_0_to_100_and_one_result_per_system_by_the_database(plan, step1):
    exam = make_practice_exam(plan, step1)
    add_sections(exam, **{CARDIO: (60, None)})

    for fields in [{"area": system(GI), "percent_correct": 101}, {"area": system(CARDIO), "percent_correct": 50}]:
        with pytest.raises(IntegrityError), transaction.atomic():
            PracticeExamSection.objects.create(practice_exam=exam, **fields)


def test_recording_sections_refuses_a_system_of_another_step(plan, step1):
    exam = make_practice_exam(plan, step1)

    with pytest.raises(ValueError, match="not a system of this practice exam's Step"):
        weakness.record_sections(exam, {system(CARDIO, "step2ck"): (50, None)})
    assert not PracticeExamSection.objects.exists()


# The page for section results.


def sections_url(exam):
    return reverse("planner:practice_exam_sections", args=[exam.pk])


def field_names(area, name):
    return f"{name}_{area.pk}"


def test_the_page_lists_the_steps_systems_and_saves_what_is_entered(alice_client, plan, step1):
    exam = make_practice_exam(plan, step1)
    cardio, gi = system(CARDIO), system(GI)

    page = alice_client.get(sections_url(exam))
    rows = [element_text(row) for row in elements(page, "th", scope="row")]
    assert rows == list(
        ContentArea.objects.filter(step=step1.step, kind="system").order_by("position").values_list("name", flat=True)
    )
    label = f'<label class="visually-hidden" for="id_percent_{cardio.pk}">{CARDIO}: percent correct</label>'
    assert label in page.content.decode()

    response = alice_client.post(
        sections_url(exam),
        {field_names(cardio, "percent"): "48", field_names(gi, "percent"): "71", field_names(gi, "questions"): "22"},
    )

    assert response.status_code == 302
    assert response.url == reverse("planner:practice_exam_list", args=[plan.pk])
    saved = {
        (s.area_id, s.percent_correct, s.questions) for s in PracticeExamSection.objects.filter(practice_exam=exam)
    }
    assert saved == {(cardio.pk, 48, None), (gi.pk, 71, 22)}
    assert messages_of(alice_client.get(response.url, follow=True)) == ["Saved 2 system results for " + str(exam) + "."]
    assert input_value(alice_client.get(sections_url(exam)), f"percent_{gi.pk}") == "71"


def test_a_system_left_blank_has_no_result(alice_client, plan, step1):
    exam = make_practice_exam(plan, step1)
    add_sections(exam, **{CARDIO: (48, None), GI: (71, 22)})

    alice_client.post(sections_url(exam), {field_names(system(GI), "percent"): "75"})

    assert list(PracticeExamSection.objects.values_list("area__name", "percent_correct", "questions")) == [
        (GI, 75, None)
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("101", "Ensure this value is less than or equal to 100."),
        ("-1", "Ensure this value is greater than or equal to 0."),
        ("lots", "Enter a whole number."),
    ],
)
def test_a_percent_out_of_range_gets_a_message_next_to_it_and_nothing_is_saved(
    alice_client, plan, step1, value, message
):
    exam = make_practice_exam(plan, step1)
    add_sections(exam, **{GI: (71, None)})
    cardio = system(CARDIO)

    response = alice_client.post(
        sections_url(exam), {field_names(cardio, "percent"): value, field_names(system(GI), "percent"): "60"}
    )

    assert response.status_code == 200
    assert field_error(response, f"percent_{cardio.pk}") == message
    assert f'aria-describedby="id_percent_{cardio.pk}_error"' in response.content.decode()
    assert "Nothing was saved." in page_text(response)
    assert list(PracticeExamSection.objects.values_list("percent_correct", flat=True)) == [71]
    # What was typed stays in the form.
    assert input_value(response, f"percent_{system(GI).pk}") == "60"


def test_questions_without_a_percent_ask_for_the_percent(alice_client, plan, step1):
    exam = make_practice_exam(plan, step1)
    cardio = system(CARDIO)

    response = alice_client.post(sections_url(exam), {field_names(cardio, "questions"): "20"})

    assert response.status_code == 200
    assert f"Enter the percent correct in {CARDIO} too, or leave its questions blank." in page_text(response)
    assert not PracticeExamSection.objects.exists()


def test_the_page_needs_sign_in(client, plan, step1):
    exam = make_practice_exam(plan, step1)

    response = client.get(sections_url(exam))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_bob_gets_a_404_for_alices_practice_exam_and_changes_nothing(bob_client, plan, step1):
    exam = make_practice_exam(plan, step1)
    add_sections(exam, **{CARDIO: (48, None)})

    assert bob_client.get(sections_url(exam)).status_code == 404
    assert bob_client.post(sections_url(exam), {field_names(system(CARDIO), "percent"): "99"}).status_code == 404
    assert list(PracticeExamSection.objects.values_list("percent_correct", flat=True)) == [48]


def test_the_practice_exam_list_links_each_exam_to_its_results_by_system(alice_client, plan, step1):
    exam = make_practice_exam(plan, step1)

    page = alice_client.get(reverse("planner:practice_exam_list", args=[plan.pk])).content.decode()

    assert f'href="{sections_url(exam)}">Results by system' in page


# Today and the final review.


def record_scores(plan, milestone, **percents):
    """40 questions logged in each system, with this percent right."""
    for name, percent in percents.items():
        make_log(plan, milestone, area=system(name), questions_attempted=40, questions_correct=40 * percent // 100)


def final_review_labels(plan, milestone):
    stored = layout.StoredPlan(plan, [milestone], LAID_OUT_EXAM)
    days = stored.tasks_between(milestone.final_review_starts_on, LAID_OUT_EXAM)
    return [task.label for tasks in days.values() for _, task in tasks if task.kind == daily.BLOCK_REVIEW]


@pytest.fixture
def step1_plan(alice, catalog, clock):
    return make_step1_plan(alice)


def test_the_final_review_goes_to_the_two_systems_scored_worst(step1_plan):
    plan, milestone = step1_plan
    record_scores(plan, milestone, **{CARDIO: 40, GI: 45, ENDOCRINE: 85, RENAL: 90})

    # Recorded after the layout: the stored final review follows them when it is read.
    labels = final_review_labels(plan, milestone)
    assert len(labels) >= 3
    assert labels[:2] == [f"Final review: {CARDIO}", f"Final review: {GI}"]
    assert set(labels) == {f"Final review: {CARDIO}", f"Final review: {GI}"}

    # Laid out again, the layout itself gives them the block reviews.
    layout.lay_out_milestone(milestone, LAID_OUT_START)
    stored = Allocation.objects.filter(milestone=milestone, kind=daily.BLOCK_REVIEW).order_by("position")
    assert list(stored.values_list("area__name", flat=True)[:2]) == [CARDIO, GI]
    milestone.refresh_from_db()
    assert final_review_labels(plan, milestone) == labels


def test_without_data_the_final_review_takes_the_largest_share_first(step1_plan):
    plan, milestone = step1_plan
    blocks = StudyBlock.objects.filter(milestone=milestone).select_related("area").order_by("position")
    by_share = [b.area.name for b in sorted(blocks, key=lambda b: -b.area.share_midpoint)]

    labels = final_review_labels(plan, milestone)

    assert labels == [f"Final review: {name}" for name in by_share[: len(labels)]]
    assert labels[0] == f"Final review: {ENDOCRINE}"


def test_today_names_the_weakest_systems_with_their_numbers(step1_plan, alice_client):
    plan, milestone = step1_plan
    record_scores(plan, milestone, **{CARDIO: 40, GI: 45, ENDOCRINE: 85, RENAL: 90})
    exam = make_practice_exam(plan, milestone, taken_on=date(2026, 12, 1))
    add_sections(exam, **{CARDIO: (50, 20)})

    weakest = text(section(alice_client.get(reverse("planner:today")), "weakest-heading"))

    # Cardiovascular: 16 of 40 logged and 10 of 20 on the exam.
    assert f"Step 1: {CARDIO} (43% correct of 60 questions), {GI} (45% correct of 40 questions)." in weakest
    assert "The final review goes to them." in weakest


def test_without_enough_data_today_says_how_to_see_them(step1_plan, alice_client):
    plan, milestone = step1_plan
    record_scores(plan, milestone, **{CARDIO: 40})

    weakest = text(section(alice_client.get(reverse("planner:today")), "weakest-heading"))

    assert "Record questions by system (at least 20 in a system)" in weakest
    assert "Until then the final review takes the systems by their share of the exam." in weakest


def test_todays_queries_stay_the_same_with_weak_systems_to_name(step1_plan, alice_client, django_assert_num_queries):
    plan, milestone = step1_plan
    record_scores(plan, milestone, **{CARDIO: 40, GI: 45, ENDOCRINE: 85, RENAL: 90})
    add_sections(make_practice_exam(plan, milestone, taken_on=date(2026, 12, 1)), **{CARDIO: (50, 20)})

    with django_assert_num_queries(TODAY_QUERIES):
        response = alice_client.get(reverse("planner:today"), {"plan": plan.pk})

    assert CARDIO in text(section(response, "weakest-heading"))


def test_recording_section_results_moves_the_final_review_on_the_calendar(step1_plan, alice_client):
    plan, milestone = step1_plan
    record_scores(plan, milestone, **{ENDOCRINE: 85, RENAL: 90, CARDIO: 80})
    exam = make_practice_exam(plan, milestone, taken_on=LAID_OUT_START)
    gi = system(GI)
    assert f"Final review: {GI}" not in final_review_labels(plan, milestone)

    alice_client.post(sections_url(exam), {field_names(gi, "percent"): "30", field_names(gi, "questions"): "30"})

    month = alice_client.get(reverse("planner:calendar", args=[plan.pk]), {"month": "2027-03"})
    assert f"Final review: {GI}" in page_text(month)
    assert set(final_review_labels(plan, milestone)) == {f"Final review: {GI}"}
