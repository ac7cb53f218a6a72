"""The dashboard's readiness cards: the exam-day forecast of each Step still ahead, from its practice exams."""

import math
import re
from datetime import date, datetime, timedelta
from statistics import NormalDist
from types import SimpleNamespace

import pytest
from django.urls import reverse

from planner import readiness
from planner.models import PracticeExam, SelfAssessment
from planner.readiness import milestone_readiness
from tests.factories import NOW, TODAY, make_alices_plan, make_practice_exam
from tests.pages import tables, text
from tests.planner.test_dashboard import DASHBOARD_QUERIES

pytestmark = pytest.mark.clock(NOW)

DASHBOARD = reverse("planner:dashboard")
STEP1_EXAM = date(2027, 5, 4)
STEP2CK_EXAM = date(2027, 3, 1)


def form(key):
    return SelfAssessment.objects.get(key=key)


def readiness_card(response, step_code):
    match = re.search(
        rf'<article class="card h-100 readiness-card" data-readiness="{step_code}">(.*?)</article>',
        response.content.decode(),
        re.DOTALL,
    )
    assert match, f"no readiness card for {step_code}"
    return match.group(1)


def hidden_table(fragment):
    """(caption, rows) of the visually hidden table that carries a chart's numbers."""
    (caption,) = [caption for caption in tables(fragment) if caption.endswith("the chart’s numbers")]
    return caption, tables(fragment)[caption]


def exams_table(fragment):
    """(caption, rows) of the table that lists a card's practice exams."""
    (caption,) = [caption for caption in tables(fragment) if caption.endswith("practice exams")]
    return caption, tables(fragment)[caption]


EXAMS_HEADERS = ["Date", "Exam", "Score", "Correct", "Pass probability"]


@pytest.fixture
def plan(alice, catalog, clock):
    """Step 1 on 4 May 2027 and Step 2 CK on 1 Mar 2027, looked at on 15 Jan 2027."""
    return make_alices_plan(alice, steps={"step1": STEP1_EXAM, "step2ck": STEP2CK_EXAM})


@pytest.fixture
def step2ck_exams(plan, step2ck):
    step2ck.target_score = 270
    step2ck.save()
    taken = [("nbme_step2ck_9", date(2026, 12, 18), 226), ("nbme_step2ck_10", date(2027, 1, 1), 232)]
    taken.append(("uwsa1_step2ck", date(2027, 1, 14), 238))
    for key, day, score in taken:
        make_practice_exam(plan, step2ck, form=form(key), taken_on=day, score=score, percent_correct=None)
    return [(day, score) for _, day, score in taken]


def by_hand(taken, exam_day):
    """The published model (PMC8368818), each exam projected to exam day, weighted by a 14-day half-life."""
    days = [(exam_day - day).days for day, _ in taken]
    projections = [292 - (292 - score) * 0.987527**d for (_, score), d in zip(taken, days, strict=True)]
    weights = [0.5 ** ((d - min(days)) / 14) for d in days]
    predicted = sum(w * p for w, p in zip(weights, projections, strict=True)) / sum(weights)
    # SD of one exam 10.2, half of its variance shared by every exam; an 80% band is ±1.2816 SD.
    sd = 10.2 * math.sqrt(0.5 + 0.5 / len(taken))
    return predicted, sd


def whole(value):
    return math.floor(value + 0.5)


def test_three_step2ck_exams_give_a_predicted_score_its_band_a_verdict_and_the_chance_of_the_target(
    alice_client, step2ck_exams
):
    predicted, sd = by_hand(step2ck_exams, STEP2CK_EXAM)
    # 226, 232 and 238 taken 73, 59 and 46 days out project to 265.6, 263.4 and 261.7; weighted 262.8 ± 10.7.
    assert (whole(predicted), whole(predicted - 1.2816 * sd), whole(predicted + 1.2816 * sd)) == (263, 252, 273)
    chance = whole(100 * (1 - NormalDist(predicted, sd).cdf(270)))
    assert chance == 19

    card = text(readiness_card(alice_client.get(DASHBOARD), "step2ck"))

    assert "Step 2 CK exam on 1 Mar 2027" in card
    assert "Predicted score on exam day: 263" in card
    assert "80% band 252–273" in card
    assert "From 3 practice exams" in card
    assert "On course to pass: predicted 263 (band 252–273); passing is 218." in card
    assert "Chance of reaching your target of 270: 19%" in card
    assert "using it for Step 2 CK is our extrapolation" in card


