"""bob asks for each of alice's objects at every address that takes an object id, with every
method the address accepts: each answers 404 and nothing of alice's changes.

The matrix is checked against the URLconf, so an address added later without a row here fails.
"""

import re
from datetime import date

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from planner import plans
from planner.models import (
    Allocation,
    DayException,
    ExamResult,
    Milestone,
    Plan,
    PlanLink,
    PlanResource,
    PlanTopic,
    PracticeExam,
    PracticeExamSection,
    ReviewItem,
    StudyBlock,
    StudyLog,
    TaskProgress,
)
from tests.factories import NOW, START, make_alices_plan, make_log, make_practice_exam

# What alice wrote, which no page bob gets may show.
ALICES_WORDS = ["Alice’s private plan", "Alice’s secret note", "Alice’s form"]


def alice_objects(alice):
    plan = make_alices_plan(alice, title="Alice’s private plan", today=START)
    step1 = plan.milestones.get(step__code="step1")
    topic = step1.plan_topics.first()
    log = make_log(plan, step1, studied_on=date(2027, 1, 10), note="Alice’s secret note")
    exam = make_practice_exam(plan, step1, taken_on=date(2027, 1, 11), percent_correct=70, form_name="Alice’s form")
    day_off = DayException.objects.create(plan=plan, starts_on=date(2027, 2, 1), ends_on=date(2027, 2, 2))
    completed = plans.set_topic_done(step1.plan_topics.last(), done=True)
    # Her calendar feed and share link, which bob must neither replace nor revoke.
    PlanLink.issue(plan, PlanLink.Kind.CALENDAR)
    PlanLink.issue(plan, PlanLink.Kind.SHARE, expires_on=date(2027, 3, 1))
    return {
        "plan": plan,
        "milestone": step1,
        "topic": topic,
        "log": log,
        "exam": exam,
        "day_off": day_off,
        "review": completed.review,
    }


def task_post(objects):
    """Tick alice's first task on the plan's first day, as the Today page does."""
    allocation = Allocation.objects.filter(milestone=objects["milestone"], kind="study").order_by("position").first()
    return {
        "plan_resource": allocation.plan_resource_id,
        "area": allocation.area_id or "",
        "day": "2027-01-04",
        "done": "1",
    }


def sections_post(objects):
    """A percent correct for the first system of the exam's Step."""
    area = objects["milestone"].step.areas.filter(kind="system").order_by("position").first()
    return {f"percent_{area.pk}": "55", f"questions_{area.pk}": "20"}


def plan_post(objects):
    return {
        "title": "Taken over",
        "start_date": "2027-01-04",
        **{f"hours_{day}": 8 for day in ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]},
        "hours_sunday": 8,
        "step1_choice": "plan",
        "step1_date": "2027-06-01",
        "step2ck_choice": "skip",
        "step3_choice": "skip",
    }


# url name -> (the object whose id goes in the address, methods, POST data)
MATRIX = {
    "planner:plan_detail": ("plan", ["GET"], None),
    "planner:plan_edit": ("plan", ["GET", "POST"], plan_post),
    "planner:plan_delete": ("plan", ["GET", "POST"], lambda o: {}),
    "planner:log_list": ("plan", ["GET"], None),
    "planner:log_create": (
        "plan",
        ["GET", "POST"],
        lambda o: {"milestone": o["milestone"].pk, "studied_on": "2027-01-12", "minutes": 30},
    ),
    "planner:log_delete": ("log", ["POST"], lambda o: {}),
    "planner:practice_exam_list": ("plan", ["GET"], None),
    "planner:practice_exam_create": (
        "plan",
        ["GET", "POST"],
        lambda o: {"milestone": o["milestone"].pk, "kind": "nbme", "taken_on": "2027-01-12", "score": 220},
    ),
    "planner:practice_exam_delete": ("exam", ["POST"], lambda o: {}),
    "planner:practice_exam_sections": ("exam", ["GET", "POST"], sections_post),
    "planner:catch_up": ("milestone", ["GET", "POST"], lambda o: {}),
    "planner:exam_result": ("milestone", ["GET", "POST"], lambda o: {"sat_on": "2027-01-14", "passed": "yes"}),
    "planner:topic_toggle": ("topic", ["POST"], lambda o: {"done": "1"}),
    "planner:resources": ("milestone", ["GET", "POST"], lambda o: {}),
    "planner:exam_date": ("milestone", ["GET", "POST"], lambda o: {"target_date": "2027-06-01", "apply": "1"}),
    "planner:days_off": (
        "plan",
        ["GET", "POST"],
        lambda o: {"starts_on": "2027-03-01", "ends_on": "2027-03-05", "hours": "0", "apply": "1"},
    ),
    "planner:day_off_delete": ("day_off", ["POST"], lambda o: {}),
    "planner:calendar": ("plan", ["GET"], None),
    "planner:task_done": ("milestone", ["POST"], task_post),
    "planner:review": ("review", ["POST"], lambda o: {"rating": "good"}),
    "planner:feed_new": ("plan", ["POST"], lambda o: {}),
    "planner:feed_revoke": ("plan", ["POST"], lambda o: {}),
    "planner:share_new": ("plan", ["POST"], lambda o: {"expires_on": "2027-03-01"}),
    "planner:share_revoke": ("plan", ["POST"], lambda o: {}),
}


