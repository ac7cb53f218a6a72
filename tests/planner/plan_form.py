"""The plan form as a person fills it in; tests.pages reads what the rendered pages show them."""

from datetime import date

# A Monday; 07:00 in New York, so alice's "today" is 23 Nov 2026 too.
NOW = "2026-11-23 12:00 +0000"
TODAY = date(2026, 11, 23)
STEP1_DATE = date(2027, 3, 23)  # 4 months from the start
STEP2CK_DATE = date(2027, 11, 23)  # 12 months
STEP3_DATE = date(2029, 5, 23)  # 30 months

DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def form_data(**overrides):
    """A valid POST for all three Steps, 6 hours a day Monday to Saturday; overrides win."""
    data = {
        "title": "Road to residency",
        "start_date": TODAY.isoformat(),
        **{f"hours_{day}": "6" for day in DAYS[:6]},
        "hours_sunday": "0",
        "step1_choice": "plan",
        "step1_date": STEP1_DATE.isoformat(),
        "step2ck_choice": "plan",
        "step2ck_date": STEP2CK_DATE.isoformat(),
        "step3_choice": "plan",
        "step3_date": STEP3_DATE.isoformat(),
        "reviews_enabled": "on",
    }
    data.update({name: str(value) for name, value in overrides.items()})
    return data
