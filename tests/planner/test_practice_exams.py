from datetime import date

import pytest
from django.urls import reverse

from planner.models import PracticeExam, PracticeExamSlot, SelfAssessment
from tests.factories import NOW, TODAY, make_alices_plan, make_practice_exam, make_step1_plan
from tests.pages import (
    elements,
    field_error,
    fields_with_errors,
    input_value,
    options,
    page_text,
    section,
    selected_value,
    text,
)

pytestmark = pytest.mark.clock(NOW)


def url(name, obj):
    return reverse(f"planner:{name}", args=[obj.pk])


def exam_data(milestone, **overrides):
    data = {
        "milestone": milestone.pk,
        "kind": "nbme",
        "form_name": "Form  30",
        "taken_on": "2027-01-14",
        "score": "230",
        "percent_correct": "68",
    }
    data.update({name: str(value) for name, value in overrides.items()})
    return data


def test_the_list_says_there_are_no_practice_exams_yet(alice_client, plan):
    response = alice_client.get(url("practice_exam_list", plan))

    assert response.status_code == 200
    assert "No practice exams yet." in page_text(response)


def test_the_form_offers_the_plans_steps_and_the_kinds_of_exam(alice_client, plan, step1, step2ck):
    response = alice_client.get(url("practice_exam_create", plan))

    assert response.status_code == 200
    assert options(response, "milestone") == [(str(step1.pk), "Step 1"), (str(step2ck.pk), "Step 2 CK")]
    content = response.content.decode()
    for label in ["NBME self-assessment", "UWorld self-assessment", "Free 120", "Other practice exam"]:
        assert label in content


def test_the_form_starts_on_today(alice_client, plan):
    response = alice_client.get(url("practice_exam_create", plan))

    assert input_value(response, "taken_on") == TODAY.isoformat()


def test_an_nbme_score_is_saved_and_shown_on_the_list_and_the_dashboard(alice_client, plan, step2ck):
    response = alice_client.post(url("practice_exam_create", plan), exam_data(step2ck), follow=True)

    assert response.redirect_chain == [(url("practice_exam_list", plan), 302)]
    exam = PracticeExam.objects.get()
    assert (exam.plan, exam.milestone, exam.kind, exam.form_name) == (plan, step2ck, "nbme", "Form 30")
    assert (exam.taken_on, exam.score, exam.percent_correct) == (date(2027, 1, 14), 230, 68)
    shown = page_text(response)
    assert "Recorded NBME self-assessment Form 30 for Step 2 CK." in shown
    assert "14 Jan 2027 Step 2 CK NBME self-assessment Form 30 230 68%" in shown

    dashboard = alice_client.get(reverse("planner:dashboard"))
    card = section(dashboard, "readiness-heading")
    assert "Your Step 2 CK practice exams" in text(card)
    assert "14 Jan 2027 NBME self-assessment Form 30 230 68%" in text(card)


def test_a_score_alone_is_enough(alice_client, plan, step2ck):
    response = alice_client.post(
        url("practice_exam_create", plan), exam_data(step2ck, percent_correct="", form_name=""), follow=True
    )

    exam = PracticeExam.objects.get()
    assert (exam.score, exam.percent_correct) == (230, None)
    assert "14 Jan 2027 Step 2 CK NBME self-assessment 230 –" in page_text(response)


