"""Two people's worth of requests at once, on the real database: nothing lost, nothing doubled."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from planner.models import PlanTopic, StudyLog
from tests.factories import make_plan
from tests.threads import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.mark.clock("2027-01-15 15:00 +0000", tick=True)
def test_two_tabs_toggling_and_logging_at_once_lose_and_double_nothing(alice, catalog):
    plan = make_plan(alice, start_date=date(2027, 1, 4), steps={"step1": date(2027, 5, 4)}, today=date(2027, 1, 4))
    milestone = plan.milestones.get()
    topics = list(milestone.plan_topics.order_by("position")[:20])

    def tab(first_log_day):
        client = Client()
        client.force_login(alice)
        for plan_topic in topics:
            response = client.post(reverse("planner:topic_toggle", args=[plan_topic.pk]), {"done": "1"})
            assert response.status_code == 302
        for day in range(first_log_day, first_log_day + 5):
            response = client.post(
                reverse("planner:log_create", args=[plan.pk]),
                {"milestone": milestone.pk, "studied_on": f"2027-01-{day:02d}", "minutes": 45},
            )
            assert response.status_code == 302

    run_together(lambda: tab(1), lambda: tab(6))

    done = PlanTopic.objects.filter(pk__in=[t.pk for t in topics], completed_at__isnull=False)
    assert done.count() == 20
    assert milestone.plan_topics.completed().count() == 20
    assert sorted(StudyLog.objects.filter(plan=plan).values_list("studied_on__day", flat=True)) == list(range(1, 11))
