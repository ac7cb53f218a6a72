from django.urls import path

from planner import views

app_name = "planner"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("plans/", views.plan_list, name="plan_list"),
]
