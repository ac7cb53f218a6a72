"""The plan form as a person fills it in, and what the rendered pages show them."""

import html
import re
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
    }
    data.update({name: str(value) for name, value in overrides.items()})
    return data


def text(fragment):
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def field_error(page, name):
    """The error text shown under a field (crispy renders it in #id_<name>_error), or ""."""
    match = re.search(rf'<div id="id_{name}_error" class="invalid-feedback">(.*?)</div>', page, re.DOTALL)
    return text(match.group(1)) if match else ""


def fields_with_errors(page):
    return re.findall(r'<div id="id_(\w+)_error" class="invalid-feedback">', page)


def input_value(page, name):
    """The value a text, date or number input shows."""
    tag = re.search(rf'<input type="(?:text|date|number)" name="{name}"[^>]*>', page)
    assert tag, f"no input named {name}"
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return html.unescape(value.group(1)) if value else ""


def checked_value(page, name):
    tags = re.findall(rf'<input type="radio"[^>]*name="{name}"[^>]*>', page)
    checked = [re.search(r'value="([^"]*)"', tag).group(1) for tag in tags if " checked" in tag]
    assert len(checked) <= 1
    return checked[0] if checked else None
