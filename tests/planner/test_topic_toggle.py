import re
from datetime import timedelta

import pytest
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from planner.models import PlanTopic, Topic
from tests.factories import NOW, TODAY
from tests.pages import page_text

pytestmark = pytest.mark.clock(NOW)


@pytest.fixture
def first_topic(step1):
    return step1.plan_topics.select_related("topic").get(position=0)


@pytest.fixture
def total(step1):
    """Step 1's topic count, whatever the catalog holds."""
    return step1.plan_topics.count()


def toggle_url(plan_topic):
    return reverse("planner:topic_toggle", args=[plan_topic.pk])


def completed_at(plan_topic):
    return PlanTopic.objects.get(pk=plan_topic.pk).completed_at


def step1_weight_percent(*plan_topics):
    total = Topic.objects.filter(step__code="step1").aggregate(total=Sum("yield_weight"))["total"]
    return round(100 * sum(pt.topic.yield_weight for pt in plan_topics) / total)


def test_ticking_a_topic_marks_it_done_and_goes_back_to_the_page_it_came_from(alice_client, first_topic):
    response = alice_client.post(toggle_url(first_topic), {"done": "1", "next": "/dashboard/?plan=1"})

    assert response.status_code == 302
    assert response.url == "/dashboard/?plan=1"
    assert completed_at(first_topic) == timezone.now()


def test_without_next_it_goes_back_to_the_plan_page(alice_client, plan, first_topic, total):
    response = alice_client.post(toggle_url(first_topic), {"done": "1"}, follow=True)

    assert response.redirect_chain == [(plan.get_absolute_url(), 302)]
    assert f"1 of {total} topics done" in page_text(response)
    assert completed_at(first_topic) is not None


def test_it_does_not_follow_next_to_another_site(alice_client, plan, first_topic):
    response = alice_client.post(toggle_url(first_topic), {"done": "1", "next": "https://evil.example.com/"})

    assert response.status_code == 302
    assert response.url == plan.get_absolute_url()
    assert completed_at(first_topic) is not None


def test_it_does_not_follow_a_scheme_relative_next(alice_client, plan, first_topic):
    response = alice_client.post(toggle_url(first_topic), {"done": "1", "next": "//evil.example.com/"})

    assert response.url == plan.get_absolute_url()


@pytest.mark.parametrize(
    "next_value",
    ["abc", "-5", "2027-01-01", "it's", 'say "hi"', "dashboard", "planner:dashboard", "javascript:alert(1)", " /x"],
)
def test_a_next_that_is_not_a_local_path_goes_back_to_the_plan_page(alice_client, plan, first_topic, next_value):
    response = alice_client.post(toggle_url(first_topic), {"done": "1", "next": next_value})

    assert response.status_code == 302
    assert response.url == plan.get_absolute_url()
    assert completed_at(first_topic) is not None


def test_a_next_path_with_odd_characters_is_followed_quoted(alice_client, first_topic):
    response = alice_client.post(toggle_url(first_topic), {"done": "1", "next": '/dashboard/?plan=1&x="é\x00'})

    assert response.status_code == 302
    assert response.url == "/dashboard/?plan=1&x=%22%C3%A9%00"


def test_ticking_twice_keeps_the_first_completion_time(alice_client, clock, step1, first_topic, total):
    alice_client.post(toggle_url(first_topic), {"done": "1"})
    first_time = completed_at(first_topic)
    clock.shift(timedelta(hours=2))

    response = alice_client.post(toggle_url(first_topic), {"done": "1"}, HTTP_ACCEPT="application/json")

    assert completed_at(first_topic) == first_time
    assert step1.plan_topics.completed().count() == 1
    assert response.json()["summary"].startswith(f"1 of {total} topics done")


def test_unticking_clears_the_completion(alice_client, step1, first_topic):
    alice_client.post(toggle_url(first_topic), {"done": "1"})

    response = alice_client.post(toggle_url(first_topic), {"done": "0"})

    assert response.status_code == 302
    assert completed_at(first_topic) is None
    assert step1.plan_topics.completed().count() == 0


def test_with_javascript_it_answers_with_the_new_progress_as_json(alice_client, step1, first_topic, total):
    response = alice_client.post(toggle_url(first_topic), {"done": "1"}, HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    percent = step1_weight_percent(first_topic)
    # A brand-new plan expects nothing yet; the first topic done is ahead until the day after it is due.
    ahead = (first_topic.due_on + timedelta(days=1) - TODAY).days
    assert response.json() == {
        "done": True,
        "milestone": step1.pk,
        "summary": f"1 of {total} topics done ({percent}% by yield)",
        "percent": percent,
        "standing": f"Ahead by {ahead} day{'s' if ahead != 1 else ''}",
    }


def test_the_json_answer_matches_what_the_plan_page_then_shows(alice_client, plan, step1, total):
    topics = list(step1.plan_topics.select_related("topic").order_by("position")[:3])
    for plan_topic in topics:
        data = alice_client.post(toggle_url(plan_topic), {"done": "1"}, HTTP_ACCEPT="application/json").json()

    page = alice_client.get(plan.get_absolute_url()).content.decode()
    shown = re.search(rf'<span data-progress="{step1.pk}">(.*?)</span>', page).group(1)
    standing = re.search(rf'<span data-standing="{step1.pk}">(.*?)</span>', page).group(1)
    assert data["summary"] == shown == f"3 of {total} topics done ({step1_weight_percent(*topics)}% by yield)"
    assert data["standing"] == standing


def test_unticking_with_javascript_reports_the_topic_not_done(alice_client, step1, first_topic, total):
    alice_client.post(toggle_url(first_topic), {"done": "1"})

    response = alice_client.post(toggle_url(first_topic), {"done": "0"}, HTTP_ACCEPT="application/json")

    assert response.json() == {
        "done": False,
        "milestone": step1.pk,
        "summary": f"0 of {total} topics done (0% by yield)",
        "percent": 0,
        "standing": "On track",
    }


def test_get_is_not_allowed(alice_client, first_topic):
    response = alice_client.get(toggle_url(first_topic), {"done": "1"})

    assert response.status_code == 405
    assert completed_at(first_topic) is None


def test_it_requires_sign_in(client, first_topic):
    response = client.post(toggle_url(first_topic), {"done": "1"})

    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={toggle_url(first_topic)}"
    assert completed_at(first_topic) is None
