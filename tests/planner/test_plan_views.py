import re
from datetime import date, timedelta

import pytest
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from planner.models import ContentArea, Milestone, Plan, PlanTopic
from tests.factories import make_plan
from tests.pages import checked_value, field_error, input_value, text
from tests.planner.plan_form import NOW, STEP1_DATE, STEP2CK_DATE, STEP3_DATE, TODAY, form_data

# Nine days into the plan, a Wednesday; within the two weeks a session lasts.
LATER = "2026-12-02 12:00 +0000"
LATER_DAY = date(2026, 12, 2)
ALL_STEPS = {"step1": STEP1_DATE, "step2ck": STEP2CK_DATE, "step3": STEP3_DATE}
STRENGTH_LABELS = {"official": "official", "secondary": "secondary sources", "single": "one source only"}


pytestmark = pytest.mark.clock(NOW)


def url(name, plan):
    return reverse(f"planner:{name}", args=[plan.pk])


@pytest.fixture
def plan(alice, catalog):
    return make_plan(alice, title="Alice’s road to residency", start_date=TODAY, steps=ALL_STEPS, today=TODAY)


@pytest.fixture
def step1_plan(alice, catalog):
    return make_plan(alice, title="Step 1 sprint", start_date=TODAY, steps={"step1": STEP1_DATE}, today=TODAY)


def complete_first_topics(milestone, count):
    done = list(milestone.plan_topics.order_by("position")[:count])
    for plan_topic in done:
        plan_topic.completed_at = timezone.now() - timedelta(days=1)
        plan_topic.save()
    return done


def snapshot(plan_topics):
    return {pt.pk: (pt.starts_on, pt.due_on, pt.planned_minutes, pt.completed_at) for pt in plan_topics}


def edit_data(plan, **overrides):
    """The edit form as it comes pre-filled for a Step 1 only plan, with overrides."""
    return form_data(
        title=plan.title,
        start_date=plan.start_date.isoformat(),
        step2ck_choice="skip",
        step2ck_date="",
        step3_choice="skip",
        step3_date="",
        **overrides,
    )


def milestone_section(page, milestone):
    start = page.index(f'<section class="mt-5" aria-labelledby="milestone-{milestone.pk}">')
    return page[start : page.index("</section>", start)]


def system_groups(section, step):
    """[(heading, [topic names])] in the order the page shows them."""
    known = set(step.topics.values_list("name", flat=True))
    groups = []
    for chunk in section.split('<h3 class="h6 mt-4">')[1:]:
        heading, table = chunk.split("</h3>", 1)
        names = []
        for row in re.findall(r"<tr\b[^>]*\bdata-topic-row\b[^>]*>(.*?)</tr>", table, re.DOTALL):
            cells = [
                text(cell).removesuffix(" high yield") for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL)
            ]
            [name] = [cell for cell in cells if cell in known]
            names.append(name)
        groups.append((text(heading), names))
    return groups


def timeline_items(page):
    timeline = page[page.index('id="timeline-heading"') : page.index("</ol>")]
    return [text(item) for item in re.findall(r'<li class="list-group-item">(.*?)</li>', timeline, re.DOTALL)]


# The plan list


def test_the_plan_list_shows_alices_plans_and_not_bobs(alice_client, alice, bob, catalog):
    make_plan(alice, title="Alice’s Step 1 sprint", start_date=TODAY, steps={"step1": STEP1_DATE}, today=TODAY)
    make_plan(alice, title="Alice’s long game", start_date=TODAY, steps=ALL_STEPS, today=TODAY)
    make_plan(bob, title="Bob’s secret plan", start_date=TODAY, steps={"step1": STEP1_DATE}, today=TODAY)

    response = alice_client.get(reverse("planner:plan_list"))

    assert response.status_code == 200
    page = text(response.text)
    assert "Alice’s Step 1 sprint" in page
    assert "Alice’s long game" in page
    assert "Bob’s secret plan" not in page
    step1_topics = catalog["step1"].topics.count()
    assert f"Started 23 Nov 2026 · 0 of {step1_topics} topics done Step 1: 23 Mar 2027" in page
    assert "Step 1: 23 Mar 2027 Step 2 CK: 23 Nov 2027 Step 3: 23 May 2029" in page
    for plan in Plan.objects.filter(owner=alice):
        assert f'href="{plan.get_absolute_url()}"' in response.text


