from datetime import date

import pytest
from django.urls import reverse

from planner.models import ContentArea, StudyLog
from tests.factories import NOW, STEP1_DATE, TODAY, make_log, make_plan
from tests.pages import field_error, fields_with_errors, input_value, options, page_text, selected_value

pytestmark = pytest.mark.clock(NOW)


@pytest.fixture
def cardio(catalog):
    return ContentArea.objects.get(step__code="step1", kind="system", name="Cardiovascular System")


def url(name, obj):
    return reverse(f"planner:{name}", args=[obj.pk])


def log_data(step1, cardio, **overrides):
    data = {
        "milestone": step1.pk,
        "studied_on": "2027-01-14",
        "minutes": "90",
        "area": cardio.pk,
        "note": "First Aid  cardio,   UWorld block",
        "questions_attempted": "40",
        "questions_correct": "28",
    }
    data.update({name: str(value) for name, value in overrides.items()})
    return data


def test_the_log_list_says_nothing_is_logged_yet(alice_client, plan):
    response = alice_client.get(url("log_list", plan))

    assert response.status_code == 200
    assert "Nothing logged yet" in page_text(response)


def test_the_log_form_offers_the_plans_steps_and_their_systems(alice_client, plan, step1, step2ck):
    response = alice_client.get(url("log_create", plan))

    assert response.status_code == 200
    assert options(response, "milestone") == [(str(step1.pk), "Step 1"), (str(step2ck.pk), "Step 2 CK")]
    content = response.content.decode()
    assert "Step 1 · Cardiovascular System" in content
    assert "Step 3 ·" not in content


def test_the_log_form_starts_on_today(alice_client, plan):
    response = alice_client.get(url("log_create", plan))

    assert input_value(response, "studied_on") == TODAY.isoformat()


def test_a_question_block_is_saved_and_shown_on_the_list(alice_client, plan, step1, cardio):
    response = alice_client.post(url("log_create", plan), log_data(step1, cardio), follow=True)

    assert response.redirect_chain == [(url("log_list", plan), 302)]
    log = StudyLog.objects.get()
    assert (log.plan, log.milestone, log.area, log.studied_on, log.minutes) == (
        plan,
        step1,
        cardio,
        date(2027, 1, 14),
        90,
    )
    assert (log.questions_attempted, log.questions_correct) == (40, 28)
    assert log.note == "First Aid cardio, UWorld block"
    shown = page_text(response)
    assert "Logged 90 minutes of Step 1." in shown
    assert "14 Jan 2027 Step 1 Cardiovascular System 90 28/40 (70%) First Aid cardio, UWorld block" in shown


def test_a_log_without_questions_or_system_is_saved(alice_client, plan, step1, cardio):
    data = log_data(step1, cardio, area="", questions_attempted="", questions_correct="", note="")

    response = alice_client.post(url("log_create", plan), data, follow=True)

    log = StudyLog.objects.get()
    assert (log.area, log.questions_attempted, log.questions_correct) == (None, None, None)
    assert "14 Jan 2027 Step 1 – 90 –" in page_text(response)


