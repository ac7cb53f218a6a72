from django.urls import path

from planner.views import exports, plans, sharing, today, tracking, weakness

app_name = "planner"

urlpatterns = [
    path("", plans.landing, name="landing"),
    path("dashboard/", today.dashboard, name="dashboard"),
    path("today/", today.today, name="today"),
    path("plans/<int:pk>/calendar/", today.calendar, name="calendar"),
    path("milestones/<int:pk>/tasks/", tracking.task_done, name="task_done"),
    path("plans/", plans.plan_list, name="plan_list"),
    path("plans/new/", plans.plan_create, name="plan_create"),
    path("plans/<int:pk>/", plans.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", plans.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/delete/", plans.plan_delete, name="plan_delete"),
    path("plans/<int:pk>/logs/", tracking.log_list, name="log_list"),
    path("plans/<int:pk>/logs/new/", tracking.log_create, name="log_create"),
    path("logs/<int:pk>/delete/", tracking.log_delete, name="log_delete"),
    path("plans/<int:pk>/practice-exams/", tracking.practice_exam_list, name="practice_exam_list"),
    path("plans/<int:pk>/practice-exams/new/", tracking.practice_exam_create, name="practice_exam_create"),
    path("practice-exams/<int:pk>/delete/", tracking.practice_exam_delete, name="practice_exam_delete"),
    path("practice-exams/<int:pk>/sections/", weakness.practice_exam_sections, name="practice_exam_sections"),
    path("milestones/<int:pk>/catch-up/", plans.catch_up, name="catch_up"),
    path("milestones/<int:pk>/resources/", plans.resources, name="resources"),
    path("milestones/<int:pk>/exam-date/", plans.exam_date, name="exam_date"),
    path("plans/<int:pk>/days-off/", plans.days_off, name="days_off"),
    path("days-off/<int:pk>/delete/", plans.day_off_delete, name="day_off_delete"),
    path("milestones/<int:pk>/result/", tracking.exam_result, name="exam_result"),
    path("topics/<int:pk>/toggle/", tracking.topic_toggle, name="topic_toggle"),
    path("reviews/<int:pk>/", tracking.review_done, name="review"),
    # Secret addresses (planner/views/sharing.py): the token is the only key, so no sign-in.
    path("calendar/<str:token>.ics", sharing.calendar_feed, name="calendar_feed"),
    path("shared/<str:token>/", sharing.shared_plan, name="shared_plan"),
    path("plans/<int:pk>/calendar-feed/", sharing.feed_new, name="feed_new"),
    path("plans/<int:pk>/calendar-feed/revoke/", sharing.feed_revoke, name="feed_revoke"),
    path("plans/<int:pk>/share/", sharing.share_new, name="share_new"),
    path("plans/<int:pk>/share/revoke/", sharing.share_revoke, name="share_revoke"),
    # Everything a person owns, out and in (planner/views/exports.py); under /accounts/ where people look for it.
    path("accounts/export/", exports.export_page, name="export"),
    path("accounts/export/usmleprep-export.json", exports.export_json, name="export_json"),
    path("accounts/export/usmleprep-export.zip", exports.export_csv, name="export_csv"),
    path("accounts/import/", exports.import_data, name="import"),
]
