from django.contrib import admin
from django.db import models, transaction

from planner import figures
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


def catalog_changed_on_commit():
    # After the commit, as load_catalog does, so no page computed from the old catalog is stored under
    # the new version.
    transaction.on_commit(figures.catalog_changed)


class CatalogAdmin(admin.ModelAdmin):
    """Every plan's cached figures are computed from the catalog (planner/figures.py): a change here makes
    them all stale. Inlines are saved with their parent, so its save covers them."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        catalog_changed_on_commit()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        catalog_changed_on_commit()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        catalog_changed_on_commit()


class PlanContentAdmin(admin.ModelAdmin):
    """A plan or a row inside one: every save and delete bumps the plan's figures_version in the admin's
    transaction, as the app's own writes do, so its pages stop showing cached figures. Inlines are saved
    with their parent, in the same transaction and the same plan, so the parent's bump covers them."""

    # The lookup from the model to the id of the plan that owns it.
    plan_lookup = "plan"

    def save_model(self, request, obj, form, change):
        if change:
            # First, as every write does (bump locks the plan's row); also the plan the row may be moved from.
            self.bump_plans_of(self.model._default_manager.filter(pk=obj.pk))
        super().save_model(request, obj, form, change)
        # Again once saved: the plan a new or moved row is in, and a Plan, which its save writes back
        # with the figures_version it was loaded with.
        self.bump_plans_of(self.model._default_manager.filter(pk=obj.pk))

    def delete_model(self, request, obj):
        self.bump_plans_of(self.model._default_manager.filter(pk=obj.pk))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        # The "delete selected" action runs outside the admin's transactions.
        with transaction.atomic(using=queryset.db):
            self.bump_plans_of(queryset)
            super().delete_queryset(request, queryset)

    def bump_plans_of(self, queryset):
        # In id order, so two writes to the same plans take their locks in the same order.
        for plan_id in sorted(set(queryset.values_list(self.plan_lookup, flat=True))):
            figures.bump(plan_id)


@admin.register(Source)
class SourceAdmin(CatalogAdmin):
    list_display = ["key", "title", "strength", "date"]
    list_filter = ["strength"]
    search_fields = ["key", "title", "url"]
    formfield_overrides = HTTPS_URLS


class ContentAreaInline(admin.TabularInline):
    model = ContentArea
    fields = ["kind", "name", "share_min", "share_max", "source", "position"]
    extra = 0


@admin.register(Step)
class StepAdmin(CatalogAdmin):
    list_display = ["name", "order", "plannable", "scoring", "passing_score", "attempt_limit", "study_hours"]
    filter_horizontal = ["requires_passed"]
    inlines = [ContentAreaInline]


@admin.register(ContentArea)
class ContentAreaAdmin(CatalogAdmin):
    list_display = ["name", "step", "kind", "share_min", "share_max", "source"]
    list_filter = ["step", "kind", "source__strength"]
    search_fields = ["name"]
    list_select_related = ["step", "source"]


@admin.register(Topic)
class TopicAdmin(CatalogAdmin):
    list_display = ["name", "step", "area", "discipline", "emphasis", "yield_weight", "retired_on"]
    list_filter = ["step", "discipline", "emphasis", "retired_on"]
    search_fields = ["name", "area__name"]
    list_select_related = ["step", "area"]


class ResourceSectionInline(admin.TabularInline):
    model = ResourceSection
    fields = ["position", "area", "amount", "first_unit"]
    extra = 0


@admin.register(Resource)
class ResourceAdmin(CatalogAdmin):
    list_display = ["name", "step", "kind", "unit", "total", "size_source", "retired_on"]
    list_filter = ["step", "kind"]
    list_select_related = ["step", "size_source"]
    inlines = [ResourceSectionInline]


@admin.register(SelfAssessment)
class SelfAssessmentAdmin(CatalogAdmin):
    list_display = ["name", "step", "provider", "blocks", "items_per_block", "reports", "retired_on"]
    list_filter = ["step", "provider", "reports"]
    list_select_related = ["step"]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    fields = ["step", "status", "target_date", "starts_on", "target_score"]
    extra = 0


@admin.register(Plan)
class PlanAdmin(PlanContentAdmin):
    list_display = ["title", "owner", "start_date", "created_at"]
    search_fields = ["title", "owner__email"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner"]
    inlines = [MilestoneInline]
    plan_lookup = "pk"


@admin.register(StudyLog)
class StudyLogAdmin(PlanContentAdmin):
    list_display = ["studied_on", "plan", "minutes", "questions_attempted", "questions_correct"]
    raw_id_fields = ["plan", "milestone", "area"]


class PracticeExamSectionInline(admin.TabularInline):
    model = PracticeExamSection
    raw_id_fields = ["area"]
    extra = 0


@admin.register(PracticeExam)
class PracticeExamAdmin(PlanContentAdmin):
    list_display = ["taken_on", "__str__", "plan", "score", "percent_correct", "pass_probability"]
    list_select_related = ["plan", "form"]
    raw_id_fields = ["plan", "milestone", "form"]
    inlines = [PracticeExamSectionInline]


@admin.register(ExamResult)
class ExamResultAdmin(PlanContentAdmin):
    list_display = ["milestone", "attempt", "sat_on", "passed", "score"]
    raw_id_fields = ["milestone"]
    plan_lookup = "milestone__plan"
