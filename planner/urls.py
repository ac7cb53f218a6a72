from django.urls import path

from planner import exports, feeds, today, views

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
    path("reviews/<int:pk>/", today.review_done, name="review"),
    # Secret addresses (planner/feeds.py): the token is the only key, so no sign-in.
    path("calendar/<str:token>.ics", feeds.calendar_feed, name="calendar_feed"),
    path("shared/<str:token>/", feeds.shared_plan, name="shared_plan"),
    path("plans/<int:pk>/calendar-feed/", feeds.feed_new, name="feed_new"),
    path("plans/<int:pk>/calendar-feed/revoke/", feeds.feed_revoke, name="feed_revoke"),
    path("plans/<int:pk>/share/", feeds.share_new, name="share_new"),
    path("plans/<int:pk>/share/revoke/", feeds.share_revoke, name="share_revoke"),
    # Everything a person owns, out and in (planner/exports.py); under /accounts/ where people look for it.
    path("accounts/export/", exports.export_page, name="export"),
    path("accounts/export/usmleprep-export.json", exports.export_json, name="export_json"),
    path("accounts/export/usmleprep-export.zip", exports.export_csv, name="export_csv"),
    path("accounts/import/", exports.import_data, name="import"),
]
