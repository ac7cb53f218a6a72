from django.contrib import admin
from django.db import models

from planner.models import ContentArea, ExamResult, Milestone, Plan, PracticeExam, Resource, Step, StudyLog, Topic

# Source addresses typed without a scheme are https ones (Django 6's default, chosen now).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


class ContentAreaInline(admin.TabularInline):
    model = ContentArea
    fields = ["kind", "name", "share_min", "share_max", "uncertain", "source", "source_date", "position"]
    extra = 0
    formfield_overrides = HTTPS_URLS


@admin.register(Step)
class StepAdmin(admin.ModelAdmin):
    list_display = ["name", "order", "plannable", "scoring", "passing_score", "attempt_limit", "study_hours"]
    filter_horizontal = ["requires_passed"]
    inlines = [ContentAreaInline]


@admin.register(ContentArea)
class ContentAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "step", "kind", "share_min", "share_max", "uncertain", "source_date"]
    list_filter = ["step", "kind", "uncertain"]
    search_fields = ["name"]
    formfield_overrides = HTTPS_URLS


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "step", "area", "emphasis", "yield_weight"]
    list_filter = ["step", "emphasis"]
    search_fields = ["name", "area__name"]
    list_select_related = ["step", "area"]


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind", "steps"]
    filter_horizontal = ["steps"]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    fields = ["step", "status", "target_date", "starts_on", "target_score"]
    extra = 0


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "start_date", "created_at"]
    search_fields = ["title", "owner__email"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner"]
    inlines = [MilestoneInline]


@admin.register(StudyLog)
class StudyLogAdmin(admin.ModelAdmin):
    list_display = ["studied_on", "plan", "minutes", "questions_attempted", "questions_correct"]
    raw_id_fields = ["plan", "milestone", "area"]


@admin.register(PracticeExam)
class PracticeExamAdmin(admin.ModelAdmin):
    list_display = ["taken_on", "plan", "kind", "form_name", "score", "percent_correct"]
    raw_id_fields = ["plan", "milestone"]


@admin.register(ExamResult)
class ExamResultAdmin(admin.ModelAdmin):
    list_display = ["milestone", "attempt", "sat_on", "passed", "score"]
    raw_id_fields = ["milestone"]
