"""No input to any form gives a server error; what people type is shown escaped."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import make_plan

NOW = "2027-01-15 15:00 +0000"

# Anything a browser could send in a field: text, numbers, dates far out of range, odd unicode.
field_value = st.one_of(
    st.text(max_size=40),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(str),
    st.sampled_from(["", " ", "plan", "passed", "skip", "yes", "no", "nbme", "0", "-1", "1e9", "NaN", "\x00"]),
)

FORMS = {
    "planner:plan_create": [
        "title",
        "start_date",
        "hours_monday",
        "hours_sunday",
        "step1_choice",
        "step1_date",
        "step1_target_score",
        "step2ck_choice",
        "step2ck_date",
        "step3_choice",
        "step3_date",
    ],
    "planner:plan_edit": ["title", "start_date", "hours_friday", "step1_choice", "step1_date", "step2ck_choice"],
    "planner:log_create": [
        "milestone",
        "studied_on",
        "minutes",
        "area",
        "note",
        "questions_attempted",
        "questions_correct",
    ],
    "planner:practice_exam_create": ["milestone", "kind", "form_name", "taken_on", "score", "percent_correct"],
    "planner:exam_result": ["sat_on", "passed", "score", "new_target_date"],
    "accounts:profile": ["name", "email", "time_zone", "background"],
    "accounts:delete": ["password"],
    "accounts:password_change": ["old_password", "new_password1", "new_password2"],
}


def url_for(name, plan):
    if name in {"planner:plan_edit", "planner:log_create", "planner:practice_exam_create"}:
        return reverse(name, args=[plan.pk])
    if name == "planner:exam_result":
        return reverse(name, args=[plan.milestones.get(step__code="step2ck").pk])
    return reverse(name)


@pytest.mark.parametrize("form_name", sorted(FORMS))
def test_no_input_gives_a_server_error(client, alice, catalog, form_name):
    with time_machine.travel(NOW, tick=False):
        client.force_login(alice)
        plan = make_plan(
            alice,
            start_date=date(2027, 1, 4),
            steps={"step1": date(2027, 5, 4), "step2ck": date(2028, 1, 4)},
            today=date(2027, 1, 4),
        )
        url = url_for(form_name, plan)
        fields = FORMS[form_name]

        @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
        @given(data=st.fixed_dictionaries({}, optional=dict.fromkeys(fields, field_value)))
        def post_anything(data):
            client.force_login(alice)
            response = client.post(url, data)
            assert response.status_code in (200, 302), (response.status_code, data)

        post_anything()


def test_sign_up_and_sign_in_take_anything_without_a_server_error(client, db):
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(name=field_value, email=field_value, password=field_value)
    def post_anything(name, email, password):
        signup = client.post(
            reverse("accounts:signup"), {"name": name, "email": email, "password1": password, "password2": password}
        )
        client.logout()
        login = client.post(reverse("accounts:login"), {"username": email, "password": password})
        client.logout()
        assert signup.status_code in (200, 302)
        assert login.status_code in (200, 302)

    post_anything()


def test_what_people_type_is_stored_as_typed_and_shown_escaped(client, alice, catalog):
    with time_machine.travel(NOW, tick=False):
        client.force_login(alice)
        plan = make_plan(alice, start_date=date(2027, 1, 4), steps={"step1": date(2027, 5, 4)}, today=date(2027, 1, 4))
        milestone = plan.milestones.get()
        payload = '<script>alert("x")</script> & <b>bold</b>'

        client.post(
            reverse("planner:log_create", args=[plan.pk]),
            {"milestone": milestone.pk, "studied_on": "2027-01-14", "minutes": 30, "note": payload},
        )
        page = client.get(reverse("planner:log_list", args=[plan.pk])).text

        assert plan.study_logs.get().note == payload
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page
        assert "<script>alert" not in page