def test_the_plan_list_invites_a_first_plan(alice_client, bob, catalog):
    make_plan(bob, title="Bob’s secret plan", start_date=TODAY, steps={"step1": STEP1_DATE}, today=TODAY)

    page = text(alice_client.get(reverse("planner:plan_list")).text)

    assert "You have no plan yet." in page
    assert "Bob’s secret plan" not in page


# The plan page


def test_the_plan_page_shows_the_timeline_with_days_left(alice_client, plan):
    response = alice_client.get(url("plan_detail", plan))

    assert response.status_code == 200
    items = timeline_items(response.text)
    assert len(items) == 3
    topics = dict(plan.milestones.values_list("step__code").annotate(n=Count("plan_topics")))
    assert items[0].startswith(
        f"Step 1 — exam on 23 Mar 2027, 120 days left · 0 of {topics['step1']} topics done (0% by yield)"
    )
    assert items[1].startswith(
        f"Step 2 CK — exam on 23 Nov 2027, 365 days left · 0 of {topics['step2ck']} topics done (0% by yield)"
    )
    assert items[2].startswith(
        f"Step 3 — exam on 23 May 2029, 912 days left · 0 of {topics['step3']} topics done (0% by yield)"
    )
    page = text(response.text)
    assert (
        "USMLE Step 1 · 23 Mar 2027 The exam 1 day, about 8 hours of testing: "
        "14 blocks of up to 20 items, 30 minutes each. 280 items in all. Since 14 May 2026. official"
    ) in page
    assert "Pass/fail since 26 January 2022." in page
    assert "At most 4 attempts at a Step, and at most three in 12 months; a passed Step is not retaken." in page
    assert "Common resources First Aid for the USMLE Step 1" in page
    assert "Study from 23 Nov 2026" in page
    assert "USMLE Step 2 Clinical Knowledge (CK) · 23 Nov 2027 The exam" in page
    assert "Study from 23 Mar 2027" in page
    assert "day 1, 12 blocks of 18–20 items" in page
    assert "then 13 case simulations" in page
    assert "Study from 23 Nov 2027" in page


def test_days_left_count_from_today_in_alices_time_zone(alice_client, plan, clock):
    # 03:00 on 24 Nov in UTC is still 23 Nov in New York.
    clock.move_to("2026-11-24 03:00 +0000")

    items = timeline_items(alice_client.get(url("plan_detail", plan)).text)

    assert "exam on 23 Mar 2027, 120 days left" in items[0]


def test_the_timeline_counts_completed_topics_by_number_and_yield(alice_client, plan, clock):
    step1 = plan.milestones.get(step__code="step1")
    clock.move_to(LATER)
    done = complete_first_topics(step1, 10)

    response = alice_client.get(url("plan_detail", plan))

    weight_done = sum(pt.topic.yield_weight for pt in done)
    weight_total = sum(pt.topic.yield_weight for pt in step1.plan_topics.select_related("topic"))
    percent = round(100 * weight_done / weight_total)
    count = step1.plan_topics.count()
    assert percent > 100 * 10 / count  # the highest-yield topics come first, so they weigh more than their number
    assert timeline_items(response.text)[0].startswith(
        f"Step 1 — exam on 23 Mar 2027, 111 days left · 10 of {count} topics done ({percent}% by yield)"
    )
    every_topic = alice_client.get(url("plan_detail", plan) + "?all=1")
    assert every_topic.text.count('aria-pressed="true"') == 10


def test_the_plan_page_groups_topics_by_system_with_share_ranges(alice_client, plan):
    response = alice_client.get(url("plan_detail", plan) + "?all=1")

    for milestone in plan.milestones.select_related("step"):
        groups = system_groups(milestone_section(response.text, milestone), milestone.step)
        areas = ContentArea.objects.filter(step=milestone.step, topics__isnull=False).distinct()
        by_heading = {
            f"{a.name} {a.share_min}–{a.share_max}% of the exam {STRENGTH_LABELS[a.source.strength]}": a
            for a in areas.select_related("source")
        }
        assert len(groups) == len(by_heading) > 10
        assert {heading for heading, _ in groups} == set(by_heading)
        for heading, names in groups:
            assert sorted(names) == sorted(by_heading[heading].topics.values_list("name", flat=True)), heading
        # Systems with the largest share of the exam come first.
        shares = [by_heading[heading].share_max for heading, _ in groups]
        assert shares == sorted(shares, reverse=True)

    step1 = plan.milestones.get(step__code="step1")
    groups = dict(system_groups(milestone_section(response.text, step1), step1.step))
    assert "Heart failure" in groups["Cardiovascular System 7–11% of the exam secondary sources"]