def test_a_percent_alone_is_enough(alice_client, plan, step1):
    response = alice_client.post(
        url("practice_exam_create", plan), exam_data(step1, kind="free120", score="", form_name=""), follow=True
    )

    exam = PracticeExam.objects.get()
    assert (exam.kind, exam.score, exam.percent_correct) == ("free120", None, 68)
    assert "14 Jan 2027 Step 1 Free 120 – 68%" in page_text(response)

    dashboard = text(section(alice_client.get(reverse("planner:dashboard")), "readiness-heading"))
    assert "Your Step 1 practice exams" in dashboard
    assert "Free 120 – 68%" in dashboard


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"score": "", "percent_correct": ""}, "score", "Enter the three-digit score, the percent correct, or both."),
        ({"score": "0"}, "score", "Ensure this value is greater than or equal to 1."),
        ({"score": "301"}, "score", "Ensure this value is less than or equal to 300."),
        ({"percent_correct": "101"}, "percent_correct", "Ensure this value is less than or equal to 100."),
        ({"percent_correct": "-1"}, "percent_correct", "Ensure this value is greater than or equal to 0."),
        ({"taken_on": "2027-01-16"}, "taken_on", "This date is in the future. Log what you have already done."),
        ({"taken_on": "yesterday"}, "taken_on", "Enter a valid date."),
        ({"kind": "mcat"}, "kind", "Select a valid choice. mcat is not one of the available choices."),
        ({"taken_on": "0001-01-01"}, "taken_on", "Enter a date between 1 Jan 1990 and 15 Jan 2037."),
        ({"taken_on": "9999-12-31"}, "taken_on", "Enter a date between 1 Jan 1990 and 15 Jan 2037."),
        ({"taken_on": "2027-02-30"}, "taken_on", "Enter a valid date."),
        ({"score": str(2**64)}, "score", "Ensure this value is less than or equal to 300."),
        ({"form_name": "x" * 10_000}, "form_name", "Ensure this value has at most 60 characters (it has 10000)."),
        (
            {"form_name": "Form\x0030"},
            "form_name",
            "This text contains invisible control characters. Type it again without them.",
        ),
    ],
    ids=[
        "neither score nor percent",
        "score 0",
        "score 301",
        "percent 101",
        "negative percent",
        "future date",
        "not a date",
        "unknown kind",
        "year 1",
        "year 9999",
        "30 February",
        "score beyond 64 bits",
        "name too long",
        "name with a NUL",
    ],
)
def test_bad_input_is_explained_next_to_the_field_and_nothing_is_saved(
    alice_client, plan, step2ck, overrides, field, message
):
    response = alice_client.post(url("practice_exam_create", plan), exam_data(step2ck, **overrides))

    assert response.status_code == 200
    assert field_error(response, field) == message
    assert fields_with_errors(response) == [field]
    assert PracticeExam.objects.count() == 0
    for name in ["form_name", "taken_on", "score", "percent_correct"]:
        assert input_value(response, name) == overrides.get(name, exam_data(step2ck)[name])


def test_a_practice_exam_in_year_1_is_refused_and_the_dashboard_keeps_working(alice_client, plan, step2ck):
    response = alice_client.post(url("practice_exam_create", plan), exam_data(step2ck, taken_on="0001-01-01"))

    assert field_error(response, "taken_on") == "Enter a date between 1 Jan 1990 and 15 Jan 2037."
    assert PracticeExam.objects.count() == 0
    assert alice_client.get(reverse("planner:dashboard")).status_code == 200


def test_a_practice_exam_from_1990_is_accepted(alice_client, plan, step2ck):
    alice_client.post(url("practice_exam_create", plan), exam_data(step2ck, taken_on="1990-01-01"))

    assert PracticeExam.objects.get().taken_on == date(1990, 1, 1)
    assert alice_client.get(reverse("planner:dashboard")).status_code == 200


def test_an_exam_is_deleted_with_a_post(alice_client, plan, step1):
    exam = make_practice_exam(plan, step1)
    kept = make_practice_exam(plan, step1, form_name="Form 31")

    response = alice_client.post(url("practice_exam_delete", exam), follow=True)

    assert response.redirect_chain == [(url("practice_exam_list", plan), 302)]
    assert "The practice exam is deleted." in page_text(response)
    assert list(PracticeExam.objects.all()) == [kept]


def test_delete_does_not_answer_get(alice_client, plan, step1):
    exam = make_practice_exam(plan, step1)

    response = alice_client.get(url("practice_exam_delete", exam))

    assert response.status_code == 405
    assert PracticeExam.objects.filter(pk=exam.pk).exists()


