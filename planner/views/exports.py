"""Export and import of everything a person owns (the document itself is planner/exports)."""

import json

from django.contrib import messages
from django.db import IntegrityError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from accounts.audit import log_event
from planner import exports
from planner.forms import ImportForm


@require_safe
def export_page(request):
    return render(request, "accounts/export.html")


def _attachment(response, extension):
    name = f"usmleprep-export-{timezone.localdate().isoformat()}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_safe
def export_json(request):
    document = exports.build_document(request.user)
    log_event(request, "data_exported", request.user, format="json")
    body = json.dumps(document, ensure_ascii=False, indent=2)
    return _attachment(HttpResponse(body, content_type="application/json; charset=utf-8"), "json")


@require_safe
def export_csv(request):
    document = exports.build_document(request.user)
    log_event(request, "data_exported", request.user, format="csv")
    return _attachment(HttpResponse(exports.csv_zip(document), content_type="application/zip"), "zip")


@require_http_methods(["GET", "POST"])
def import_data(request):
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    errors = []
    if form.is_bound and form.is_valid():
        today = timezone.localdate()
        cleaned, errors = exports.check_document(form.cleaned_data["file"], today)
        if not errors:
            try:
                plans = exports.write_document(request.user, cleaned, today)
            except IntegrityError:
                # The checks above mirror every constraint; this is a last line, and nothing was written.
                errors = ["(file): the data passed the checks but the database refused it; nothing was imported"]
            else:
                log_event(request, "data_imported", request.user, plans=len(plans))
                messages.success(
                    request,
                    f"Imported {len(plans)} plan{'s' if len(plans) != 1 else ''}. "
                    "Completed work came in as it was; the Steps ahead were laid out again from today.",
                )
                return redirect("planner:plan_list")
    return render(request, "accounts/import.html", {"form": form, "errors": errors})