def test_the_plan_page_marks_each_share_with_the_strength_of_its_source(alice_client, plan):
    page = alice_client.get(url("plan_detail", plan) + "?all=1").text

    step2ck = plan.milestones.get(step__code="step2ck")
    headings = dict(system_groups(milestone_section(page, step2ck), step2ck.step))
    assert "Behavioral Health 5–10% of the exam one source only" in headings
    assert "Immune System 3–5% of the exam secondary sources" in headings
    assert 'class="badge source-badge source-single text-decoration-none"' in page


def test_the_plan_page_takes_get_only(alice_client, plan):
    assert alice_client.post(url("plan_detail", plan)).status_code == 405


@pytest.mark.parametrize(
    ("steps", "queries"),
    [({"step1": STEP1_DATE}, 7), (ALL_STEPS, 7)],
    ids=["one Step", "three Steps"],
)
def test_the_plan_page_runs_the_same_queries_for_any_plan_size(
    alice_client, alice, catalog, django_assert_num_queries, steps, queries
):
    plan = make_plan(alice, start_date=TODAY, steps=steps, today=TODAY)

    with django_assert_num_queries(queries):
        response = alice_client.get(url("plan_detail", plan))
    with django_assert_num_queries(queries):
        every_topic = alice_client.get(url("plan_detail", plan) + "?all=1")

    assert response.status_code == every_topic.status_code == 200
    shown = sum(
        len(names)
        for milestone in plan.milestones.select_related("step")
        for _, names in system_groups(milestone_section(every_topic.text, milestone), milestone.step)
    )
    assert shown == PlanTopic.objects.filter(milestone__plan=plan).count() > 100


# Editing


def test_moving_step1_later_keeps_completed_topics_and_reschedules_the_rest(alice_client, step1_plan, clock):
    milestone = step1_plan.milestones.get()
    clock.move_to(LATER)
    done = complete_first_topics(milestone, 12)
    completed_before = snapshot(done)
    unfinished_before = snapshot(milestone.plan_topics.remaining())

    response = alice_client.post(url("plan_edit", step1_plan), edit_data(step1_plan, step1_date="2027-05-24"))

    assert response.status_code == 302
    assert response.url == url("plan_detail", step1_plan)
    page = alice_client.get(response.url).text
    assert "Plan saved. Unfinished topics were laid out again; completed ones stay done." in page
    milestone.refresh_from_db()
    assert milestone.target_date == date(2027, 5, 24)
    assert milestone.starts_on == TODAY
    assert milestone.scheduled_on == LATER_DAY
    assert snapshot(milestone.plan_topics.completed()) == completed_before
    unfinished = list(milestone.plan_topics.remaining())
    assert {pt.pk for pt in unfinished} == set(unfinished_before)
    assert all(LATER_DAY <= pt.starts_on <= pt.due_on < milestone.review_starts_on for pt in unfinished)
    assert max(pt.due_on for pt in unfinished) > max(due for _, due, _, _ in unfinished_before.values())
    # Laid out again from today in yield order: the first unfinished topic starts today.
    assert min(unfinished, key=lambda pt: pt.position).starts_on == LATER_DAY


