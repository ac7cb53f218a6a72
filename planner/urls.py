from django.urls import path

from planner import today, views

app_name = "planner"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("today/", today.today, name="today"),
    path("plans/<int:pk>/calendar/", today.calendar, name="calendar"),
    path("milestones/<int:pk>/tasks/", today.task_done, name="task_done"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/delete/", views.plan_delete, name="plan_delete"),
    path("plans/<int:pk>/logs/", views.log_list, name="log_list"),
    path("plans/<int:pk>/logs/new/", views.log_create, name="log_create"),
    path("logs/<int:pk>/delete/", views.log_delete, name="log_delete"),
    path("plans/<int:pk>/practice-exams/", views.practice_exam_list, name="practice_exam_list"),
    path("plans/<int:pk>/practice-exams/new/", views.practice_exam_create, name="practice_exam_create"),
    path("practice-exams/<int:pk>/delete/", views.practice_exam_delete, name="practice_exam_delete"),
    path("milestones/<int:pk>/catch-up/", views.catch_up, name="catch_up"),
    path("milestones/<int:pk>/resources/", views.resources, name="resources"),
    path("plans/<int:pk>/days-off/", views.days_off, name="days_off"),
    path("days-off/<int:pk>/delete/", views.day_off_delete, name="day_off_delete"),
    path("milestones/<int:pk>/result/", views.exam_result, name="exam_result"),
    path("topics/<int:pk>/toggle/", views.topic_toggle, name="topic_toggle"),
]