def routes_with_object_ids(patterns=None, namespace=""):
    """Every named URL whose route takes an id, as "namespace:name"."""
    found = set()
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # Django's admin: staff only, with its own permission checks.
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found |= routes_with_object_ids(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and "<int:" in str(entry.pattern):
            found.add(f"{namespace}{entry.name}")
    return found


# Every kind of record alice owns, with the lookup from it to her.
ALICES_RECORDS = [
    (Plan, "owner"),
    (Milestone, "plan__owner"),
    (PlanTopic, "milestone__plan__owner"),
    (StudyLog, "plan__owner"),
    (PracticeExam, "plan__owner"),
    (PracticeExamSection, "practice_exam__plan__owner"),
    (ExamResult, "milestone__plan__owner"),
    (DayException, "plan__owner"),
    (PlanResource, "milestone__plan__owner"),
    (StudyBlock, "milestone__plan__owner"),
    (Allocation, "milestone__plan__owner"),
    (TaskProgress, "plan_resource__milestone__plan__owner"),
    (ReviewItem, "plan_topic__milestone__plan__owner"),
    (PlanLink, "plan__owner"),
]


def rows_of(alice, records=ALICES_RECORDS):
    """alice's records of each kind, every field of each, in an order that compares."""
    return {
        model.__name__: sorted(map(repr, model.objects.filter(**{lookup: alice}).values())) for model, lookup in records
    }


def snapshot(alice):
    return rows_of(alice) | {"plans": Plan.objects.filter(owner=alice).count()}


def test_every_address_with_an_object_id_has_a_row_in_the_matrix():
    assert routes_with_object_ids() == set(MATRIX)


@pytest.mark.parametrize(
    ("url_name", "method"), [(name, method) for name, (_, methods, _) in MATRIX.items() for method in methods]
)
@pytest.mark.clock(NOW)
def test_bob_gets_404_and_changes_nothing(client, alice, bob, catalog, url_name, method):
    objects = alice_objects(alice)
    kind, _, post_data = MATRIX[url_name]
    url = reverse(url_name, args=[objects[kind].pk])
    before = snapshot(alice)
    client.force_login(bob)

    response = client.get(url) if method == "GET" else client.post(url, post_data(objects))

    assert response.status_code == 404
    assert not [words for words in ALICES_WORDS if words in response.text]
    assert snapshot(alice) == before


@pytest.mark.parametrize("url_name", sorted(MATRIX))
@pytest.mark.clock(NOW)
def test_alice_reaches_every_address_in_the_matrix(client, alice, catalog, url_name):
    # The 404s above mean something only if the same request works for the owner.
    client.force_login(alice)
    objects = alice_objects(alice)
    kind, methods, post_data = MATRIX[url_name]
    url = reverse(url_name, args=[objects[kind].pk])

    response = client.get(url) if "GET" in methods else client.post(url, post_data(objects))

    assert response.status_code in (200, 302)


@pytest.mark.clock(NOW)
def test_bob_cannot_tell_alices_plan_from_a_missing_one(client, alice, bob, catalog):
    plan = alice_objects(alice)["plan"]
    missing = Plan.objects.order_by("-pk").first().pk + 1
    client.force_login(bob)

    theirs = client.get(reverse("planner:plan_detail", args=[plan.pk]))
    nobodys = client.get(reverse("planner:plan_detail", args=[missing]))

    assert theirs.status_code == nobodys.status_code == 404
    assert without_csrf_token(theirs.text) == without_csrf_token(nobodys.text)


def without_csrf_token(page):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)
