from datetime import date

import pytest
from django import forms

from accounts.models import User
from planner.models import PracticeExam, StudyLog
from usmleprep.lib.bounds import (
    BoundedDateField,
    BoundedIntegerField,
    BoundedModelChoiceField,
    BoundedModelMultipleChoiceField,
    PlainTextField,
    bounded_formfield,
    latest_date,
)

pytestmark = pytest.mark.clock("2027-01-15 15:00 +0000")


def errors(field, value):
    try:
        field.clean(value)
    except forms.ValidationError as error:
        return error.messages
    return []


@pytest.mark.parametrize("value", ["1990-01-01", "2027-01-15", "2037-01-15"])
def test_a_date_from_1990_to_ten_years_ahead_is_accepted(value):
    assert errors(BoundedDateField(), value) == []


@pytest.mark.parametrize("value", ["0001-01-01", "1989-12-31", "2037-01-16", "9999-12-31"])
def test_a_date_outside_1990_to_ten_years_ahead_is_refused_with_the_range(value):
    assert errors(BoundedDateField(), value) == ["Enter a date between 1 Jan 1990 and 15 Jan 2037."]


@pytest.mark.parametrize("value", ["2027-02-30", "27-1-1x", "0000-01-01", "10000-01-01", "x" * 10_000])
def test_a_malformed_date_is_not_a_date(value):
    assert errors(BoundedDateField(), value) == ["Enter a valid date."]


def test_ten_years_after_a_29_february_is_28_february():
    assert latest_date(date(2028, 2, 29)) == date(2038, 2, 28)


@pytest.mark.parametrize("value", ["a\x00b", "\x1b[31mred", "bell\x07", "del\x7f", "c1\x85c"])
def test_text_with_control_characters_is_refused_with_one_message(value):
    assert errors(PlainTextField(max_length=50), value) == [
        "This text contains invisible control characters. Type it again without them."
    ]


@pytest.mark.parametrize("value", ["tab\tand\nline", "مرحبا بالعالم", "\u202eright to left", "🩺 emoji 👩🏽‍⚕️"])
def test_tabs_line_breaks_right_to_left_text_and_emoji_are_text(value):
    assert errors(PlainTextField(max_length=50), value) == []


def test_text_longer_than_its_column_is_refused():
    assert errors(PlainTextField(max_length=5), "x" * 6) == ["Ensure this value has at most 5 characters (it has 6)."]


def test_a_text_field_needs_a_max_length():
    with pytest.raises(TypeError):
        PlainTextField()


def test_a_number_field_needs_both_bounds():
    with pytest.raises(TypeError):
        BoundedIntegerField(min_value=0)


@pytest.mark.parametrize("value", [str(2**64), "9" * 5000, "-" + "9" * 30])
def test_numbers_beyond_64_bits_are_refused(value):
    assert errors(BoundedIntegerField(min_value=0, max_value=10), value)


def test_model_forms_get_bounded_fields_for_every_column():
    def formfield(model, name):
        return bounded_formfield(model._meta.get_field(name))

    assert isinstance(formfield(StudyLog, "studied_on"), BoundedDateField)
    note = formfield(StudyLog, "note")
    assert note.max_length == 200
    assert errors(note, "a\x01") == ["This text contains invisible control characters. Type it again without them."]
    minutes = formfield(StudyLog, "minutes")
    assert (minutes.min_value, minutes.max_value) == (1, 960)
    assert isinstance(formfield(PracticeExam, "kind"), forms.TypedChoiceField)
    # An email column keeps its own kind of field, and loses control characters too.
    email = formfield(User, "email")
    assert isinstance(email, forms.EmailField)
    assert "This text contains invisible control characters. Type it again without them." in errors(
        email, "alice@example.com\x00"
    )


@pytest.mark.parametrize("value", ["0", "-1", "1.5", str(2**63), "9" * 10_000, "١", " ", "1\x00"])
def test_a_value_that_cannot_be_an_id_is_an_invalid_choice(db, value):
    field = BoundedModelChoiceField(queryset=StudyLog.objects.all())

    assert errors(field, value) == ["Select a valid choice. That choice is not one of the available choices."]


@pytest.mark.parametrize("value", [str(2**63), "9" * 10_000, "-1"])
def test_a_list_of_ids_with_one_that_cannot_be_an_id_is_refused(db, value):
    field = BoundedModelMultipleChoiceField(queryset=StudyLog.objects.all())

    assert errors(field, ["1", value]) == [f"“{value}” is not a valid value."]


@pytest.mark.parametrize("typed", ["Road\vto residency", "Road\x1cto residency", "Road\x00to residency"])
def test_a_squashed_text_refuses_control_characters_that_split_would_hide(typed):
    from django.core.exceptions import ValidationError

    from usmleprep.lib.bounds import SquashedTextField

    field = SquashedTextField(max_length=120)

    assert field.clean("  Road \t to\n residency ") == "Road to residency"
    with pytest.raises(ValidationError, match="invisible control characters"):
        field.clean(typed)
