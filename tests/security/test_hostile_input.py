"""Hostile input to every form and every address: never a server error, and an answer that refuses
the input changes nothing.

Every address that accepts POST has a row in FORMS with the fields its view reads, and every query
parameter a view reads is in QUERY_PARAMETERS. The first tests walk the URLconf and the views' code,
so an address or a parameter added later without a row here fails; a new form joins by its row.
"""

import html
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Max, Min, Sum
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.converters import IntConverter
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import User
from planner.models import (
    Allocation,
    DayException,
    Plan,
    PlanLink,
    PlanTopic,
    ReviewItem,
    StudyBlock,
)
from planner.plans import set_topic_done
from tests.factories import NOW, PASSWORD
from tests.security.test_ownership_matrix import ALICES_RECORDS, MATRIX, alice_objects, rows_of
from usmleprep.lib.bounds import BoundedDateField, refuse_control_characters

ROOT = Path(__file__).resolve().parents[2]

# What a person would type in each kind of field; hypothesis mixes these with the hostile values,
# so that some posts get past the first check and reach the forms' own rules and the database.
TEXT = ["My USMLE plan", "Form 30", "First Aid cardio", "Alice Adams"]
DAY = ["2027-01-14", "2027-01-15", "2026-09-01", "2027-03-01", "2027-06-01", "2028-01-01"]
HOURS = ["0", "4", "6", "16"]
SCORE = ["196", "230", "300"]
EMAIL = ["alice@example.com", "bob@example.com", "someone.new@example.com"]
SECRET = [PASSWORD, "a brand new passphrase 2027"]
NEXT = ["/dashboard/", "/plans/", "https://evil.example.com/", "//evil.example.com/"]


def pk_of(kind):
    return lambda objects: [str(objects[kind].pk)]


def address_of(kind):
    return lambda objects: [objects[kind].pk]


def plan_fields():
    steps = {
        f"{code}_{name}": values
        for code in ["step1", "step2ck", "step3"]
        for name, values in [("choice", ["plan", "passed", "skip"]), ("date", DAY), ("target_score", SCORE)]
    }
    hours = {f"hours_{day}": HOURS for day in ["monday", "tuesday", "wednesday", "thursday", "friday"]}
    return {"title": TEXT, "start_date": DAY, **hours, "hours_saturday": HOURS, "hours_sunday": HOURS, **steps}


def reset_link(objects):
    return [
        urlsafe_base64_encode(force_bytes(objects["alice"].pk)),
        default_token_generator.make_token(objects["alice"]),
    ]


def open_reset_link(client, objects):
    # The reset view keeps the token in the session and then serves its form at .../set-password/.
    client.get(reverse("accounts:password_reset_confirm", args=reset_link(objects)))


@dataclass(frozen=True)
class Form:
    """An address that takes POST: the fields its view reads, each with values a person would type (a
    list, or a function of alice's objects), and how to build the address."""

    fields: dict = field(default_factory=dict)  # or a function of alice's objects giving it
    address: object = None  # a function of alice's objects giving the address's arguments
    signed_out: bool = False  # posted without signing in: sign-in, sign-up, password reset
    prepare: object = None  # a function of (client, objects) run before each post


def section_fields(objects):
    """The results-by-system form names its fields by the system's id: the first three of the exam's Step."""
    areas = objects["milestone"].step.areas.filter(kind="system").order_by("position")[:3]
    return {
        f"{name}_{area.pk}": values
        for area in areas
        for name, values in [("percent", ["0", "55", "100"]), ("questions", ["1", "20", "400"])]
    }