@pytest.mark.parametrize("name", ["practice_exam_list", "practice_exam_create"])
def test_the_practice_exam_pages_require_sign_in(client, plan, name):
    response = client.get(url(name, plan))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_a_step1_nbme_form_records_percent_and_pass_probability_never_a_three_digit_score(alice_client, plan, step1):
    refused = alice_client.post(url("practice_exam_create", plan), exam_data(step1))
    recorded = alice_client.post(
        url("practice_exam_create", plan), exam_data(step1, score="", percent_correct="66", pass_probability="81")
    )

    assert "not a three-digit score" in field_error(refused, "score")
    assert recorded.status_code == 302
    exam = PracticeExam.objects.get()
    assert (exam.score, exam.percent_correct, exam.pass_probability) == (None, 66, 81)


# Self-assessments from the catalog, held to what each reports.


def form_of(key):
    return SelfAssessment.objects.get(key=key)


# A result as each kind of form reports it.
REPORTED = {
    "three_digit": {"score": "240", "percent_correct": "", "pass_probability": ""},
    "percent_and_pass_probability": {"score": "", "percent_correct": "66", "pass_probability": "81"},
    "percent_correct": {"score": "", "percent_correct": "70", "pass_probability": ""},
}


def catalog_data(milestone, key, **overrides):
    data = {"milestone": milestone.pk, "form": form_of(key).pk, "taken_on": "2027-01-14"}
    data |= REPORTED[form_of(key).reports]
    data.update({name: str(value) for name, value in overrides.items()})
    return data


def test_the_picker_lists_the_self_assessments_of_the_plans_steps_with_what_each_reports(alice_client, plan):
    response = alice_client.get(url("practice_exam_create", plan))

    choices = options(response, "form")
    assert choices[0] == ("", "Other / not in the list")
    assert (str(form_of("nbme_step1_30").pk), "NBME Form 30 · percent correct and probability of passing") in choices
    assert (str(form_of("free120_step1").pk), "Free 120 · percent correct") in choices
    assert (str(form_of("uwsa2_step2ck").pk), "UWSA 2 · three-digit score") in choices
    # Grouped by Step, and only the plan's Steps: no Step 3 form for a Step 1 and Step 2 CK plan.
    groups = [dict(group.attributes)["label"] for group in elements(response, "optgroup")]
    assert groups == ["Step 1", "Step 2 CK"]
    assert str(form_of("nbme_ccmsa").pk) not in [value for value, _ in choices]


def test_a_uworld_step2ck_self_assessment_is_recorded_with_its_estimated_three_digit_score(alice_client, plan, step2ck):
    response = alice_client.post(
        url("practice_exam_create", plan),
        catalog_data(step2ck, "uwsa2_step2ck", score=245, percent_correct=71),
        follow=True,
    )

    exam = PracticeExam.objects.get()
    assert (exam.form, exam.kind, exam.form_name) == (form_of("uwsa2_step2ck"), "uwsa", "UWSA 2")
    assert (exam.score, exam.percent_correct, exam.pass_probability) == (245, 71, None)
    shown = page_text(response)
    assert "Recorded UWSA 2 for Step 2 CK." in shown
    assert "14 Jan 2027 Step 2 CK UWSA 2 245 71% –" in shown


def test_a_step1_nbme_form_from_the_list_is_recorded_with_percent_and_pass_probability(alice_client, plan, step1):
    response = alice_client.post(url("practice_exam_create", plan), catalog_data(step1, "nbme_step1_30"), follow=True)

    exam = PracticeExam.objects.get()
    assert (exam.form, exam.kind, exam.form_name) == (form_of("nbme_step1_30"), "nbme", "NBME Form 30")
    assert (exam.score, exam.percent_correct, exam.pass_probability) == (None, 66, 81)
    assert "14 Jan 2027 Step 1 NBME Form 30 – 66% 81%" in page_text(response)


