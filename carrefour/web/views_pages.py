"""Pages: project, Observatoire, about / open data / API."""

from __future__ import annotations

import io
from dataclasses import replace

from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from carrefour.projects.models import Project
from carrefour.projects.selectors import project_queryset
from carrefour.search.criteria import facet_labels
from carrefour.search.engine import UNAVAILABLE, SearchFailed
from carrefour.search.params import SearchParamError, SearchParams, search_params_parse
from carrefour.search.selectors import SearchResults, project_search
from carrefour.web import criteria, selectors, stats
from carrefour.web.cache import page_cached
from carrefour.web.project_page import project_page_context


def _published(pk: int) -> Project:
    """A published project or 404."""
    return get_object_or_404(project_queryset(), pk=pk)


@require_GET
def project_detail(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
    """A project: all its fields, territory, sources, a small map, similar projects."""
    project = _published(pk)
    if slug != project.slug:
        return HttpResponsePermanentRedirect(f"/projets/{project.pk}-{project.slug}")
    url = request.build_absolute_uri(f"/projets/{project.pk}-{project.slug}")
    return render(request, "web/project.html", project_page_context(project, url))


@require_GET
def project_short(request: HttpRequest, pk: int) -> HttpResponse:
    """`/projets/<id>`: redirect to the canonical address with the slug."""
    project = Project.objects.filter(pk=pk, is_published=True).first()
    if project is None:
        raise Http404("Projet inconnu")
    return redirect(f"/projets/{project.pk}-{project.slug}")


def _search_for_stats(request: HttpRequest) -> tuple[SearchParams, SearchResults]:
    """Facet counts of the current search (no hits needed)."""
    params = search_params_parse(request.GET)
    return params, project_search(params=replace(params, page=1, per_page=0), with_points=False)


@require_GET
@page_cached(by_query=True)
def observatoire(request: HttpRequest) -> HttpResponse:
    """Data visualisation: every chart follows the current search; tables and CSV for each."""
    redirect = criteria.canonical_redirect(request)
    if redirect is not None:
        return redirect
    try:
        params, results = _search_for_stats(request)
    except SearchParamError as error:
        return render(request, "web/observatoire.html", {"error": str(error)}, status=400)
    except SearchFailed:
        return render(request, "web/observatoire.html", {"error": UNAVAILABLE}, status=503)
    state = selectors.state_items(request.GET)
    theme = request.GET.get("theme", "")
    return render(
        request,
        "web/observatoire.html",
        {
            "q": params.q,
            "results": results,
            "charts": stats.charts(results),
            "map_departements": stats.choropleth(results, "departement"),
            "map_regions": stats.choropleth(results, "region"),
            "active_filters": criteria.criteria_tags(request.GET, results, "/observatoire"),
            "state_query": selectors.url_with("", state).lstrip("?"),
            "theme_options": sorted(facet_labels("themes").items(), key=lambda item: item[1]),
            "theme": theme,
            "hidden_state": [item for item in state if item[0] != "theme"],
            "show_fictional_notice": results.has_fictional,
        },
    )


@require_GET
def observatoire_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """One chart's data as CSV, for the current search."""
    if slug not in stats.DIMENSIONS:
        raise Http404("Graphique inconnu")
    try:
        _params, results = _search_for_stats(request)
    except SearchParamError as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    except SearchFailed:
        return HttpResponse(UNAVAILABLE, status=503, content_type="text/plain; charset=utf-8")
    chart = next(c for c in stats.charts(results) if c.slug == slug)
    out = io.StringIO()
    stats.chart_csv(chart, out)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="observatoire-{slug}.csv"'
    return response


@require_GET
def departements_svg(request: HttpRequest) -> HttpResponse:
    """The départements' shapes that the maps reference; kept for good under its versioned address."""
    body, _version = stats.departement_sprite()
    response = HttpResponse(body, content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


@require_GET
@page_cached(by_query=False)
def about(request: HttpRequest, page: str) -> HttpResponse:
    """About, open data and API documentation pages."""
    results, status = selectors.search_overview()
    return render(request, f"web/pages/{page}.html", {"results": results}, status=status)
