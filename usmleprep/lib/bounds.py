"""The bounds every form field holds its input to, so nothing out of range reaches the database or
the date arithmetic: dates from 1990 to ten years after today, text within its column and free of
control characters, whole numbers between a minimum and a maximum.

Plain forms declare these fields; model forms get them for every date, text and number column by
setting `formfield_callback = bounded_formfield` in their Meta.
"""

import unicodedata
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, ProhibitNullCharactersValidator
from django.db import models
from django.utils import timezone

from usmleprep.lib.dates import human

# Nobody records USMLE study before 1990, and a year-1 or year-9999 date overflows date arithmetic
# (`date - timedelta`) or lays out millions of days.
EARLIEST_DATE = date(1990, 1, 1)
YEARS_AHEAD = 10
# Tabs and line breaks are whitespace the forms tidy away; every other control character is refused
# (PostgreSQL refuses NUL in text, and the others are invisible on the page).
ALLOWED_CONTROL_CHARACTERS = frozenset("\t\n\r")


def latest_date(today):
    """Ten years after today; 28 February when today is 29 February."""
    try:
        return today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:
        return today.replace(year=today.year + YEARS_AHEAD, day=28)


def check_date_in_range(day, today):
    if not EARLIEST_DATE <= day <= latest_date(today):
        raise ValidationError(
            f"Enter a date between {human(EARLIEST_DATE)} and {human(latest_date(today))}.", code="date_out_of_range"
        )


def refuse_control_characters(text):
    if any(unicodedata.category(c) == "Cc" and c not in ALLOWED_CONTROL_CHARACTERS for c in text):
        raise ValidationError(
            "This text contains invisible control characters. Type it again without them.", code="control_characters"
        )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs={"min": EARLIEST_DATE.isoformat(), **(attrs or {})}, format="%Y-%m-%d")


class BoundedDateField(forms.DateField):
    """A date from 1 Jan 1990 to ten years after today in the person's time zone; every form's own
    rule (not in the future, after another date) comes on top, in the form."""

    widget = DateInput

    def validate(self, value):
        super().validate(value)
        if value not in self.empty_values:
            check_date_in_range(value, timezone.localdate())


def without_control_characters(field):
    # One clear message for NUL and the other control characters alike.
    field.validators = [v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)]
    field.validators.append(refuse_control_characters)
    return field


class PlainTextField(forms.CharField):
    """Text no longer than its column, without control characters."""

    def __init__(self, *, max_length, **kwargs):
        super().__init__(max_length=max_length, **kwargs)
        without_control_characters(self)


class SquashedTextField(PlainTextField):
    """A line of text (a name, a title, a note): runs of spaces, tabs and line breaks become one space."""

    def to_python(self, value):
        text = super().to_python(value)
        # Checked before squashing: split() takes \v, \f and \x1c to \x1f for spaces, and would hide them.
        refuse_control_characters(text)
        return " ".join(text.split())


class BoundedIntegerField(forms.IntegerField):
    """A whole number between min_value and max_value, both required."""

    def __init__(self, *, min_value, max_value, **kwargs):
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)


def _limits(db_field):
    lows = [v.limit_value for v in db_field.validators if isinstance(v, MinValueValidator)]
    highs = [v.limit_value for v in db_field.validators if isinstance(v, MaxValueValidator)]
    return (max(lows) if lows else None), (min(highs) if highs else None)


def bounded_formfield(db_field, **kwargs):
    """Meta.formfield_callback for model forms: a bounded field for each date, text and number column.

    Number bounds come from the column's validators (its own, or its database type's range); text
    keeps its column's max_length and its own kind of field (email, URL) and loses control characters."""
    if db_field.choices or db_field.is_relation:
        return db_field.formfield(**kwargs)
    if isinstance(db_field, models.DateField) and not isinstance(db_field, models.DateTimeField):
        kwargs.setdefault("form_class", BoundedDateField)
    elif isinstance(db_field, models.IntegerField):
        low, high = _limits(db_field)
        kwargs = {"form_class": BoundedIntegerField, "min_value": low, "max_value": high, **kwargs}
    field = db_field.formfield(**kwargs)
    if isinstance(field, forms.CharField) and not isinstance(field, PlainTextField):
        without_control_characters(field)
    return field


# The largest id a BigAutoField holds; SQLite raises OverflowError (not a ValueError Django expects)
# for an integer past 64 bits, so such a value must be refused before it reaches a query.
MAX_ID = 2**63 - 1


def could_be_id(value):
    """Checked as ASCII digits and by length first: int() of 10,000 digits raises ValueError itself."""
    text = str(value).strip()
    return text.isascii() and text.isdigit() and len(text) <= len(str(MAX_ID)) and 0 < int(text) <= MAX_ID


class BoundedModelChoiceField(forms.ModelChoiceField):
    """A row chosen by id, where a value that cannot be an id is an invalid choice, not a database error."""

    def to_python(self, value):
        if value not in self.empty_values and not could_be_id(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Rows chosen by id; SQLite's `id IN (...)` overflows on an id past 64 bits like a single lookup does."""

    def clean(self, value):
        for pk in value if isinstance(value, (list, tuple)) else []:
            if not could_be_id(pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super().clean(value)
