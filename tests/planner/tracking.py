"""Dates, alice's plan and page readers shared by the tracking tests (logs, scores, results, progress)."""

import html
import re
from datetime import date

from conftest import make_plan

# A Friday; 10:00 in New York, so alice's "today" is 15 Jan 2027 too.
NOW = "2027-01-15 15:00 +0000"
TODAY = date(2027, 1, 15)
MONDAY = date(2027, 1, 11)
START = date(2027, 1, 4)
STEP1_DATE = date(2027, 5, 4)
STEP2CK_DATE = date(2028, 1, 4)
STEP3_DATE = date(2029, 1, 4)


def make_alices_plan(alice, steps=None, **kwargs):
    """Started on 4 Jan, laid out today: Step 1 on 4 May 2027 and Step 2 CK on 4 Jan 2028 unless told."""
    steps = steps or {"step1": STEP1_DATE, "step2ck": STEP2CK_DATE}
    return make_plan(alice, start_date=START, steps=steps, today=TODAY, **kwargs)


def text(fragment):
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def page_text(response):
    return text(response.content.decode())


def field_error(response, name):
    """The error shown under a field (crispy renders it in #id_<name>_error), or ""."""
    match = re.search(
        rf'<div id="id_{name}_error" class="invalid-feedback">(.*?)</div>', response.content.decode(), re.DOTALL
    )
    return text(match.group(1)) if match else ""


def fields_with_errors(response):
    return re.findall(r'<div id="id_(\w+)_error" class="invalid-feedback">', response.content.decode())


def input_value(response, name):
    """The value a text, date or number input shows."""
    tag = re.search(rf'<input type="(?:text|date|number)" name="{name}"[^>]*>', response.content.decode())
    assert tag, f"no input named {name}"
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return html.unescape(value.group(1)) if value else ""


def selected_value(response, name):
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', response.content.decode(), re.DOTALL)
    assert select, f"no select named {name}"
    chosen = re.findall(r'<option value="([^"]*)" selected>', select.group(1))
    assert len(chosen) <= 1
    return chosen[0] if chosen else ""


def options(response, name):
    """(value, label) of each option of a select, in order."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', response.content.decode(), re.DOTALL)
    assert select, f"no select named {name}"
    return [
        (value, text(label))
        for value, label in re.findall(r'<option value="([^"]*)"[^>]*>(.*?)</option>', select.group(1))
    ]


def section(response, heading_id):
    """The text of the <section> labelled by the heading with this id."""
    content = response.content.decode()
    match = re.search(rf'<section[^>]*aria-labelledby="{heading_id}"[^>]*>(.*?)</section>', content, re.DOTALL)
    assert match, f"no section labelled by #{heading_id}"
    return match.group(1)


def messages_of(response):
    return [str(message) for message in response.context["messages"]] if response.context else []
