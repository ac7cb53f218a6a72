"""What a page shows a person: its text, a section of it, the messages, and a form's fields and errors.

Forms are read from the response's context and from the parsed page (django.test.html, as assertContains
with html=True does), never with regular expressions over the markup crispy-forms writes.
"""

import html
import re

from django.forms.forms import NON_FIELD_ERRORS
from django.test.html import Element, parse_html


def text(fragment):
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def page_text(response):
    return text(response.content.decode())


def section(response, heading_id):
    """The HTML of the <section> labelled by the heading with this id."""
    content = response.content.decode()
    match = re.search(rf'<section[^>]*aria-labelledby="{heading_id}"[^>]*>(.*?)</section>', content, re.DOTALL)
    assert match, f"no section labelled by #{heading_id}"
    return match.group(1)


def messages_of(response):
    return [str(message) for message in response.context["messages"]] if response.context else []


def field_error(response, name, form="form"):
    """The error the form gives a field, "" when none; crispy shows it next to the field, in #id_<name>_error."""
    errors = response.context[form].errors.get(name, [])
    if errors:
        assert elements(response, "div", id=f"id_{name}_error"), f"{name}'s error is not shown next to it"
    return " ".join(errors)


def fields_with_errors(response, form="form"):
    return [name for name in response.context[form].errors if name != NON_FIELD_ERRORS]


def elements(response, tag, **attributes):
    """The page's <tag> elements that have these attributes; for_ stands for "for", aria_label for "aria-label"."""
    wanted = {name.rstrip("_").replace("_", "-"): value for name, value in attributes.items()}
    return [
        element
        for element in _parsed(response)
        if element.name == tag and wanted.items() <= dict(element.attributes).items()
    ]


def element_text(element):
    return " ".join(" ".join(_strings(element)).split())


def labels(response):
    """{the id a <label> is for: its text, without the asterisk crispy adds to a required field's label}."""
    return {_attribute(label, "for"): element_text(label).removesuffix(" *") for label in elements(response, "label")}


def legends(response):
    return [element_text(legend) for legend in elements(response, "legend")]


def input_value(response, name):
    """The value a text, date or number input shows."""
    found = [e for e in elements(response, "input", name=name) if _attribute(e, "type") in ("text", "date", "number")]
    assert len(found) == 1, f"{len(found)} inputs named {name}"
    return _attribute(found[0], "value") or ""


def checked_value(response, name):
    """The value of the radio button chosen, or None."""
    radios = elements(response, "input", type="radio", name=name)
    checked = [_attribute(radio, "value") for radio in radios if _has(radio, "checked")]
    assert len(checked) <= 1
    return checked[0] if checked else None


def is_ticked(response, name):
    """Whether the one checkbox named `name` is ticked."""
    (box,) = elements(response, "input", type="checkbox", name=name)
    return _has(box, "checked")


def selected_value(response, name):
    chosen = [_attribute(option, "value") for option in _options(response, name) if _has(option, "selected")]
    assert len(chosen) <= 1
    return chosen[0] if chosen else ""


def options(response, name):
    """(value, label) of each option of a select, in order."""
    return [(_attribute(option, "value"), element_text(option)) for option in _options(response, name)]


def tables(fragment):
    """{caption: rows} of the tables in a piece of HTML, each row the texts of its cells."""
    found = {}
    root = parse_html(fragment)
    for table in [root] if getattr(root, "name", None) == "table" else _descendants(root):
        if table.name != "table":
            continue
        inside = list(_descendants(table))
        caption = next((element_text(e) for e in inside if e.name == "caption"), "")
        found[caption] = [
            [element_text(cell) for cell in row.children if isinstance(cell, Element) and cell.name in ("th", "td")]
            for row in inside
            if row.name == "tr"
        ]
    return found


def _options(response, name):
    selects = elements(response, "select", name=name)
    assert len(selects) == 1, f"{len(selects)} selects named {name}"
    return [child for child in _descendants(selects[0]) if child.name == "option"]


def _attribute(element, name):
    return dict(element.attributes).get(name)


def _has(element, name):
    return any(attribute == name for attribute, _ in element.attributes)


def _parsed(response):
    # Parsed once per response: a test may read a dozen fields of the same page.
    if not hasattr(response, "_parsed_elements"):
        response._parsed_elements = list(_descendants(parse_html(response.content.decode())))
    return response._parsed_elements


def _descendants(element):
    for child in element.children:
        if isinstance(child, Element):
            yield child
            yield from _descendants(child)


def _strings(element):
    for child in element.children:
        if isinstance(child, Element):
            yield from _strings(child)
        else:
            yield child