def test_the_card_names_the_model_and_links_its_source(alice_client, step2ck_exams):
    card = readiness_card(alice_client.get(DASHBOARD), "step2ck")

    assert (
        '<a href="https://pmc.ncbi.nlm.nih.gov/articles/PMC8368818" rel="noopener noreferrer">'
        "NBME self-assessment projection (PMC8368818)</a>"
    ) in card


def test_without_a_target_score_there_is_no_chance_to_show(alice_client, step2ck, step2ck_exams):
    step2ck.target_score = None
    step2ck.save()

    card = text(readiness_card(alice_client.get(DASHBOARD), "step2ck"))

    assert "Predicted score on exam day: 263" in card
    assert "Chance of reaching" not in card
    assert "target" not in card.lower()


def test_scores_below_passing_suggest_moving_the_exam_date_with_a_link(alice_client, alice, catalog):
    plan = make_alices_plan(alice, steps={"step2ck": date(2027, 1, 29)})
    step2ck = plan.milestones.get()
    taken = [(date(2027, 1, 4), 190), (date(2027, 1, 14), 195)]
    for day, score in taken:
        make_practice_exam(plan, step2ck, form=form("uwsa1_step2ck"), taken_on=day, score=score)
    # 190 and 195 taken 25 and 15 days out project to 217.5 and 211.6; the newer counts more: 213.9.
    predicted, _ = by_hand(taken, date(2027, 1, 29))
    assert whole(predicted) == 214

    card = readiness_card(alice_client.get(DASHBOARD), "step2ck")

    assert "Below passing: predicted 214 (band " in text(card)
    assert "passing is 218; consider moving your exam date." in text(card)
    # The change-date flow (planner:exam_date) shows a preview before anything moves.
    assert f'href="{reverse("planner:exam_date", args=[step2ck.pk])}"' in card


def test_a_step1_user_records_percent_and_pass_probability_and_sees_their_trend(alice_client, plan, step1):
    record = reverse("planner:practice_exam_create", args=[plan.pk])
    for key, day, percent, probability in [
        ("nbme_step1_29", "2027-01-01", 62, 74),
        ("nbme_step1_30", "2027-01-15", 63, 76),
    ]:
        response = alice_client.post(
            record,
            {
                "milestone": step1.pk,
                "form": form(key).pk,
                "taken_on": day,
                "percent_correct": percent,
                "pass_probability": probability,
            },
        )
        assert response.status_code == 302
    assert list(PracticeExam.objects.values_list("score", flat=True)) == [None, None]

    card = text(readiness_card(alice_client.get(DASHBOARD), "step1"))

    # A line through 74% (1 Jan) and 76% (15 Jan): 1 point a week, 109 days on to 4 May: 76 + 109 / 7 = 91.6.
    # Percent correct: 62% to 63%, half a point a week: 63 + 109 / 14 = 70.8.
    assert "Probability of passing on exam day, projected: 92%" in card
    assert "latest 76%, rising 1 point a week" in card
    assert "Percent correct: latest 63%, rising 0.5 points a week, projected 71% on exam day" in card
    assert "On course to pass: projected pass probability 92% on exam day (latest 76%)." in card
    assert "Predicted score" not in card
    assert "Passing 196" not in card


def test_the_step1_chart_draws_pass_probability_from_0_to_100_with_no_passing_line(alice_client, plan, step1):
    for key, day, percent, probability in [
        ("nbme_step1_29", date(2027, 1, 1), 62, 74),
        ("nbme_step1_30", TODAY, 63, 76),
    ]:
        make_practice_exam(
            plan, step1, form=form(key), taken_on=day, percent_correct=percent, pass_probability=probability
        )

    card = readiness_card(alice_client.get(DASHBOARD), "step1")

    assert (
        '<title id="readiness-step1-title">Step 1: probability of passing, reported and projected to exam day</title>'
        in card
    )
    assert 'text-anchor="end" dominant-baseline="middle">100%</text>' in card
    assert "chart-passing" not in card
    assert hidden_table(card) == (
        "Step 1: the chart’s numbers",
        [
            ["Date", "Probability of passing", "Percent correct"],
            ["1 Jan 2027", "74%", "62%"],
            ["15 Jan 2027", "76%", "63%"],
            ["4 May 2027 (exam day, projected)", "92%", "71%"],
        ],
    )


