"""bob asks for each of alice's objects at every address that takes an object id, with every
method the address accepts: each answers 404 and nothing of alice's changes.

The matrix is checked against the URLconf, so an address added later without a row here fails.
"""

from datetime import date

import pytest
import time_machine
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import make_plan
from planner import plans
from planner.models import (
    Allocation,
    DayException,
    ExamResult,
    Milestone,
    Plan,
    PlanResource,
    PlanTopic,
    PracticeExam,
    ReviewItem,
    StudyBlock,
    StudyLog,
    TaskProgress,
)

NOW = "2027-01-15 15:00 +0000"


def alice_objects(alice):
    plan = make_plan(
        alice,
        start_date=date(2027, 1, 4),
        steps={"step1": date(2027, 5, 4), "step2ck": date(2028, 1, 4)},
        today=date(2027, 1, 4),
    )
    step1 = plan.milestones.get(step__code="step1")
    topic = step1.plan_topics.first()
    log = StudyLog.objects.create(plan=plan, milestone=step1, studied_on=date(2027, 1, 10), minutes=60)
    exam = PracticeExam.objects.create(
        plan=plan, milestone=step1, kind="nbme", taken_on=date(2027, 1, 11), percent_correct=70
    )
    day_off = DayException.objects.create(plan=plan, starts_on=date(2027, 2, 1), ends_on=date(2027, 2, 2))
    completed = plans.set_topic_done(step1.plan_topics.last(), done=True)
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
    "planner:catch_up": ("milestone", ["GET", "POST"], lambda o: {}),
    "planner:exam_result": ("milestone", ["GET", "POST"], lambda o: {"sat_on": "2027-01-14", "passed": "yes"}),
    "planner:topic_toggle": ("topic", ["POST"], lambda o: {"done": "1"}),
    "planner:resources": ("milestone", ["GET", "POST"], lambda o: {}),
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


def snapshot(alice):
    plans = Plan.objects.filter(owner=alice)
    return {
        model.__name__: sorted(map(repr, model.objects.filter(**{lookup: alice}).values()))
        for model, lookup in [
            (Plan, "owner"),
            (Milestone, "plan__owner"),
            (PlanTopic, "milestone__plan__owner"),
            (StudyLog, "plan__owner"),
            (PracticeExam, "plan__owner"),
            (ExamResult, "milestone__plan__owner"),
            (DayException, "plan__owner"),
            (PlanResource, "milestone__plan__owner"),
            (StudyBlock, "milestone__plan__owner"),
            (Allocation, "milestone__plan__owner"),
            (TaskProgress, "plan_resource__milestone__plan__owner"),
            (ReviewItem, "plan_topic__milestone__plan__owner"),
        ]
    } | {"plans": plans.count()}


def test_every_address_with_an_object_id_has_a_row_in_the_matrix():
    assert routes_with_object_ids() == set(MATRIX)


@pytest.mark.parametrize(
    ("url_name", "method"), [(name, method) for name, (_, methods, _) in MATRIX.items() for method in methods]
)
def test_bob_gets_404_and_changes_nothing(client, alice, bob, catalog, url_name, method):
    with time_machine.travel(NOW, tick=False):
        objects = alice_objects(alice)
        kind, _, post_data = MATRIX[url_name]
        url = reverse(url_name, args=[objects[kind].pk])
        before = snapshot(alice)
        client.force_login(bob)

        response = client.get(url) if method == "GET" else client.post(url, post_data(objects))

        assert response.status_code == 404
        assert snapshot(alice) == before


@pytest.mark.parametrize("url_name", sorted(MATRIX))
def test_alice_reaches_every_address_in_the_matrix(client, alice, catalog, url_name):
    # The 404s above mean something only if the same request works for the owner.
    with time_machine.travel(NOW, tick=False):
        client.force_login(alice)
        objects = alice_objects(alice)
        kind, methods, post_data = MATRIX[url_name]
        url = reverse(url_name, args=[objects[kind].pk])

        response = client.get(url) if "GET" in methods else client.post(url, post_data(objects))

        assert response.status_code in (200, 302)