@pytest.mark.parametrize(
    ("key", "step_code", "overrides", "field", "message"),
    [
        (
            "nbme_step1_30",
            "step1",
            {"score": 230},
            "score",
            "NBME Form 30 reports percent correct and a probability of passing, not a three-digit score: "
            "leave this empty.",
        ),
        (
            "nbme_step1_30",
            "step1",
            {"pass_probability": ""},
            "pass_probability",
            "Enter the probability of passing NBME Form 30 reports.",
        ),
        (
            "nbme_step1_30",
            "step1",
            {"percent_correct": ""},
            "percent_correct",
            "Enter the percent correct NBME Form 30 reports.",
        ),
        (
            "nbme_step1_30",
            "step1",
            {"pass_probability": 101},
            "pass_probability",
            "Ensure this value is less than or equal to 100.",
        ),
        (
            "nbme_step1_30",
            "step1",
            {"percent_correct": 101},
            "percent_correct",
            "Ensure this value is less than or equal to 100.",
        ),
        (
            "free120_step1",
            "step1",
            {"pass_probability": 80},
            "pass_probability",
            "Free 120 does not report a probability of passing: leave this empty.",
        ),
        (
            "free120_step1",
            "step1",
            {"score": 230},
            "score",
            "Free 120 reports percent correct, not a three-digit score: leave this empty.",
        ),
        ("uwsa2_step2ck", "step2ck", {"score": ""}, "score", "UWSA 2 gives a three-digit score: enter it."),
        ("uwsa2_step2ck", "step2ck", {"score": 301}, "score", "Ensure this value is less than or equal to 300."),
        (
            "nbme_step2ck_9",
            "step2ck",
            {"pass_probability": 90},
            "pass_probability",
            "NBME Form 9 does not report a probability of passing: leave this empty.",
        ),
        (
            "nbme_step2ck_9",
            "step1",
            {},
            "form",
            "NBME Form 9 is a Step 2 CK self-assessment. Choose one of Step 1, or “Other / not in the list”.",
        ),
        (
            "nbme_step1_30",
            "step1",
            {"taken_on": "2027-01-16"},
            "taken_on",
            "This date is in the future. Log what you have already done.",
        ),
        (
            "nbme_step1_30",
            "step1",
            {"form": "nbme_ccmsa"},
            "form",
            "Select a valid choice. That choice is not one of the available choices.",
        ),
        (
            "nbme_step1_30",
            "step1",
            {"form": str(2**64)},
            "form",
            "Select a valid choice. That choice is not one of the available choices.",
        ),
    ],
    ids=[
        "score from a form that reports pass probability",
        "pass probability missing",
        "percent missing",
        "pass probability 101",
        "percent 101",
        "pass probability from the Free 120",
        "score from the Free 120",
        "score missing from UWSA",
        "score 301",
        "pass probability from a Step 2 CK form",
        "form of another Step",
        "future date",
        "form of a Step not in the plan",
        "form id beyond 64 bits",
    ],
)
def test_a_catalog_form_takes_only_what_it_reports(alice_client, plan, key, step_code, overrides, field, message):
    milestone = plan.milestones.get(step__code=step_code)
    if overrides.get("form") == "nbme_ccmsa":
        overrides = overrides | {"form": form_of("nbme_ccmsa").pk}

    response = alice_client.post(url("practice_exam_create", plan), catalog_data(milestone, key, **overrides))

    assert response.status_code == 200
    assert field_error(response, field) == message
    assert fields_with_errors(response) == [field]
    assert PracticeExam.objects.count() == 0


def test_an_exam_not_in_the_list_needs_its_kind(alice_client, plan, step2ck):
    response = alice_client.post(url("practice_exam_create", plan), exam_data(step2ck, kind=""))

    assert field_error(response, "kind") == "Choose the kind of practice exam, or pick it from the list above."
    assert fields_with_errors(response) == ["kind"]
    assert PracticeExam.objects.count() == 0


def test_an_exam_not_in_the_list_has_a_pass_probability_only_as_a_step1_nbme_form(alice_client, plan, step1, step2ck):
    refused = alice_client.post(url("practice_exam_create", plan), exam_data(step2ck, pass_probability=80))
    kept = alice_client.post(
        url("practice_exam_create", plan),
        exam_data(step1, form_name="Form 32", score="", percent_correct=70, pass_probability=88),
    )

    assert field_error(refused, "pass_probability") == (
        "Only NBME’s Step 1 self-assessments report a probability of passing: leave this empty."
    )
    assert kept.status_code == 302
    exam = PracticeExam.objects.get()
    assert (exam.form, exam.kind, exam.form_name, exam.pass_probability) == (None, "nbme", "Form 32", 88)


# Recording a practice exam the plan scheduled, from its task on Today.