def test_with_fewer_than_two_exams_each_card_says_what_is_needed(alice_client, plan, step1, step2ck):
    make_practice_exam(plan, step2ck, form=form("uwsa1_step2ck"), taken_on=TODAY, score=236)
    # Percent correct alone gives no three-digit score, so it does not count toward the forecast.
    make_practice_exam(plan, step2ck, form=form("free120_step2ck"), taken_on=TODAY, percent_correct=71)
    make_practice_exam(plan, step1, form=form("nbme_step1_29"), taken_on=TODAY, percent_correct=64, pass_probability=80)

    response = alice_client.get(DASHBOARD)

    step2ck_card = readiness_card(response, "step2ck")
    assert "Record at least 2 practice exams for a forecast; you have 1." in text(step2ck_card)
    assert "Predicted score" not in text(step2ck_card)
    assert "chart-band" not in step2ck_card
    record = reverse("planner:practice_exam_create", args=[plan.pk])
    assert f'href="{record}?milestone={step2ck.pk}"' in step2ck_card
    # Each result is still listed on its card, the percent correct and the probability of passing too.
    assert exams_table(step2ck_card) == (
        "Your Step 2 CK practice exams",
        [EXAMS_HEADERS, ["15 Jan 2027", "UWSA 1", "236", "–", "–"], ["15 Jan 2027", "Free 120", "–", "71%", "–"]],
    )
    step1_card = readiness_card(response, "step1")
    assert (
        "Record at least 2 practice exams that report a probability of passing (NBME’s Step 1 self-assessments do) "
        "for a trend; you have 1."
    ) in text(step1_card)
    assert "On course" not in text(step1_card)
    assert "<svg" not in step1_card
    assert exams_table(step1_card)[1] == [EXAMS_HEADERS, ["15 Jan 2027", "NBME Form 29", "–", "64%", "80%"]]


def test_a_single_score_is_drawn_against_the_passing_line_and_the_target_before_there_is_a_forecast(
    alice_client, plan, step2ck
):
    step2ck.target_score = 250
    step2ck.save()
    make_practice_exam(plan, step2ck, form=form("uwsa1_step2ck"), taken_on=TODAY, score=236)

    card = readiness_card(alice_client.get(DASHBOARD), "step2ck")

    assert '<title id="readiness-step2ck-title">Step 2 CK: practice scores</title>' in card
    assert (
        '<desc id="readiness-step2ck-desc">Step 2 CK: 1 practice score, the latest 236 on 15 Jan 2027, '
        "above the passing score of 218. Too few for a forecast to the exam on 1 Mar 2027 yet. "
        "Your target is 250.</desc>"
    ) in card
    assert "Passing 218" in card
    assert "Your target 250" in card
    assert len(re.findall(r'<circle class="chart-done-dot"', card)) == 1
    assert hidden_table(card) == (
        "Step 2 CK: the chart’s numbers",
        [["Date", "Practice score"], ["15 Jan 2027", "236"]],
    )
    # The x-axis names the month once, with its year.
    assert re.findall(r'<text class="chart-label" x="[\d.]+" y="232" text-anchor="start">(.*?)</text>', card) == [
        "January 2027",
        "February 2027",
    ]


