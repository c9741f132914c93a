"""Pages: report that a project duplicates another, or that it mixes records of distinct projects."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from carrefour.accounts.roles import Action
from carrefour.contributions.duplicates import duplicate_report, not_duplicate_report, project_records
from carrefour.contributions.forms_reports import DuplicateForm, NotDuplicateForm
from carrefour.contributions.views import action_refused
from carrefour.projects.models import Project
from carrefour.search.engine import UNAVAILABLE, SearchFailed
from carrefour.search.params import SearchParams
from carrefour.search.selectors import project_search

SENT = "Merci ! Votre signalement attend la modération ; vous serez prévenu de la décision."


@require_http_methods(["GET", "POST"])
def duplicate_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose the other project (number, address or a search) and say why; sent to the moderation queue."""
    project = get_object_or_404(Project, pk=pk, is_published=True)
    if refused := action_refused(request, Action.REPORT_DUPLICATE, project):
        return refused
    form = DuplicateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            duplicate_report(project, request.user, form.cleaned_data["other"], form.cleaned_data["reason"])
        except ValueError as error:
            form.add_error("other", str(error))
        else:
            messages.success(request, SENT)
            return redirect("my-contributions")
    words = request.GET.get("q", "").strip()[:200]
    hits, search_error = [], ""
    if words:
        try:
            results = project_search(
                params=SearchParams(q=words, per_page=10), with_points=False, with_facets=False
            )
        except SearchFailed:
            # The other project can still be given by its number: the report is not lost.
            search_error = UNAVAILABLE
        else:
            ids = [hit.project_id for hit in results.hits if hit.project_id != project.pk]
            found = Project.objects.filter(pk__in=ids, is_published=True).in_bulk()
            hits = [found[i] for i in ids if i in found]
    context = {"project": project, "form": form, "q": words, "hits": hits, "search_error": search_error}
    return render(
        request, "contributions/reports/duplicate.html", context, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
def not_duplicate_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose which of the project's records describe another project, and say why."""
    project = get_object_or_404(Project, pk=pk, is_published=True)
    if refused := action_refused(request, Action.REPORT_DUPLICATE, project):
        return refused
    records = project_records(project)
    choices = [
        (record, f"{p.source.name} : {p.title or p.source_record_id}" if p else f"Fiche n° {record}")
        for record, p in records
    ]
    form = NotDuplicateForm(choices, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            not_duplicate_report(
                project, request.user, form.cleaned_data["records"], form.cleaned_data["reason"]
            )
        except ValueError as error:
            form.add_error("records", str(error))
        else:
            messages.success(request, SENT)
            return redirect("my-contributions")
    context = {"project": project, "form": form, "single": len(records) < 2}
    return render(
        request, "contributions/reports/not_duplicate.html", context, status=400 if form.errors else 200
    )