def test_a_planned_practice_exam_is_recorded_from_its_task(alice_client, alice, catalog, clock):
    plan, milestone = make_step1_plan(alice)
    slot = PracticeExamSlot.objects.get(milestone=milestone, form=form_of("nbme_step1_30"))
    assert slot.day is not None
    clock.move_to(f"{slot.day.isoformat()} 15:00 +0000")
    alice_client.force_login(alice)  # months later, the first session has ended

    today = alice_client.get(reverse("planner:today"))

    links = [
        dict(a.attributes)["href"]
        for a in elements(today, "a")
        if text(str(a)).startswith("Record the score") and f"form={slot.form_id}" in dict(a.attributes)["href"]
    ]
    create = url("practice_exam_create", plan)
    assert links == [f"{create}?milestone={milestone.pk}&form={slot.form_id}&day={slot.day.isoformat()}"]

    form_page = alice_client.get(links[0])

    assert selected_value(form_page, "milestone") == str(milestone.pk)
    assert selected_value(form_page, "form") == str(slot.form_id)
    assert input_value(form_page, "taken_on") == slot.day.isoformat()

    data = {"milestone": milestone.pk, "form": slot.form_id, "taken_on": slot.day.isoformat()}
    response = alice_client.post(links[0], data | REPORTED["percent_and_pass_probability"], follow=True)

    assert "Recorded NBME Form 30 for Step 1." in page_text(response)
    exam = PracticeExam.objects.get()
    assert (exam.milestone, exam.form, exam.taken_on) == (milestone, slot.form, slot.day)
    assert (exam.percent_correct, exam.pass_probability) == (66, 81)

    # Back on Today, the task is done and offers the score instead of asking for it again.
    today = alice_client.get(reverse("planner:today"))
    labels = [text(str(a)) for a in elements(today, "a")]
    assert "Score recorded" in labels
    assert not [href for a in elements(today, "a") if f"form={slot.form_id}" in (href := dict(a.attributes)["href"])]


def test_the_form_starts_from_the_suggested_step_form_and_day(alice_client, plan, step2ck):
    response = alice_client.get(
        url("practice_exam_create", plan),
        {"milestone": step2ck.pk, "form": form_of("uwsa1_step2ck").pk, "day": "2027-01-10"},
    )

    assert selected_value(response, "milestone") == str(step2ck.pk)
    assert selected_value(response, "form") == str(form_of("uwsa1_step2ck").pk)
    assert input_value(response, "taken_on") == "2027-01-10"


@pytest.mark.parametrize(
    "query",
    [
        {"milestone": "abc", "form": "x", "day": "yesterday"},
        {"milestone": str(2**64), "form": str(2**64), "day": "2027-02-30"},
        {"milestone": "١", "form": "-1", "day": "0001-01-01"},
        {"milestone": "9" * 5000, "day": "9" * 5000},
    ],
    ids=["words", "beyond 64 bits", "not ASCII digits", "very long"],
)
def test_suggestions_that_are_not_ids_or_dates_are_ignored(alice_client, plan, query):
    response = alice_client.get(url("practice_exam_create", plan), query)

    assert response.status_code == 200
    assert selected_value(response, "milestone") == ""
    assert selected_value(response, "form") == ""
    assert input_value(response, "taken_on") == TODAY.isoformat()


def test_another_persons_step_a_form_of_another_step_and_a_future_day_are_ignored(alice_client, plan, step1, bob):
    bobs_step = make_alices_plan(bob).milestones.get(step__code="step1")

    foreign = alice_client.get(
        url("practice_exam_create", plan), {"milestone": bobs_step.pk, "form": form_of("nbme_step1_30").pk}
    )
    mismatched = alice_client.get(
        url("practice_exam_create", plan),
        {"milestone": step1.pk, "form": form_of("nbme_step2ck_9").pk, "day": "2027-01-16"},
    )

    assert foreign.status_code == 200
    assert (selected_value(foreign, "milestone"), selected_value(foreign, "form")) == ("", "")
    assert selected_value(mismatched, "milestone") == str(step1.pk)
    assert selected_value(mismatched, "form") == ""
    assert input_value(mismatched, "taken_on") == TODAY.isoformat()