def test_every_practice_exam_of_a_step_is_listed_on_its_card(alice_client, plan, step1, step2ck):
    recorded = alice_client.post(
        reverse("planner:practice_exam_create", args=[plan.pk]),
        {
            "milestone": step2ck.pk,
            "kind": "nbme",
            "form_name": "Form 30",
            "taken_on": "2027-01-14",
            "score": "230",
            "percent_correct": "68",
        },
    )
    assert recorded.status_code == 302
    # Step 1 is pass/fail: its forecast leaves out a three-digit score and a percent correct alone, the list does not.
    make_practice_exam(plan, step1, form=form("uwsa1_step1"), taken_on=date(2027, 1, 10), score=210)
    make_practice_exam(plan, step1, kind="free120", form_name="", taken_on=TODAY, percent_correct=70)

    response = alice_client.get(DASHBOARD)

    assert exams_table(readiness_card(response, "step2ck")) == (
        "Your Step 2 CK practice exams",
        [EXAMS_HEADERS, ["14 Jan 2027", "NBME self-assessment Form 30", "230", "68%", "–"]],
    )
    assert exams_table(readiness_card(response, "step1")) == (
        "Your Step 1 practice exams",
        [EXAMS_HEADERS, ["10 Jan 2027", "UWSA 1", "210", "–", "–"], ["15 Jan 2027", "Free 120", "–", "70%", "–"]],
    )
    assert "<svg" not in readiness_card(response, "step1")  # no reported probability of passing to draw


def test_the_practice_exams_of_a_passed_step_are_pointed_to(alice_client, alice, catalog):
    plan = make_alices_plan(alice, steps={"step1": "passed", "step2ck": STEP2CK_EXAM})
    make_practice_exam(plan, plan.milestones.get(step__code="step1"), score=210)
    all_passed = make_alices_plan(alice, title="All passed", steps={"step1": "passed", "step2ck": "passed"})
    for milestone in all_passed.milestones.all():
        make_practice_exam(all_passed, milestone, score=210)

    def pointer(plan, steps):
        url = reverse("planner:practice_exam_list", args=[plan.pk])
        return f'Your practice exams for {steps} are on the <a href="{url}">Practice exams</a> page.'

    assert pointer(plan, "Step 1") in alice_client.get(DASHBOARD, {"plan": plan.pk}).content.decode()
    content = alice_client.get(DASHBOARD, {"plan": all_passed.pk}).content.decode()
    assert 'data-readiness="' not in content
    assert pointer(all_passed, "Step 1 and Step 2 CK") in content


def test_without_any_practice_exam_the_cards_say_so(alice_client, plan):
    response = alice_client.get(DASHBOARD)

    assert "Record at least 2 practice exams for a forecast; you have none." in text(
        readiness_card(response, "step2ck")
    )
    assert "for a trend; you have none." in text(readiness_card(response, "step1"))


def test_a_passed_step_has_no_readiness_card(alice_client, alice, catalog):
    make_alices_plan(alice, steps={"step1": "passed", "step2ck": STEP2CK_EXAM})

    content = alice_client.get(DASHBOARD).content.decode()

    assert 'data-readiness="step2ck"' in content
    assert 'data-readiness="step1"' not in content


def test_the_forecast_chart_has_a_title_a_description_and_a_table_of_its_numbers(alice_client, step2ck_exams):
    card = readiness_card(alice_client.get(DASHBOARD), "step2ck")

    assert (
        '<svg viewBox="0 0 600 240" role="img" aria-labelledby="readiness-step2ck-title readiness-step2ck-desc"'
    ) in card
    assert '<title id="readiness-step2ck-title">Step 2 CK: practice scores and the forecast to exam day</title>' in card
    assert (
        '<desc id="readiness-step2ck-desc">Step 2 CK: 3 practice scores, the latest 238 on 14 Jan 2027. '
        "Forecast for the exam on 1 Mar 2027: 263, 80% band 252–273. Passing is 218. Your target is 270.</desc>"
    ) in card
    assert "Passing 218" in card
    assert "Your target 270" in card
    assert len(re.findall(r'<circle class="chart-done-dot"', card)) == 3
    caption, rows = hidden_table(card)
    assert caption == "Step 2 CK: the chart’s numbers"
    assert rows[0] == ["Date", "Practice score", "Forecast for that day (80% band)"]
    # Each practice score on its day, the band weekly from the first exam, and the exam-day forecast last.
    assert ["18 Dec 2026", "226", "226 (213–239)"] in rows
    assert ["14 Jan 2027", "238", "–"] in rows
    assert rows[-1] == ["1 Mar 2027", "–", "263 (252–273)"]
    days = [datetime.strptime(row[0], "%d %b %Y").date() for row in rows[1:]]
    weekly = {date(2026, 12, 18) + timedelta(days=7 * n) for n in range(11)}
    assert days == sorted(weekly | {date(2027, 1, 1), date(2027, 1, 14), STEP2CK_EXAM})


