"""Kept for the modules that still import these from here: new code imports tests.factories and tests.pages."""

from tests.factories import (  # noqa: F401
    MONDAY,
    NOW,
    START,
    STEP1_DATE,
    STEP2CK_DATE,
    STEP3_DATE,
    TODAY,
    make_alices_plan,
)
from tests.pages import (  # noqa: F401
    field_error,
    fields_with_errors,
    input_value,
    messages_of,
    options,
    page_text,
    section,
    selected_value,
    text,
)