# url name -> Form. Keep the field names in step with the forms; a new address that takes POST needs a row.
FORMS = {
    "planner:plan_create": Form(plan_fields()),
    "planner:plan_edit": Form(plan_fields(), address_of("plan")),
    "planner:plan_delete": Form({}, address_of("plan")),
    "planner:log_create": Form(
        {
            "milestone": pk_of("milestone"),
            "studied_on": DAY,
            "minutes": ["30", "90", "960"],
            "area": lambda objects: [str(objects["area"].pk)],
            "note": TEXT,
            "questions_attempted": ["40"],
            "questions_correct": ["28", "40"],
        },
        address_of("plan"),
    ),
    "planner:log_delete": Form({}, address_of("log")),
    "planner:practice_exam_create": Form(
        {
            "milestone": pk_of("milestone"),
            "kind": ["nbme", "uwsa", "free120", "other"],
            "form_name": TEXT,
            "taken_on": DAY,
            "score": SCORE,
            "percent_correct": ["0", "68", "100"],
        },
        address_of("plan"),
    ),
    "planner:practice_exam_delete": Form({}, address_of("exam")),
    "planner:practice_exam_sections": Form(section_fields, address_of("exam")),
    "planner:catch_up": Form({}, address_of("milestone")),
    "planner:exam_result": Form(
        {"sat_on": DAY, "passed": ["yes", "no"], "score": SCORE, "new_target_date": DAY}, address_of("milestone")
    ),
    "planner:topic_toggle": Form({"done": ["0", "1"], "next": NEXT}, address_of("topic")),
    "planner:task_done": Form(
        {
            "plan_resource": lambda objects: (
                [str(pk) for pk in objects["milestone"].resources.values_list("pk", flat=True)] or ["1"]
            ),
            "area": lambda objects: [str(objects["area"].pk)],
            "day": DAY,
            "done": ["0", "1"],
            "amount": ["0", "10"],
            "questions_correct": ["5"],
            "overdue": ["on", ""],
            "next": NEXT,
        },
        address_of("milestone"),
    ),
    "planner:review": Form({"rating": ["again", "hard", "good", "easy"], "next": NEXT}, address_of("review")),
    "planner:resources": Form(
        {
            "apply": ["1"],
            "practice_exams": ["1"],
            "custom-TOTAL_FORMS": ["1", "2000"],
            "custom-INITIAL_FORMS": ["0"],
            "custom-MAX_NUM_FORMS": ["10"],
            "custom-0-name": TEXT,
            "custom-0-kind": ["book", "qbank"],
            "custom-0-unit": ["page", "question"],
            "custom-0-total": ["100", "0.1"],
            "custom-0-done_before": ["0", "10"],
            "custom-0-minutes_per_unit": ["1.5", "600"],
        },
        address_of("milestone"),
    ),
    "planner:exam_date": Form({"target_date": DAY, "apply": ["1"]}, address_of("milestone")),
    "planner:days_off": Form(
        {"starts_on": DAY, "ends_on": DAY, "hours": HOURS, "note": TEXT, "apply": ["1"]}, address_of("plan")
    ),
    "planner:day_off_delete": Form({}, address_of("day_off")),
    "planner:feed_new": Form({}, address_of("plan")),
    "planner:feed_revoke": Form({}, address_of("plan")),
    "planner:share_new": Form({"expires_on": DAY}, address_of("plan")),
    "planner:share_revoke": Form({}, address_of("plan")),
    "planner:import": Form({"file": TEXT}),
    "accounts:signup": Form({"name": TEXT, "email": EMAIL, "password1": SECRET, "password2": SECRET}, signed_out=True),
    "accounts:verify_email": Form({}, lambda objects: ["MQ", "not-a-token"], signed_out=True),
    "accounts:resend_verification": Form({}),
    "accounts:unsubscribe": Form({"List-Unsubscribe": ["One-Click"]}, lambda objects: ["not-a-token"], signed_out=True),
    "accounts:login": Form({"username": EMAIL, "password": SECRET, "next": NEXT}, signed_out=True),
    "accounts:logout": Form({"next": NEXT}),
    "accounts:profile": Form(
        {
            "name": TEXT,
            "email": EMAIL,
            "current_password": SECRET,
            "time_zone": ["America/New_York", "UTC", "Mars/Olympus_Mons"],
            "background": ["us_md", "do", "img", ""],
        }
    ),
    "accounts:sign_out_session": Form({"session": ["1", "0"]}),
    "accounts:sign_out_other_sessions": Form({}),
    "accounts:delete": Form({"password": SECRET}),
    "accounts:password_change": Form({"old_password": SECRET, "new_password1": SECRET, "new_password2": SECRET}),
    "accounts:password_reset": Form({"email": EMAIL}, signed_out=True),
    "accounts:password_reset_confirm": Form(
        {"new_password1": SECRET, "new_password2": SECRET},
        lambda objects: [reset_link(objects)[0], "set-password"],
        signed_out=True,
        prepare=open_reset_link,
    ),
}

# Query parameters the views read, with values a person's browser would send. Django's sign-in and
# sign-out read `next`.
QUERY_PARAMETERS = {
    "plan": ["1"],
    "next": NEXT,
    "month": ["2027-01", "2027-13", "0001-01", "9999-12"],
    # The plan page: one Step's system (a milestone and an area id), or every topic.
    "step": ["1"],
    "block": ["1"],
    "all": ["1", "0"],
}

