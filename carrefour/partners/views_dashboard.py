"""Pages of the partner space: a member's sources, and the dashboard of one source."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from carrefour.accounts.roles import Action, user_can
from carrefour.contributions.partners import organisation_conflicts
from carrefour.contributions.views import action_refused, conflict_settle
from carrefour.normalize.selectors import source_invalid_reasons
from carrefour.orchestration.jobs import source_jobs_recent
from carrefour.partners import dashboard
from carrefour.partners.harvest_now import source_harvest_now_next
from carrefour.sources.models import Source, SourceVersion

RUNS_PAGE = 20
LIST_PAGE = 25
CHOICES = {"garder": True, "reprendre": False}


@require_GET
def partner_home(request: HttpRequest) -> HttpResponse:
    """The account's organisations and their sources, each with its review, last run and freshness."""
    if refused := action_refused(request, Action.ENTER_PARTNER_SPACE):
        return refused
    groups = [
        (
            organisation,
            organisation_conflicts(organisation).count() if organisation else 0,
            [(source, dashboard.source_freshness(source)) for source in sources],
        )
        for organisation, sources in dashboard.user_organisation_sources(request.user)
    ]
    pending = (
        SourceVersion.objects.filter(status=SourceVersion.Status.PENDING).count()
        if user_can(request.user, Action.VALIDATE_SOURCE)
        else None
    )
    context = {"groups": groups, "source": None, "pending_versions": pending}
    return render(request, "partners/dashboard/home.html", context)


def _page(request: HttpRequest, items: QuerySet[Any], name: str, size: int = LIST_PAGE) -> Page[Any]:
    """One page of a long list, the page number read from the query parameter `name`."""
    return Paginator(items, size).get_page(request.GET.get(name))


@require_GET
def source_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    """Runs, health, freshness and licence of a source; corrections, conflicts and duplicates elsewhere."""
    source = get_object_or_404(Source, slug=slug)
    if refused := action_refused(request, Action.EDIT_OWN_ORGANISATION_SOURCES, source):
        return refused
    runs = _page(request, dashboard.source_runs(source), "executions", RUNS_PAGE)
    health = dashboard.source_health(source)
    elsewhere = _page(request, dashboard.source_projects_elsewhere(source), "ailleurs")
    context = {
        "source": source,
        "runs": runs,
        "run_rows": [
            (run, dashboard.run_duration(run), dashboard.run_rejection_reasons(run))
            for run in runs.object_list
        ],
        "health": health,
        "bars": dashboard.health_bars(health),
        "chart_height": dashboard.CHART_HEIGHT,
        "chart_width": max(1, len(health)) * dashboard.BAR_STEP,
        "freshness": dashboard.source_freshness(source),
        "contributions": _page(request, dashboard.source_contributions(source), "contributions"),
        "corrections": _page(request, dashboard.source_corrections(source), "corrections"),
        "conflicts": _page(request, dashboard.source_conflicts(source), "conflits"),
        "elsewhere": elsewhere,
        "jobs": source_jobs_recent(source),
        "harvest_next": source_harvest_now_next(source),
        "invalid": source_invalid_reasons(source.pk),
    }
    platforms = dashboard.projects_other_platforms(list(elsewhere.object_list), source)
    context["elsewhere_rows"] = [(project, platforms[project.pk]) for project in elsewhere.object_list]
    return render(request, "partners/dashboard/source.html", context)


@require_POST
def source_conflict_resolve(request: HttpRequest, slug: str, override_id: int, choice: str) -> HttpResponse:
    """The partner keeps a correction its source contradicts, or gives it up for the source's value."""
    source = get_object_or_404(Source, slug=slug)
    # The rights on the source of the address, then on the project: a member of another organisation
    # whose source also feeds the project cannot act through this source's page.
    if refused := action_refused(request, Action.EDIT_OWN_ORGANISATION_SOURCES, source):
        return refused
    if choice not in CHOICES:
        return HttpResponse("Choix inconnu.", status=400, content_type="text/plain; charset=utf-8")
    # Only a conflict with this source's own value: on a merged project, another source's is not its own.
    override = get_object_or_404(dashboard.source_conflicts(source), pk=override_id)
    if refused := action_refused(request, Action.RESOLVE_OWN_CONFLICT, override):
        return refused
    conflict_settle(request, override, keep=CHOICES[choice])
    return redirect("partner-source", slug=source.slug)