def test_a_log_of_today_is_accepted(alice_client, plan, step1, cardio):
    alice_client.post(url("log_create", plan), log_data(step1, cardio, studied_on=TODAY.isoformat()))

    assert StudyLog.objects.get().studied_on == TODAY


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"studied_on": "2027-01-16"}, "studied_on", "This date is in the future. Log what you have already done."),
        ({"minutes": "0"}, "minutes", "Ensure this value is greater than or equal to 1."),
        ({"minutes": "961"}, "minutes", "Ensure this value is less than or equal to 960."),
        ({"minutes": "abc"}, "minutes", "Enter a whole number."),
        ({"minutes": ""}, "minutes", "This field is required."),
        ({"questions_correct": "41"}, "questions_correct", "You cannot get more right than you attempted (40)."),
        ({"questions_attempted": ""}, "questions_attempted", "Enter how many questions you attempted."),
        ({"questions_correct": ""}, "questions_correct", "Enter how many you got right (0 if none)."),
        ({"questions_attempted": "0", "questions_correct": "0"}, "questions_attempted", "greater than or equal to 1"),
        ({"questions_attempted": "401"}, "questions_attempted", "less than or equal to 400"),
        ({"studied_on": "0001-01-01"}, "studied_on", "Enter a date between 1 Jan 1990 and 15 Jan 2037."),
        ({"studied_on": "1989-12-31"}, "studied_on", "Enter a date between 1 Jan 1990 and 15 Jan 2037."),
        ({"minutes": str(2**70)}, "minutes", "Ensure this value is less than or equal to 960."),
        ({"note": "x" * 10_000}, "note", "Ensure this value has at most 200 characters (it has 10000)."),
        ({"note": "cardio\x1b[2J"}, "note", "This text contains invisible control characters."),
    ],
    ids=[
        "future date",
        "no minutes",
        "more than 16 hours",
        "minutes not a number",
        "minutes missing",
        "more right than attempted",
        "correct without attempted",
        "attempted without correct",
        "zero questions",
        "over 400 questions",
        "year 1",
        "before 1990",
        "minutes beyond 64 bits",
        "note too long",
        "note with an escape",
    ],
)
def test_bad_input_is_explained_next_to_the_field_and_nothing_is_saved(
    alice_client, plan, step1, cardio, overrides, field, message
):
    response = alice_client.post(url("log_create", plan), log_data(step1, cardio, **overrides))

    assert response.status_code == 200
    assert message in field_error(response, field)
    assert fields_with_errors(response) == [field]
    assert StudyLog.objects.count() == 0
    # What she typed stays in the form.
    for name in ["studied_on", "minutes", "note", "questions_attempted", "questions_correct"]:
        expected = overrides.get(name, log_data(step1, cardio)[name])
        assert input_value(response, name) == expected
    assert selected_value(response, "area") == str(cardio.pk)


def test_more_right_than_attempted_says_so_in_plain_words(alice_client, plan, step1, cardio):
    response = alice_client.post(url("log_create", plan), log_data(step1, cardio, questions_correct="45"))

    assert "more right than you attempted" in field_error(response, "questions_correct")
    assert StudyLog.objects.count() == 0


def test_a_system_of_another_step_than_the_chosen_one_is_refused(alice_client, plan, step1, catalog):
    step2ck_cardio = ContentArea.objects.get(step__code="step2ck", kind="system", name="Cardiovascular System")

    response = alice_client.post(url("log_create", plan), log_data(step1, step2ck_cardio))

    assert field_error(response, "area") == "Choose a system of Step 1."
    assert selected_value(response, "area") == str(step2ck_cardio.pk)
    assert selected_value(response, "milestone") == str(step1.pk)
    assert StudyLog.objects.count() == 0


def test_a_system_of_a_step_not_in_the_plan_is_an_invalid_choice(alice_client, plan, step1, catalog):
    step3_area = ContentArea.objects.filter(step__code="step3", kind="system").first()

    response = alice_client.post(url("log_create", plan), log_data(step1, step3_area))

    assert "Select a valid choice" in field_error(response, "area")
    assert StudyLog.objects.count() == 0


def test_a_milestone_of_bobs_plan_is_an_invalid_choice(alice_client, plan, bob, cardio):
    bobs_plan = make_plan(bob, start_date=TODAY, steps={"step1": STEP1_DATE})
    bobs_step1 = bobs_plan.milestones.get()

    response = alice_client.post(url("log_create", plan), log_data(bobs_step1, cardio))

    assert response.status_code == 200
    assert field_error(response, "milestone") == (
        "Select a valid choice. That choice is not one of the available choices."
    )
    assert StudyLog.objects.count() == 0


def test_a_log_is_deleted_with_a_post(alice_client, plan, step1):
    log = make_log(plan, step1)
    kept = make_log(plan, step1, minutes=30)

    response = alice_client.post(url("log_delete", log), follow=True)

    assert response.redirect_chain == [(url("log_list", plan), 302)]
    assert "The log entry is deleted." in page_text(response)
    assert list(StudyLog.objects.all()) == [kept]


def test_delete_does_not_answer_get(alice_client, plan, step1):
    log = make_log(plan, step1)

    response = alice_client.get(url("log_delete", log))

    assert response.status_code == 405
    assert StudyLog.objects.filter(pk=log.pk).exists()


@pytest.mark.parametrize("name", ["log_list", "log_create"])
def test_the_log_pages_require_sign_in(client, plan, name):
    response = client.get(url(name, plan))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