HOSTILE_TEXT = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x1b[2J\x07",
    "line\r\nbreak",
    "\u202eevil.exe",
    "مرحبا بالعالم",
    "שלום",
    "👩🏽\u200d⚕️🩺",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "x" * 10_000,
    "é" * 10_000,
    "9" * 10_000,
]
HOSTILE_NUMBERS = ["0", "-0", "-1", "1e9", "NaN", "inf", "1.5", "١٢", str(2**63), str(2**64), str(-(2**63) - 1)]
HOSTILE_DATES = [
    "0001-01-01",
    "9999-12-31",
    "1989-12-31",
    "1990-01-01",
    "2037-01-16",
    "2027-02-30",
    "2027-13-01",
    "2027-1-1",
    "27-01-15",
    "15/01/2027",
    "2027-01-15T00:00",
    "10000-01-01",
]
hostile = st.one_of(
    st.sampled_from(HOSTILE_TEXT + HOSTILE_NUMBERS + HOSTILE_DATES),
    st.integers().map(str),
    st.dates().map(str),
    st.text(max_size=40),
)
COOKIE_TROUBLE = ["none"] * 5 + ["junk csrftoken", "junk sessionid", "no csrftoken", "junk token field"]
# A well-formed CSRF secret the test sends both as the cookie and as the form field.
CSRF_SECRET = "hostileinputtestsecret0123456789"


def values_for(sensible):
    """A field sent once (half the time), left out, or sent twice with two values."""
    one = st.one_of(st.sampled_from(sensible), hostile) if sensible else hostile
    return st.one_of(one, one, st.none(), st.lists(one, min_size=2, max_size=2))


def post_strategy(fields):
    return st.fixed_dictionaries({name: values_for(values) for name, values in fields.items()})


def snapshot(alice):
    """alice's data and the account counts: what an answer that refuses the input must leave as it was."""
    topics = PlanTopic.objects.filter(milestone__plan__owner=alice).aggregate(
        count=Count("pk"),
        done=Count("completed_at"),
        last_done=Max("completed_at"),
        first_start=Min("starts_on"),
        last_due=Max("due_on"),
        minutes=Sum("planned_minutes"),
    )
    # The topics are summed above; the day-by-day layout and the links are left out.
    left_out = (PlanTopic, StudyBlock, Allocation, PlanLink)
    rows = rows_of(alice, [(model, lookup) for model, lookup in ALICES_RECORDS if model not in left_out])
    return rows | {
        "topics": topics,
        "alice": list(User.objects.filter(pk=alice.pk).values()),
        "users": User.objects.count(),
    }


def objects_of(alice):
    objects = alice_objects(alice)
    area = objects["milestone"].step.areas.filter(kind="system").first()
    day_off = DayException.objects.create(
        plan=objects["plan"], starts_on=date(2027, 2, 1), ends_on=date(2027, 2, 3), hours=0, note="Wedding"
    )
    # A topic done has a review scheduled.
    set_topic_done(objects["topic"], done=True)
    review = ReviewItem.objects.get(plan_topic=objects["topic"])
    return objects | {"alice": alice, "area": area, "day_off": day_off, "review": review}


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()
    yield
    cache.clear()


# The clock starts before anyone signs in, so sessions live in the same frozen time.
pytestmark = pytest.mark.clock(NOW)


# The walkers: what the URLconf and the views' code say, against the rows above.


def url_patterns(patterns=None, namespace=""):
    """(name, pattern, view) of every named address outside Django's admin."""
    found = []
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # staff only, with Django's own checks
            found += url_patterns(
                entry.url_patterns, f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            )
        elif isinstance(entry, URLPattern) and entry.name:
            found.append((f"{namespace}{entry.name}", entry.pattern, entry.callback))
    return found


def int_arguments(pattern):
    return [name for name, converter in pattern.converters.items() if isinstance(converter, IntConverter)]


def text_arguments(pattern):
    return [name for name in pattern.converters if name not in int_arguments(pattern)]


