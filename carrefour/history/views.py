"""A project's public history; reverting a change, for the roles the matrix allows (server-side)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from carrefour.accounts.roles import Action, user_can
from carrefour.contributions.models import REASON_MAX
from carrefour.history.selectors import history_entries
from carrefour.orchestration.edits import project_change_revert_indexed
from carrefour.projects.history import project_history
from carrefour.projects.models import Project, ProjectChange


def _page(request: HttpRequest, project: Project, *, error: str = "", status: int = 200) -> HttpResponse:
    """The history page of a project."""
    page = project_history(project, request.GET.get("page"))
    can_revert = user_can(request.user, Action.REVERT_CHANGE)
    context = {
        "project": project,
        "page": page,
        "entries": history_entries(list(page.object_list), can_revert=can_revert),
        "error": error,
    }
    return render(request, "history/project_history.html", context, status=status)


@require_GET
def project_history_page(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    """Every recorded change of a published project, newest first, 50 a page."""
    project = get_object_or_404(Project, pk=pk, is_published=True)
    if slug != project.slug:
        return HttpResponsePermanentRedirect(f"/projets/{project.pk}-{project.slug}/historique")
    return _page(request, project)


@require_POST
def change_revert(request: HttpRequest, pk: int, change_id: int) -> HttpResponse:
    """Put back the values a change replaced, then re-index the project."""
    if not user_can(request.user, Action.REVERT_CHANGE):
        raise PermissionDenied("Vous n'avez pas le droit d'annuler une modification.")
    change = get_object_or_404(ProjectChange.objects.select_related("project"), pk=change_id, project_id=pk)
    reason = request.POST.get("reason", "")[:REASON_MAX]
    try:
        project_change_revert_indexed(change, request.user, reason)
    except ValueError as error:
        return _page(request, change.project, error=str(error), status=400)
    project = Project.objects.get(pk=pk)  # a reverted title moves the slug
    return redirect(f"/projets/{project.pk}-{project.slug}/historique")
