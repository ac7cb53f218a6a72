"""A practice exam's results by system, which feed the weakest systems (planner/weakness.py)."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from planner import weakness
from planner.forms import CompactFieldsMixin
from planner.models import MAX_BLOCK_QUESTIONS, ContentArea, PracticeExam
from planner.views.access import owned
from usmleprep.lib.bounds import BoundedIntegerField


class SectionResultsForm(CompactFieldsMixin, forms.Form):
    """One row per system of the exam's Step: percent correct (blank: not entered) and, when the report
    says, how many questions it had. The rows come from the catalog, not from the post, so a tampered
    form cannot add systems or make the server build thousands of forms."""

    def __init__(self, *args, areas, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.areas = areas
        for area in areas:
            section = sections.get(area.pk)
            self.fields[f"percent_{area.pk}"] = BoundedIntegerField(
                min_value=0,
                max_value=100,
                required=False,
                label=f"{area.name}: percent correct",
                initial=section.percent_correct if section else None,
            )
            self.fields[f"questions_{area.pk}"] = BoundedIntegerField(
                min_value=1,
                max_value=MAX_BLOCK_QUESTIONS,
                required=False,
                label=f"{area.name}: questions",
                initial=section.questions if section else None,
            )
        self.style_fields()

    def clean(self):
        cleaned = super().clean()
        for area in self.areas:
            percent, questions = (f"{name}_{area.pk}" for name in ("percent", "questions"))
            if cleaned.get(questions) is not None and cleaned.get(percent) is None and percent not in self.errors:
                self.add_error(percent, f"Enter the percent correct in {area.name} too, or leave its questions blank.")
        return cleaned

    def rows(self):
        return [(area, self[f"percent_{area.pk}"], self[f"questions_{area.pk}"]) for area in self.areas]

    def results(self):
        """{area: (percent correct, questions or None)} for the systems with a percent entered."""
        data = self.cleaned_data
        return {
            area: (data[f"percent_{area.pk}"], data[f"questions_{area.pk}"])
            for area in self.areas
            if data.get(f"percent_{area.pk}") is not None
        }


@require_http_methods(["GET", "POST"])
def practice_exam_sections(request, pk):
    exam = owned(request, PracticeExam.objects.select_related("plan", "milestone__step", "form"), pk)
    areas = list(
        ContentArea.objects.filter(step=exam.milestone.step_id, kind=ContentArea.Kind.SYSTEM).order_by("position")
    )
    form = SectionResultsForm(request.POST or None, areas=areas, sections=weakness.sections_of(exam))
    if form.is_valid():
        saved = weakness.record_sections(exam, form.results())
        messages.success(request, f"Saved {len(saved)} system result{'s' if len(saved) != 1 else ''} for {exam}.")
        return redirect("planner:practice_exam_list", exam.plan_id)
    return render(
        request,
        "planner/practice_exam_sections.html",
        {
            "exam": exam,
            "plan": exam.plan,
            "form": form,
            "section_questions": weakness.SECTION_QUESTIONS,
            "min_questions": weakness.MIN_QUESTIONS_FOR_WEAKNESS,
        },
    )
