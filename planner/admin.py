from django.contrib import admin
from django.db import models

from planner.models import (
    ContentArea,
    ExamResult,
    Milestone,
    Plan,
    PracticeExam,
    PracticeExamSection,
    Resource,
    ResourceSection,
    SelfAssessment,
    Source,
    Step,
    StudyLog,
    Topic,
)

# Source addresses typed without a scheme are https ones (Django 6's default, chosen now).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["key", "title", "strength", "date"]
    list_filter = ["strength"]
    search_fields = ["key", "title", "url"]
    formfield_overrides = HTTPS_URLS


class ContentAreaInline(admin.TabularInline):
    model = ContentArea
    fields = ["kind", "name", "share_min", "share_max", "source", "position"]
    extra = 0


@admin.register(Step)
class StepAdmin(admin.ModelAdmin):
    list_display = ["name", "order", "plannable", "scoring", "passing_score", "attempt_limit", "study_hours"]
    filter_horizontal = ["requires_passed"]
    inlines = [ContentAreaInline]


@admin.register(ContentArea)
class ContentAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "step", "kind", "share_min", "share_max", "source"]
    list_filter = ["step", "kind", "source__strength"]
    search_fields = ["name"]
    list_select_related = ["step", "source"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "step", "area", "discipline", "emphasis", "yield_weight", "retired_on"]
    list_filter = ["step", "discipline", "emphasis", "retired_on"]
    search_fields = ["name", "area__name"]
    list_select_related = ["step", "area"]


class ResourceSectionInline(admin.TabularInline):
    model = ResourceSection
    fields = ["position", "area", "amount", "first_unit"]
    extra = 0


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["name", "step", "kind", "unit", "total", "size_source", "retired_on"]
    list_filter = ["step", "kind"]
    list_select_related = ["step", "size_source"]
    inlines = [ResourceSectionInline]


@admin.register(SelfAssessment)
class SelfAssessmentAdmin(admin.ModelAdmin):
    list_display = ["name", "step", "provider", "blocks", "items_per_block", "reports", "retired_on"]
    list_filter = ["step", "provider", "reports"]
    list_select_related = ["step"]


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


class PracticeExamSectionInline(admin.TabularInline):
    model = PracticeExamSection
    raw_id_fields = ["area"]
    extra = 0


@admin.register(PracticeExam)
class PracticeExamAdmin(admin.ModelAdmin):
    list_display = ["taken_on", "plan", "kind", "form_name", "score", "percent_correct", "pass_probability"]
    raw_id_fields = ["plan", "milestone", "form"]
    inlines = [PracticeExamSectionInline]


@admin.register(ExamResult)
class ExamResultAdmin(admin.ModelAdmin):
    list_display = ["milestone", "attempt", "sat_on", "passed", "score"]
    raw_id_fields = ["milestone"]