def methods_allowed(pattern, view, user):
    """The methods a view answers. A class-based view says so; a function view decorated with
    require_http_methods (require_POST, require_safe) answers OPTIONS with 405 and the Allow header.
    A function view that answers OPTIONS at all has no such decorator and takes every method."""
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return {method.upper() for method in view_class.http_method_names if hasattr(view_class, method)}
    request = RequestFactory().options("/")
    request.user = user
    kwargs = {name: 1 for name in int_arguments(pattern)} | {name: "x" for name in text_arguments(pattern)}
    try:
        response = view(request, **kwargs)
    except Exception:  # the view ran: nothing refused the method
        return {"GET", "POST"}
    if response.status_code == 405:
        return {method.strip() for method in response["Allow"].split(",")}
    return {"GET", "POST"}


def addresses_accepting(method, user):
    return {name for name, pattern, view in url_patterns() if method in methods_allowed(pattern, view, user)}


def test_every_address_that_accepts_post_has_a_row_in_forms(alice):
    assert addresses_accepting("POST", alice) == set(FORMS)


def test_every_query_parameter_the_views_read_is_listed():
    read = set()
    for path in [*ROOT.glob("planner/**/*.py"), *ROOT.glob("accounts/**/*.py"), *ROOT.glob("usmleprep/**/*.py")]:
        read |= set(re.findall(r"request\.GET(?:\.get|\.getlist)?[\[(]\s*[\"'](\w+)[\"']", path.read_text()))
    assert read <= set(QUERY_PARAMETERS)


# Posting every form.


def as_sent(text):
    # A browser sends a cookie as bytes; the WSGI server hands them on as latin-1 text.
    return text.encode().decode("latin-1")


JUNK_CSRF_COOKIE = as_sent("\x00<junk>\u202e" + "é" * 20)
JUNK_SESSION_COOKIE = as_sent("\x00' OR 1=1; --👩🏽‍⚕️" + "a" * 40)


def post_hostile(client, url, data, trouble, accept_json):
    csrf_cookie = {"junk csrftoken": JUNK_CSRF_COOKIE, "no csrftoken": None}.get(trouble, CSRF_SECRET)
    if csrf_cookie is not None:
        client.cookies[settings.CSRF_COOKIE_NAME] = csrf_cookie
    if trouble == "junk sessionid":
        client.cookies[settings.SESSION_COOKIE_NAME] = JUNK_SESSION_COOKIE
    token = "junk" if trouble == "junk token field" else CSRF_SECRET
    extra = {"HTTP_ACCEPT": "application/json"} if accept_json else {}
    return client.post(url, {"csrfmiddlewaretoken": token, **data}, **extra)


def is_success(response):
    return response.status_code in (301, 302, 303) or (
        response.status_code == 200 and response["Content-Type"] == "application/json"
    )


@pytest.mark.parametrize("url_name", sorted(FORMS))
def test_no_post_gives_a_server_error_and_a_refused_one_changes_nothing(alice, catalog, url_name):
    form = FORMS[url_name]
    objects = objects_of(alice)
    fields = form.fields(objects) if callable(form.fields) else form.fields
    sensible = {name: values(objects) if callable(values) else values for name, values in fields.items()}
    url = reverse(url_name, args=form.address(objects) if form.address else [])
    client = Client(enforce_csrf_checks=True)
    # A one-click unsubscribe link is posted by mail clients without a token.
    csrf_exempt = getattr(resolve(url).func, "csrf_exempt", False)
    # Each example starts from the same data, its changes rolled back: what it must find unchanged is read
    # in the first one. alice signs in once: a session an example ends or changes is back in the database
    # after its rollback, and a copy the cache lost is read from there again.
    at_start = {}
    if not form.signed_out:
        client.force_login(alice)
    session = client.cookies.get(settings.SESSION_COOKIE_NAME)

    @given(
        data=post_strategy(sensible),
        trouble=st.sampled_from(COOKIE_TROUBLE),
        accept_json=st.booleans(),
    )
    def post_anything(data, trouble, accept_json):
        with transaction.atomic():
            client.cookies.clear()
            if session is not None:
                client.cookies[settings.SESSION_COOKIE_NAME] = session.value
                assert client.session.get(SESSION_KEY) == str(alice.pk), "alice is no longer signed in"
            if form.prepare:
                form.prepare(client, objects)
            if not at_start:
                at_start["snapshot"] = snapshot(alice)
            before = at_start["snapshot"]

            response = post_hostile(client, url, {k: v for k, v in data.items() if v is not None}, trouble, accept_json)

            assert response.status_code in (200, 301, 302, 303, 400, 403, 404, 405), response.status_code
            if not is_success(response):
                assert snapshot(alice) == before
            else:
                # Whatever was accepted, the dashboard still answers (a year-1 date used to break it for good).
                assert client.get(reverse("planner:dashboard")).status_code in (200, 302)
            if trouble in ("junk csrftoken", "no csrftoken", "junk token field") and not csrf_exempt:
                assert response.status_code == 403
                assert snapshot(alice) == before
            transaction.set_rollback(True)

    post_anything()


