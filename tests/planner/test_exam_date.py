"""Changing one Step's exam date: the same rules as the plan form, a preview first, and only unfinished work moves."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse

from planner import layout, plans
from planner.models import Allocation, Milestone, PlanTopic, TaskProgress
from tests.factories import NOW, START, STEP1_DATE, STEP2CK_DATE, STEP3_DATE, TODAY, make_alices_plan
from tests.pages import elements, field_error, messages_of, page_text, section, text

pytestmark = pytest.mark.clock(NOW)


def url(milestone):
    return reverse("planner:exam_date", args=[milestone.pk])


def stored(plan):
    """Everything a change of date may touch, to compare before and after."""
    return {
        "milestones": sorted(plan.milestones.values_list("step__code", "target_date", "starts_on", "laid_out_at")),
        "topics": sorted(
            PlanTopic.objects.filter(milestone__plan=plan).values_list("pk", "starts_on", "due_on", "completed_at")
        ),
        "allocations": sorted(
            Allocation.objects.filter(milestone__plan=plan).values_list("pk", "starts_on", "ends_on", "amount")
        ),
        "progress": sorted(
            TaskProgress.objects.filter(plan_resource__milestone__plan=plan).values_list("pk", "amount")
        ),
    }


def test_it_shows_the_steps_date_and_asks_for_the_new_one(alice_client, step1):
    response = alice_client.get(url(step1))

    assert response.status_code == 200
    assert "Step 1 is on Tue 4 May 2027" in page_text(response)
    assert elements(response, "label", for_="id_target_date")
    assert elements(response, "input", name="target_date", type="date")
    assert "Preview: nothing has changed yet" not in page_text(response)


def test_the_plan_page_links_to_it_next_to_each_step(alice_client, plan, step1, step2ck):
    page = alice_client.get(plan.get_absolute_url())

    for milestone in (step1, step2ck):
        assert elements(page, "a", href=url(milestone))


def test_a_preview_shows_what_moves_and_changes_nothing(alice_client, plan, step1):
    before = stored(plan)

    response = alice_client.post(url(step1), {"target_date": "2027-03-01"})

    assert response.status_code == 200
    preview = page_text(response).split("Preview: nothing has changed yet")[1]
    assert "What changes from Fri 15 Jan 2027 to Thu 28 Jan 2027" in preview
    assert "Apply these changes" in preview
    assert stored(plan) == before


def test_applying_moves_the_unfinished_work_and_topics_and_keeps_what_was_done(alice_client, plan, step1, step2ck):
    done_topic = plans.set_topic_done(step1.plan_topics.order_by("position").first(), done=True)
    task = Allocation.objects.filter(milestone=step1, kind="study").order_by("position").first()
    layout.record_progress(task.plan_resource_id, task.area_id, START, 5)
    kept_topic = PlanTopic.objects.filter(pk=done_topic.pk).values("starts_on", "due_on", "completed_at").get()
    kept_progress = list(TaskProgress.objects.values_list("plan_resource", "area", "day", "amount"))
    later = date(2027, 6, 1)

    response = alice_client.post(url(step1), {"target_date": later.isoformat(), "apply": "1"}, follow=True)

    assert response.redirect_chain[-1][0] == plan.get_absolute_url()
    assert messages_of(response) == ["Step 1 is now on 1 Jun 2027; the work left moved to fit. Completed work stays."]
    step1.refresh_from_db()
    step2ck.refresh_from_db()
    assert (step1.target_date, step2ck.starts_on) == (later, later)
    assert PlanTopic.objects.filter(pk=done_topic.pk).values("starts_on", "due_on", "completed_at").get() == kept_topic
    assert list(TaskProgress.objects.values_list("plan_resource", "area", "day", "amount")) == kept_progress
    left = step1.plan_topics.filter(completed_at__isnull=True)
    assert max(left.values_list("due_on", flat=True)) > STEP1_DATE
    assert all(topic.starts_on >= TODAY and topic.due_on < later for topic in left)
    allocations = Allocation.objects.filter(milestone=step1)
    assert max(allocations.values_list("ends_on", flat=True)) == later - timedelta(days=1)
    assert not allocations.filter(starts_on__lt=TODAY).exists()


def test_step1_may_move_after_step2ck_and_the_windows_follow_the_dates(alice_client, plan, step1, step2ck):
    response = alice_client.post(url(step1), {"target_date": "2028-03-01", "apply": "1"})

    assert response.status_code == 302
    windows = {m.step.code: (m.starts_on, m.target_date) for m in plan.milestones.select_related("step")}
    assert windows == {"step2ck": (START, STEP2CK_DATE), "step1": (STEP2CK_DATE, date(2028, 3, 1))}


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("2027-01-10", "Choose a date after today for Step 1, or mark it as passed."),
        ("2027-01-15", "Choose a date after today for Step 1, or mark it as passed."),
        ("2027-05-04", "Step 1 is on 4 May 2027 already. Choose another day."),
        ("2026-12-31", "Step 1 must come after the start date (4 Jan 2027)."),
        ("9999-12-31", "Enter a date between 1 Jan 1990 and 15 Jan 2037."),
        ("4 May", "Enter a valid date."),
        ("", "This field is required."),
        (
            "2028-01-04",
            "Then Step 2 CK on 4 Jan 2028 no longer fits: Step 2 CK must come after Step 1’s date (4 Jan 2028).",
        ),
    ],
)
def test_it_refuses_a_date_the_plan_cannot_take_next_to_the_field(alice_client, plan, step1, typed, error):
    before = stored(plan)

    for data in ({"target_date": typed}, {"target_date": typed, "apply": "1"}):
        response = alice_client.post(url(step1), data)

        assert response.status_code == 200
        assert field_error(response, "target_date") == error
        assert "Preview: nothing has changed yet" not in page_text(response)
    assert stored(plan) == before


def test_step3_stays_after_step1_and_step2ck(alice_client, alice, catalog):
    plan = make_alices_plan(alice, steps={"step1": STEP1_DATE, "step2ck": STEP2CK_DATE, "step3": STEP3_DATE})
    step1 = plan.milestones.get(step__code="step1")
    step3 = plan.milestones.get(step__code="step3")

    after_step3 = alice_client.post(url(step1), {"target_date": "2029-02-01", "apply": "1"})
    step3_first = alice_client.post(url(step3), {"target_date": "2027-12-01", "apply": "1"})

    assert field_error(after_step3, "target_date") == (
        "Then Step 3 on 4 Jan 2029 no longer fits: Step 3 comes after Step 1: choose a later date for it."
    )
    assert field_error(step3_first, "target_date") == "Step 3 comes after Step 2 CK: choose a later date for it."
    assert list(plan.milestones.order_by("step__order").values_list("target_date", flat=True)) == [
        STEP1_DATE,
        STEP2CK_DATE,
        STEP3_DATE,
    ]


def test_another_steps_date_gone_by_is_sent_to_the_edit_page(client, alice, plan, step2ck, clock):
    clock.move_to("2027-05-10 15:00 +0000")  # Step 1 was on 4 May; no result recorded
    client.force_login(alice)

    response = client.post(url(step2ck), {"target_date": "2028-02-01"})

    assert field_error(response, "target_date") == (
        "First change this on the plan’s Edit page: Choose a date after today for Step 1, or mark it as passed."
    )
    assert plan.milestones.get(pk=step2ck.pk).target_date == STEP2CK_DATE


def test_a_passed_step_has_no_date_to_move(alice_client, alice, catalog):
    plan = make_alices_plan(alice, steps={"step1": "passed", "step2ck": STEP2CK_DATE})
    step1 = plan.milestones.get(step__code="step1")

    response = alice_client.get(url(step1), follow=True)

    assert response.redirect_chain[-1][0] == plan.get_absolute_url()
    assert messages_of(response) == ["Step 1 has no exam date to move: record a result or edit the plan."]


def test_it_needs_sign_in_and_hides_other_peoples_steps(client, bob_client, step1):
    before = Milestone.objects.get(pk=step1.pk).target_date

    assert bob_client.get(url(step1)).status_code == 404
    assert bob_client.post(url(step1), {"target_date": "2027-06-01", "apply": "1"}).status_code == 404
    bob_client.logout()
    assert bob_client.get(url(step1)).url.startswith(reverse("accounts:login"))
    assert Milestone.objects.get(pk=step1.pk).target_date == before


def test_an_earlier_date_previews_a_heavier_load_from_today(alice_client, step1):
    response = alice_client.post(url(step1), {"target_date": "2027-03-01"})

    changes = text(section(response, "preview-heading"))
    first_day = re.search(r"Fri 15 Jan 2027 (\d+) (\d+) First Aid", changes)
    assert first_day, changes
    assert int(first_day[2]) > int(first_day[1])  # hours after, hours before


def test_a_date_too_near_says_in_the_preview_what_no_longer_fits(alice_client, plan, step1):
    before = stored(plan)

    response = alice_client.post(url(step1), {"target_date": "2027-02-01"})

    warnings = text(section(response, "preview-heading"))
    assert re.search(
        r"First Aid for the USMLE Step 1: [\d,]+ pages \([\d.]+ h\) do not fit before the final review", warnings
    )
    assert stored(plan) == before
