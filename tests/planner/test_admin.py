from django.urls import reverse

from accounts.models import User
from planner.models import Step, Topic


def test_the_catalog_is_editable_in_the_admin(client, catalog):
    admin = User.objects.create_superuser("admin@example.com", "admin passphrase 42", name="Admin")
    client.force_login(admin)
    step1 = catalog["step1"]
    topic = Topic.objects.filter(step=step1).first()

    for url in [
        reverse("admin:planner_step_changelist"),
        reverse("admin:planner_step_change", args=[step1.pk]),
        reverse("admin:planner_contentarea_changelist"),
        reverse("admin:planner_topic_changelist"),
        reverse("admin:planner_topic_change", args=[topic.pk]),
        reverse("admin:planner_resource_changelist"),
        reverse("admin:planner_plan_changelist"),
    ]:
        assert client.get(url).status_code == 200, url

    response = client.post(
        reverse("admin:planner_topic_change", args=[topic.pk]),
        {
            "step": step1.pk,
            "area": topic.area_id,
            "name": "Renamed topic",
            "emphasis": 2,
            "yield_weight": topic.yield_weight,
            "position": topic.position,
        },
    )

    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.name == "Renamed topic"
    assert Step.objects.filter(code="step2cs", plannable=False).exists()


def test_people_who_are_not_staff_cannot_reach_the_admin(alice_client):
    response = alice_client.get(reverse("admin:planner_step_changelist"))

    assert response.status_code == 302
    assert "/admin/login/" in response.url


def test_a_practice_exams_results_by_system_show_in_the_admin(client, alice):
    from planner.models import ContentArea, PracticeExamSection
    from tests.factories import make_practice_exam, make_step1_plan

    admin = User.objects.create_superuser("admin@example.com", "admin passphrase 42", name="Admin")
    client.force_login(admin)
    plan, milestone = make_step1_plan(alice)
    exam = make_practice_exam(plan, milestone)
    area = ContentArea.objects.filter(step=exam.milestone.step).order_by("pk").first()
    PracticeExamSection.objects.create(practice_exam=exam, area=area, percent_correct=58)

    response = client.get(reverse("admin:planner_practiceexam_change", args=[exam.pk]))

    assert response.status_code == 200
    assert 'value="58"' in response.text