# The number of queries must not grow with the practice exams.


def exams(plan, milestones, count):
    forms = {m.pk: list(SelfAssessment.objects.filter(step=m.step_id)) for m in milestones}
    PracticeExam.objects.bulk_create(
        PracticeExam(
            plan=plan,
            milestone=milestone,
            form=forms[milestone.pk][n % len(forms[milestone.pk])] if n % 5 else None,
            kind="nbme",
            taken_on=TODAY - timedelta(days=3 * n),
            score=200 + n,
            percent_correct=60 + n % 30,
            pass_probability=70 + n % 25,
        )
        for n in range(count)
        for milestone in [milestones[n % len(milestones)]]
    )


def test_the_dashboard_runs_the_same_queries_with_1_and_with_30_practice_exams(
    alice_client, alice, catalog, django_assert_num_queries
):
    one = make_alices_plan(alice, title="One exam", steps={"step1": STEP1_EXAM, "step2ck": STEP2CK_EXAM})
    thirty = make_alices_plan(alice, title="Thirty exams", steps={"step1": STEP1_EXAM, "step2ck": STEP2CK_EXAM})
    exams(one, list(one.milestones.select_related("step")), 1)
    exams(thirty, list(thirty.milestones.select_related("step")), 30)

    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = alice_client.get(DASHBOARD, {"plan": one.pk})
    assert "Record at least 2 practice exams" in text(readiness_card(response, "step1"))
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = alice_client.get(DASHBOARD, {"plan": thirty.pk})
    assert "Predicted score on exam day:" in text(readiness_card(response, "step2ck"))
    assert "Probability of passing on exam day, projected:" in text(readiness_card(response, "step1"))


# The plain function behind the cards, and the weekly summary: readiness.milestone_readiness.


def milestone_of(scoring, passing_score=None, target_score=None, exam_day=STEP2CK_EXAM):
    step = SimpleNamespace(scoring=scoring, passing_score=passing_score)
    return SimpleNamespace(step=step, target_date=exam_day, target_score=target_score)


def row(day, score=None, percent=None, probability=None, reports=None):
    """A PracticeExam as the dashboard loads it: its form joined, or none for an exam not in the catalog."""
    return SimpleNamespace(
        taken_on=day,
        score=score,
        percent_correct=percent,
        pass_probability=probability,
        form_id=1 if reports else None,
        form=SimpleNamespace(reports=reports) if reports else None,
    )


def test_an_exam_not_in_the_catalog_reports_what_was_recorded():
    found = milestone_readiness(
        milestone_of("three_digit", 218), [row(date(2027, 1, 1), score=230), row(TODAY, score=236)]
    )

    assert found.scored
    assert found.outlook.exams_used == 2
    assert [r.reports for r in found.results] == ["three_digit", "three_digit"]
    assert readiness.result_of(row(TODAY, percent=70, probability=80)).reports == "percent_and_pass_probability"
    assert readiness.result_of(row(TODAY, percent=70)).reports == "percent_correct"
    # The catalog's word wins: a percent from a three-digit form is not a pass-probability report.
    assert readiness.result_of(row(TODAY, percent=70, reports="three_digit")).reports == "three_digit"


def test_one_reported_pass_probability_is_not_yet_a_trend():
    step1 = milestone_of("pass_fail", exam_day=STEP1_EXAM)

    one = milestone_readiness(step1, [row(TODAY, percent=66, probability=80, reports="percent_and_pass_probability")])
    two = milestone_readiness(
        step1,
        [
            row(date(2027, 1, 1), percent=62, probability=74, reports="percent_and_pass_probability"),
            row(TODAY, percent=63, probability=76, reports="percent_and_pass_probability"),
        ],
    )

    assert not one.has_forecast
    assert one.verdict.kind == "not_enough_data"
    assert two.has_forecast
    assert (two.projected_probability, two.projected_percent) == (92, 71)
    assert two.verdict.chance_of_target is None


def test_there_is_nothing_to_forecast_without_a_way_to_score_or_an_exam_date():
    assert milestone_readiness(milestone_of("none"), []) is None
    assert milestone_readiness(milestone_of("three_digit", passing_score=None), []) is None
    assert milestone_readiness(milestone_of("three_digit", 218, exam_day=None), []) is None
