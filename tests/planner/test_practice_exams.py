from datetime import date

import pytest
from django.urls import reverse

from planner.models import PracticeExam
from tests.planner.tracking import (
    TODAY,
    field_error,
    fields_with_errors,
    input_value,
    options,
    page_text,
    section,
    text,
)

pytestmark = pytest.mark.usefixtures("clock")


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


def make_exam(plan, milestone, **fields):
    defaults = {"kind": "nbme", "form_name": "Form 30", "taken_on": TODAY, "score": 215}
    return PracticeExam.objects.create(plan=plan, milestone=milestone, **defaults | fields)


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
    scores = section(dashboard, "scores-heading")
    assert "14 Jan 2027 Step 2 CK · NBME self-assessment Form 30 230 68%" in text(scores)


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

    dashboard = text(section(alice_client.get(reverse("planner:dashboard")), "scores-heading"))
    assert "Step 1 · Free 120 – 68%" in dashboard


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
    exam = make_exam(plan, step1)
    kept = make_exam(plan, step1, form_name="Form 31")

    response = alice_client.post(url("practice_exam_delete", exam), follow=True)

    assert response.redirect_chain == [(url("practice_exam_list", plan), 302)]
    assert "The practice exam is deleted." in page_text(response)
    assert list(PracticeExam.objects.all()) == [kept]


def test_delete_does_not_answer_get(alice_client, plan, step1):
    exam = make_exam(plan, step1)

    response = alice_client.get(url("practice_exam_delete", exam))

    assert response.status_code == 405
    assert PracticeExam.objects.filter(pk=exam.pk).exists()


@pytest.mark.parametrize("name", ["practice_exam_list", "practice_exam_create"])
def test_the_practice_exam_pages_require_sign_in(client, plan, name):
    response = client.get(url(name, plan))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_bob_cannot_see_alices_practice_exams(bob_client, plan, step1):
    make_exam(plan, step1, form_name="Alice’s form")

    response = bob_client.get(url("practice_exam_list", plan))

    assert response.status_code == 404
    assert "Alice’s form" not in response.content.decode()


def test_bob_cannot_open_the_form_of_alices_plan(bob_client, plan):
    assert bob_client.get(url("practice_exam_create", plan)).status_code == 404


def test_bob_cannot_record_an_exam_in_alices_plan(bob_client, plan, step1):
    response = bob_client.post(url("practice_exam_create", plan), exam_data(step1))

    assert response.status_code == 404
    assert PracticeExam.objects.count() == 0


def test_bob_cannot_delete_alices_exam(bob_client, plan, step1):
    exam = make_exam(plan, step1)

    response = bob_client.post(url("practice_exam_delete", exam))

    assert response.status_code == 404
    assert PracticeExam.objects.filter(pk=exam.pk).exists()


def test_a_step1_nbme_form_records_percent_and_pass_probability_never_a_three_digit_score(alice_client, plan, step1):
    refused = alice_client.post(url("practice_exam_create", plan), exam_data(step1))
    recorded = alice_client.post(
        url("practice_exam_create", plan), exam_data(step1, score="", percent_correct="66", pass_probability="81")
    )

    assert "not a three-digit score" in field_error(refused, "score")
    assert recorded.status_code == 302
    exam = PracticeExam.objects.get()
    assert (exam.score, exam.percent_correct, exam.pass_probability) == (None, 66, 81)