# Query parameters and address arguments.


def get_addresses(alice):
    """Every address that answers GET, with alice's objects in those that take an id."""
    objects = objects_of(alice)
    urls = []
    for name, pattern, view in url_patterns():
        if "GET" not in methods_allowed(pattern, view, alice):
            continue
        if pattern.converters:
            if name in MATRIX:
                urls.append(reverse(name, args=[objects[MATRIX[name][0]].pk]))
            elif name in FORMS and FORMS[name].address:
                urls.append(reverse(name, args=FORMS[name].address(objects)))
            continue
        urls.append(reverse(name))
    return urls


@pytest.mark.parametrize("signed_in", [True, False], ids=["signed in", "signed out"])
def test_no_query_parameter_gives_a_server_error_or_changes_anything(alice, catalog, signed_in):
    urls = get_addresses(alice)
    client = Client()
    known = {name: values for name, values in QUERY_PARAMETERS.items()}

    @given(
        url=st.sampled_from(urls),
        params=st.fixed_dictionaries(
            {name: values_for(values) for name, values in known.items()}, optional={"page": values_for([])}
        ),
        trouble=st.sampled_from(["none", "junk sessionid"]),
    )
    def get_anything(url, params, trouble):
        with transaction.atomic():
            client.cookies.clear()
            if signed_in:
                client.force_login(alice)
            if trouble == "junk sessionid":
                client.cookies[settings.SESSION_COOKIE_NAME] = JUNK_SESSION_COOKIE
            before = snapshot(alice)

            response = client.get(url, {name: value for name, value in params.items() if value is not None})

            assert response.status_code in (200, 301, 302, 400, 404), (url, response.status_code)
            assert snapshot(alice) == before
            transaction.set_rollback(True)

    get_anything()


def test_an_id_beyond_64_bits_or_zero_is_not_found(alice_client, alice, catalog):
    for name, pattern, view in url_patterns():
        if not int_arguments(pattern):
            continue
        methods = methods_allowed(pattern, view, alice) & {"GET", "POST"}
        for pk in [0, 2**63, 10**40]:
            url = reverse(name, args=[pk])
            for method in sorted(methods):
                response = alice_client.get(url) if method == "GET" else alice_client.post(url, {"done": "1"})
                assert response.status_code == 404, (name, pk, method)


@given(text=st.text(max_size=40).filter(lambda t: "/" not in t and t not in (".", "..") and t.strip(".")))
def test_hostile_text_in_an_address_is_no_server_error(client, db, text):
    for name, pattern, _ in url_patterns():
        if text_arguments(pattern) and not int_arguments(pattern):
            response = client.get(reverse(name, args=[text] * len(text_arguments(pattern))))
            assert response.status_code in (200, 302, 400, 404), (name, response.status_code)


def test_a_posted_form_count_cannot_make_the_server_build_thousands_of_forms(alice_client, alice, catalog):
    milestone = objects_of(alice)["milestone"]
    data = {"custom-TOTAL_FORMS": "2000", "custom-INITIAL_FORMS": "0", "apply": "1"}

    response = alice_client.post(reverse("planner:resources", args=[milestone.pk]), data)

    assert response.status_code == 200
    assert len(response.context["inputs"].custom.forms) <= 10


# Every field of every form holds its bounds, so a new form that uses the fields gets them.


def field_problems(url_name, name, form_field):
    problems = []
    if isinstance(form_field, forms.DateField) and not isinstance(form_field, BoundedDateField):
        problems.append("a date field that is not a BoundedDateField")
    if isinstance(form_field, forms.IntegerField) and None in (form_field.min_value, form_field.max_value):
        problems.append("a number without min_value and max_value")
    # Passwords are hashed, never stored as typed.
    if isinstance(form_field, forms.CharField) and not isinstance(form_field.widget, forms.PasswordInput):
        if form_field.max_length is None:
            problems.append("text without max_length")
        if url_name.startswith("planner:") and refuse_control_characters not in form_field.validators:
            problems.append("text that takes control characters")
    return [f"{url_name} {name}: {problem}" for problem in problems]