def test_changing_weekly_hours_reschedules_unfinished_topics_on_the_new_days(alice_client, step1_plan, clock):
    milestone = step1_plan.milestones.get()
    saturday = 5
    assert any(pt.starts_on.weekday() == saturday for pt in milestone.plan_topics.all())
    weekdays_only = {"hours_saturday": 0, "hours_sunday": 0} | {
        f"hours_{day}": 3 for day in ["monday", "tuesday", "wednesday", "thursday", "friday"]
    }
    clock.move_to(LATER)
    completed_before = snapshot(complete_first_topics(milestone, 5))

    response = alice_client.post(url("plan_edit", step1_plan), edit_data(step1_plan, **weekdays_only))

    assert response.status_code == 302
    step1_plan.refresh_from_db()
    assert step1_plan.weekly_hours == [3, 3, 3, 3, 3, 0, 0]
    assert snapshot(milestone.plan_topics.completed()) == completed_before
    milestone.refresh_from_db()
    assert milestone.scheduled_on == LATER_DAY
    unfinished = list(milestone.plan_topics.remaining())
    assert len(unfinished) == milestone.plan_topics.count() - 5
    assert all(pt.starts_on.weekday() < saturday and pt.due_on.weekday() < saturday for pt in unfinished)
    assert all(pt.starts_on >= LATER_DAY and pt.due_on < milestone.review_starts_on for pt in unfinished)


def test_a_step_with_completed_topics_cannot_be_dropped(alice_client, alice, catalog, clock):
    plan = make_plan(alice, start_date=TODAY, steps={"step1": STEP1_DATE, "step2ck": STEP2CK_DATE}, today=TODAY)
    step1 = plan.milestones.get(step__code="step1")
    clock.move_to(LATER)
    complete_first_topics(step1, 3)

    data = edit_data(plan) | {"step1_choice": "skip", "step2ck_choice": "plan", "step2ck_date": "2027-11-23"}
    response = alice_client.post(url("plan_edit", plan), data)

    assert response.status_code == 200
    assert field_error(response, "step1_choice") == (
        "You have completed topics for Step 1; keep it in the plan so that work is not lost."
    )
    assert checked_value(response, "step1_choice") == "skip"
    assert plan.milestones.count() == 2
    assert step1.plan_topics.completed().count() == 3


def test_dropping_an_untouched_step_removes_it_and_opens_the_next_window_at_the_start(alice_client, alice, catalog):
    plan = make_plan(alice, start_date=TODAY, steps={"step1": STEP1_DATE, "step2ck": STEP2CK_DATE}, today=TODAY)

    data = edit_data(plan) | {"step1_choice": "skip", "step1_date": "", "step2ck_choice": "plan"}
    response = alice_client.post(url("plan_edit", plan), data | {"step2ck_date": "2027-11-23"})

    assert response.status_code == 302
    milestone = plan.milestones.get()
    assert milestone.step.code == "step2ck"
    assert milestone.starts_on == TODAY
    assert min(pt.starts_on for pt in milestone.plan_topics.all()) == TODAY
    assert not PlanTopic.objects.filter(milestone__plan=plan, topic__step__code="step1").exists()


def test_the_edit_form_comes_filled_in_with_the_plan(alice_client, step1_plan):
    response = alice_client.get(url("plan_edit", step1_plan))

    assert "Edit “Step 1 sprint”" in response.text
    assert input_value(response, "title") == "Step 1 sprint"
    assert input_value(response, "step1_date") == "2027-03-23"
    choices = [checked_value(response, f"{code}_choice") for code in ["step1", "step2ck", "step3"]]
    assert choices == ["plan", "skip", "skip"]


# Deleting


def test_delete_asks_first_and_deletes_nothing_on_get(alice_client, plan):
    response = alice_client.get(url("plan_delete", plan))

    assert response.status_code == 200
    assert "Delete “Alice’s road to residency”?" in response.text
    assert "It cannot be undone." in response.text
    assert '<button type="submit" class="btn btn-danger">Delete the plan</button>' in response.text
    assert Plan.objects.filter(pk=plan.pk).exists()
    assert Milestone.objects.filter(plan=plan).count() == 3


def test_delete_on_post_removes_the_plan_its_milestones_and_topics(alice_client, alice, plan, catalog):
    other = make_plan(alice, title="Keep me", start_date=TODAY, steps={"step1": STEP1_DATE}, today=TODAY)
    assert PlanTopic.objects.filter(milestone__plan=plan).exists()

    response = alice_client.post(url("plan_delete", plan), follow=True)

    assert response.redirect_chain == [(reverse("planner:plan_list"), 302)]
    assert "The plan “Alice’s road to residency” is deleted." in response.text
    assert not Plan.objects.filter(pk=plan.pk).exists()
    assert not Milestone.objects.filter(plan_id=plan.pk).exists()
    assert not PlanTopic.objects.filter(milestone__plan_id=plan.pk).exists()
    assert PlanTopic.objects.filter(milestone__plan=other).count() == catalog["step1"].topics.count()


