import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from planner.models import ExamResult, Plan, PracticeExam, SelfAssessment, Step, StudyLog, Topic
from tests.factories import NOW, TODAY, make_practice_exam
from tests.pages import page_text
from tests.planner.test_figures import DASHBOARD, TODAY_URL, shown

# Before the clients sign in, so their sessions are made in the plan's time.
pytestmark = pytest.mark.clock(NOW)


@pytest.fixture
def superuser_client(db):
    client = Client()
    client.force_login(User.objects.create_superuser("admin@example.com", "admin passphrase 42", name="Admin"))
    return client


def saved_as_shown(response):
    """What the admin's change form on this page posts when saved as it is, its inlines' forms included."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue  # an empty field or an unticked box posts nothing
            data[field.html_name] = "on" if value is True else value
    return data


def change(client, obj, **changes):
    """Saves obj through its admin change form with these fields changed; returns the response."""
    url = reverse(f"admin:planner_{obj._meta.model_name}_change", args=[obj.pk])
    data = saved_as_shown(client.get(url)) | changes
    return client.post(url, data)


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


# Edits in the admin show on the next page, as the app's own writes do (tests/planner/test_figures.py)


def test_a_study_log_changed_in_the_admin_shows_on_the_dashboard(alice_client, superuser_client, plan, step1):
    log = StudyLog.objects.create(plan=plan, milestone=step1, studied_on=TODAY, minutes=90)
    assert "This week: 1.5 h logged" in shown(alice_client, DASHBOARD, "habits-heading")

    assert change(superuser_client, log, minutes="120").status_code == 302

    assert "This week: 2.0 h logged" in shown(alice_client, DASHBOARD, "habits-heading")


def test_a_milestone_passed_in_the_plans_inline_shows_on_today(alice_client, superuser_client, plan, step1):
    assert shown(alice_client, TODAY_URL, "now-heading").startswith("Step 1 ")
    url = reverse("admin:planner_plan_change", args=[plan.pk])
    data = saved_as_shown(superuser_client.get(url))
    (prefix,) = [name.removesuffix("-id") for name, value in data.items() if name.endswith("-id") and value == step1.pk]
    data[f"{prefix}-status"] = "passed"

    assert superuser_client.post(url, data).status_code == 302

    step1.refresh_from_db()
    assert step1.status == "passed"
    assert shown(alice_client, TODAY_URL, "now-heading").startswith("Step 2 CK ")


def test_a_practice_exam_deleted_in_the_admin_leaves_the_dashboard(alice_client, superuser_client, plan, step2ck):
    exam = make_practice_exam(plan, step2ck, score=230)
    assert "15 Jan 2027 NBME self-assessment Form 30 230" in shown(alice_client, DASHBOARD, "readiness-heading")

    response = superuser_client.post(reverse("admin:planner_practiceexam_delete", args=[exam.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not PracticeExam.objects.exists()
    readiness = shown(alice_client, DASHBOARD, "readiness-heading")
    assert "Record at least 2 practice exams for a forecast; you have none." in readiness


def test_study_logs_deleted_with_the_admins_bulk_action_leave_the_dashboard(
    alice_client, superuser_client, plan, step1
):
    logs = [StudyLog.objects.create(plan=plan, milestone=step1, studied_on=TODAY, minutes=m) for m in (60, 30)]
    assert "This week: 1.5 h logged" in shown(alice_client, DASHBOARD, "habits-heading")

    response = superuser_client.post(
        reverse("admin:planner_studylog_changelist"),
        {"action": "delete_selected", "_selected_action": [log.pk for log in logs], "post": "yes"},
    )

    assert response.status_code == 302
    assert not StudyLog.objects.exists()
    assert "This week: 0.0 h logged" in shown(alice_client, DASHBOARD, "habits-heading")


def test_an_exam_result_deleted_in_the_admin_makes_its_plans_figures_stale(superuser_client, plan, step1):
    result = ExamResult.objects.create(milestone=step1, attempt=1, sat_on=TODAY, passed=False)
    before = Plan.objects.get(pk=plan.pk).figures_version

    response = superuser_client.post(reverse("admin:planner_examresult_delete", args=[result.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert Plan.objects.get(pk=plan.pk).figures_version > before


def test_a_step_renamed_in_the_admin_shows_on_the_dashboard_once_committed(
    alice_client, superuser_client, plan, django_capture_on_commit_callbacks
):
    assert shown(alice_client, DASHBOARD, "exams-heading").startswith("Your exams Step 1 ")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert change(superuser_client, Step.objects.get(code="step1"), name="Step One").status_code == 302
        # Nothing changes before the commit, so no page stores figures of the old catalog under the new version.
        assert "Step One" not in shown(alice_client, DASHBOARD, "exams-heading")

    assert callbacks
    assert shown(alice_client, DASHBOARD, "exams-heading").startswith("Your exams Step One ")


# How practice exams read in the admin


def test_a_practice_exam_from_the_catalog_is_named_by_its_form(superuser_client, plan, step1):
    form = SelfAssessment.objects.get(key="nbme_step1_30")
    picked = make_practice_exam(plan, step1, form=form, form_name=form.name)
    make_practice_exam(plan, step1, form_name="Form 29")

    listed = page_text(superuser_client.get(reverse("admin:planner_practiceexam_changelist")))
    changed = page_text(superuser_client.get(reverse("admin:planner_practiceexam_change", args=[picked.pk])))

    assert str(picked) == "NBME Form 30"
    assert "NBME Form 30" in listed
    assert "NBME self-assessment Form 29" in listed
    assert "NBME self-assessment NBME Form 30" not in listed + changed
    assert "Change practice exam NBME Form 30" in changed