def test_every_field_of_every_form_holds_its_bounds(alice, catalog):
    objects = objects_of(alice)
    problems, checked = [], 0
    for url_name, form in FORMS.items():
        client = Client()
        if not form.signed_out:
            client.force_login(alice)
        if form.prepare:
            form.prepare(client, objects)
        response = client.get(reverse(url_name, args=form.address(objects) if form.address else []))
        page_form = response.context.get("form") if response.context else None
        if not isinstance(page_form, forms.BaseForm):
            continue
        checked += 1
        for name, form_field in page_form.fields.items():
            problems += field_problems(url_name, name, form_field)
    assert problems == []
    assert checked >= 10


# What people type is kept as typed, shown escaped, and refused with a message when it cannot be stored.

PRINTABLE = st.text(alphabet=st.characters(exclude_categories=["Cc", "Cs"]), max_size=200)


def test_what_people_type_is_stored_as_typed_and_shown_escaped(alice, catalog):
    objects = objects_of(alice)
    plan, milestone = objects["plan"], objects["milestone"]

    @given(note=st.one_of(st.just('<script>alert("x")</script> & <b>bold</b>'), PRINTABLE))
    def log_anything(note):
        # A new browser each time: the rollback below takes the session's row but not its cached copy.
        client = Client()
        with transaction.atomic():
            client.force_login(alice)
            response = client.post(
                reverse("planner:log_create", args=[plan.pk]),
                {"milestone": milestone.pk, "studied_on": "2027-01-14", "minutes": 30, "note": note},
            )
            assert response.status_code == 302
            stored = plan.study_logs.latest("created_at", "pk").note
            assert stored == " ".join(note.split())
            page = client.get(reverse("planner:log_list", args=[plan.pk])).text
            assert html.escape(stored) in page
            if "<script>" in stored:
                assert "<script>alert" not in page
            transaction.set_rollback(True)

    log_anything()


@pytest.mark.parametrize(
    ("url_name", "field_name"),
    [
        ("planner:log_create", "note"),
        ("planner:practice_exam_create", "form_name"),
        ("planner:plan_edit", "title"),
    ],
)
@pytest.mark.parametrize("bad", ["a\x00b", "\x1b[31mred", "tab\x0bvertical"], ids=["NUL", "escape", "vertical tab"])
def test_control_characters_are_refused_with_a_message_on_every_database(
    alice_client, alice, catalog, url_name, field_name, bad
):
    objects = objects_of(alice)
    data = {
        "planner:log_create": {"milestone": objects["milestone"].pk, "studied_on": "2027-01-14", "minutes": 30},
        "planner:practice_exam_create": {
            "milestone": objects["milestone"].pk,
            "kind": "nbme",
            "taken_on": "2027-01-14",
            "score": 220,
        },
        "planner:plan_edit": {"start_date": "2027-01-04", "step1_choice": "plan", "step1_date": "2027-05-04"}
        | {f"hours_{day}": 6 for day in ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]}
        | {"hours_sunday": 0, "step2ck_choice": "skip", "step3_choice": "skip"},
    }[url_name]
    before = snapshot(alice)

    response = alice_client.post(reverse(url_name, args=[objects["plan"].pk]), data | {field_name: bad})

    assert response.status_code == 200
    assert response.context["form"].errors[field_name] == [
        "This text contains invisible control characters. Type it again without them."
    ]
    assert snapshot(alice) == before


@pytest.mark.parametrize(
    ("changes", "field_name"),
    [
        ({"step1_choice": "passed", "step1_date": "0001-01-01"}, "step1_date"),
        ({"step2ck_date": "9999-12-31"}, "step2ck_date"),
        ({"start_date": "0001-01-01"}, "start_date"),
    ],
    ids=["passed in year 1", "exam in 9999", "start in year 1"],
)
def test_a_plan_date_out_of_range_is_refused(alice_client, catalog, changes, field_name):
    data = {
        "title": "My plan",
        "start_date": "2027-01-04",
        "step1_choice": "plan",
        "step1_date": "2027-05-04",
        "step2ck_choice": "plan",
        "step2ck_date": "2028-01-04",
        "step3_choice": "skip",
    } | {f"hours_{day}": 6 for day in ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]}

    response = alice_client.post(reverse("planner:plan_create"), data | changes)

    assert response.status_code == 200
    assert response.context["form"].errors[field_name] == ["Enter a date between 1 Jan 1990 and 15 Jan 2037."]
    assert not Plan.objects.exists()
