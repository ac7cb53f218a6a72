from django.contrib import admin
from django.urls import include, path

from usmleprep.health import healthz

urlpatterns = [
    path("", include("planner.urls")),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