# Sign-in


PLANNER_URLS = ["dashboard", "plan_list", "plan_create", "plan_detail", "plan_edit", "plan_delete"]


@pytest.mark.parametrize("name", PLANNER_URLS)
def test_every_planner_page_requires_sign_in(client, plan, name):
    path = url(name, plan) if name in ("plan_detail", "plan_edit", "plan_delete") else reverse(f"planner:{name}")

    response = client.get(path)

    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={path}"


def test_an_anonymous_post_neither_creates_nor_deletes(client, plan):
    client.post(reverse("planner:plan_create"), form_data())
    response = client.post(url("plan_delete", plan))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert list(Plan.objects.all()) == [plan]


@pytest.mark.clock("2028-06-01 12:00 +0000")
def test_a_plan_started_long_ago_can_still_be_renamed(alice_client, alice, catalog):
    plan = make_plan(
        alice,
        start_date=date(2026, 3, 1),
        steps={"step1": "passed", "step2ck": date(2028, 9, 1)},
        today=date(2026, 3, 1),
    )
    data = form_data(title="Renamed", start_date="2026-03-01", step1_choice="passed", step1_date="")
    data |= {"step2ck_choice": "plan", "step2ck_date": "2028-09-01", "step3_choice": "skip", "step3_date": ""}

    response = alice_client.post(url("plan_edit", plan), data)

    assert response.status_code == 302, field_error(response, "start_date")
    plan.refresh_from_db()
    assert plan.title == "Renamed"


def test_the_form_says_what_step3_needs(alice_client, catalog):
    page = text(alice_client.get(reverse("planner:plan_create")).text)

    assert (
        "Needs Step 1 and Step 2 CK passed and an MD or DO degree, and for international graduates ECFMG Certification."
    ) in page


# Rendering less: the blocks under way and next, the rest a click away


def blocks_in_view(milestone, today):
    """The names of the system blocks under way on today and next to start, as the layout stored them."""
    blocks = list(milestone.blocks.exclude(starts_on=None).select_related("area").order_by("starts_on"))
    now = [b.area.name for b in blocks if b.starts_on <= today <= b.ends_on]
    upcoming = [b.area.name for b in blocks if b.starts_on > today][:1]
    return now + upcoming


def shown_topics(page, milestone):
    return {heading: names for heading, names in system_groups(milestone_section(page, milestone), milestone.step)}


def heading_of(area):
    return f"{area.name} {area.share_min}–{area.share_max}% of the exam {STRENGTH_LABELS[area.source.strength]}"


def test_the_plan_page_lists_the_topics_of_the_blocks_under_way_and_next_and_no_others(alice_client, plan):
    page = alice_client.get(url("plan_detail", plan)).text

    step1 = plan.milestones.get(step__code="step1")
    # The first Step is in its first block today; the later Steps show the block each starts with.
    assert blocks_in_view(step1, TODAY) == ["Reproductive & Endocrine Systems", "Respiratory & Renal/Urinary Systems"]
    listed = 0
    for milestone in plan.milestones.select_related("step"):
        names = blocks_in_view(milestone, TODAY)
        assert len(names) == (2 if milestone == step1 else 1)
        areas = ContentArea.objects.filter(step=milestone.step, name__in=names).select_related("source")
        expected = {heading_of(a): sorted(a.topics.values_list("name", flat=True)) for a in areas}
        shown = shown_topics(page, milestone)
        assert {heading: sorted(topics) for heading, topics in shown.items()} == expected
        assert [heading.split(" ")[0] for heading in shown] == [name.split(" ")[0] for name in names]  # block order
        listed += sum(len(topics) for topics in shown.values())
    assert page.count("data-topic-row") == listed < PlanTopic.objects.filter(milestone__plan=plan).count() / 4
    assert "Heart failure" not in page  # Step 1's Cardiovascular block comes later
    section = text(milestone_section(page, step1))
    assert "Block under way: 23 Nov 2026 to 4 Dec 2026 · 0 of 34 topics done" in section
    assert "Next block: 5 Dec 2026 to 16 Dec 2026 · 0 of 29 topics done" in section


def test_every_other_block_and_the_whole_step_are_a_click_away(alice_client, plan, django_assert_num_queries):
    step1 = plan.milestones.get(step__code="step1")
    cardio = ContentArea.objects.get(step=step1.step, name="Cardiovascular System")
    page = alice_client.get(url("plan_detail", plan)).text
    link = f"?step={step1.pk}&amp;block={cardio.pk}#topics-{step1.pk}-{cardio.pk}"
    assert f'<a href="{link}">Cardiovascular System</a>' in page

    with django_assert_num_queries(7):
        one_more = alice_client.get(url("plan_detail", plan), {"step": step1.pk, "block": cardio.pk}).text

    shown = shown_topics(one_more, step1)
    assert sorted(shown[heading_of(cardio)]) == sorted(cardio.topics.values_list("name", flat=True))
    assert len(shown) == 3  # with the blocks under way and next
    assert f'id="topics-{step1.pk}-{cardio.pk}"' in one_more

    all_link = (
        f'<a href="?step={step1.pk}&amp;all=1#milestone-{step1.pk}">all {step1.plan_topics.count()} Step 1 topics</a>'
    )
    assert all_link in page
    whole_step = alice_client.get(url("plan_detail", plan), {"step": step1.pk, "all": "1"}).text
    assert sum(len(names) for names in shown_topics(whole_step, step1).values()) == step1.plan_topics.count()
    step2ck = plan.milestones.get(step__code="step2ck")
    assert len(shown_topics(whole_step, step2ck)) == 1  # the other Steps stay as they were


@pytest.mark.parametrize(
    "query",
    [{"step": "abc", "block": "1"}, {"step": "9" * 40, "block": "-1", "all": "yes"}, {"block": "\x00"}],
    ids=["not a number", "huge and negative", "a control character"],
)
def test_odd_parameters_show_the_usual_page(alice_client, plan, query):
    usual = alice_client.get(url("plan_detail", plan)).text

    response = alice_client.get(url("plan_detail", plan), query)

    assert response.status_code == 200
    assert response.text.count("data-topic-row") == usual.count("data-topic-row")


def test_another_plans_block_is_not_shown_here(alice_client, alice, plan, catalog):
    other = make_plan(alice, title="Another", start_date=TODAY, steps={"step1": STEP1_DATE}, today=TODAY)
    other_step1 = other.milestones.get()
    cardio = ContentArea.objects.get(step=other_step1.step, name="Cardiovascular System")

    page = alice_client.get(url("plan_detail", plan), {"step": other_step1.pk, "block": cardio.pk}).text

    assert "Heart failure" not in page


def test_a_topic_ticked_without_javascript_comes_back_to_the_same_block(alice_client, plan):
    step1 = plan.milestones.get(step__code="step1")
    cardio = ContentArea.objects.get(step=step1.step, name="Cardiovascular System")
    topic = step1.plan_topics.get(topic__name="Heart failure")
    here = f"{url('plan_detail', plan)}?step={step1.pk}&block={cardio.pk}"
    page = alice_client.get(here).text
    assert f'name="next" value="{here.replace("&", "&amp;")}"' in page

    response = alice_client.post(reverse("planner:topic_toggle", args=[topic.pk]), {"done": "1", "next": here})

    assert response.status_code == 302
    assert response.url == here
    row = re.search(
        r"<tr\b[^>]*data-topic-row[^>]*>(?:(?!</tr>).)*Heart failure.*?</tr>", alice_client.get(here).text, re.DOTALL
    )
    assert 'class="table-success"' in row.group(0)
    assert 'aria-pressed="true"' in row.group(0)


def test_after_content_review_no_block_lists_topics_but_all_are_a_click_away(alice_client, alice, step1_plan, clock):
    step1 = step1_plan.milestones.get()
    last_block = step1.blocks.exclude(starts_on=None).order_by("-ends_on").first()
    clock.move_to(f"{(last_block.ends_on + timedelta(days=1)).isoformat()} 15:00 +0000")
    alice_client.force_login(alice)

    page = alice_client.get(url("plan_detail", step1_plan)).text

    assert "data-topic-row" not in page
    assert "No system block is under way or still to come." in text(page)
    assert f'href="?step={step1.pk}&amp;all=1#milestone-{step1.pk}"' in page
