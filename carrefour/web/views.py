"""Pages: home, search results with facets and map, project page."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect, render
from dsfr.utils import list_pages

from carrefour.projects.models import Project
from carrefour.search.labels import FACET_TITLES, project_labels
from carrefour.search.params import FACET_PARAMS, SearchParamError, search_params_parse
from carrefour.search.selectors import MAX_WINDOW, SearchResults, project_list_for_hits, project_search

# Facets opened by default in the results sidebar (the others stay folded, still usable without JS).
FACETS_OPEN = {"themes", "region"}


def _facet_groups(results: SearchResults) -> list[dict[str, object]]:
    """Facets as the results template shows them."""
    return [
        {
            "name": name,
            "title": FACET_TITLES[name],
            "param": FACET_PARAMS[name],
            "values": values,
            "open": name in FACETS_OPEN or any(v.selected for v in values),
        }
        for name, values in results.facets.items()
        if values
    ]


def home(request: HttpRequest) -> HttpResponse:
    """What the Carrefour is, a search box, entry points by theme and by région."""
    results = project_search(per_page=0, with_points=False)
    return render(
        request,
        "web/home.html",
        {
            "results": results,
            "themes": results.facets.get("themes", []),
            "regions": results.facets.get("region", []),
            "show_fictional_notice": results.has_fictional,
        },
    )


def search(request: HttpRequest) -> HttpResponse:
    """Results: count, cards, pagination, facets with counts, map of the result set."""
    try:
        params = search_params_parse(request.GET)
    except SearchParamError as error:
        return render(
            request, "web/search.html", {"error": str(error), "q": request.GET.get("q", "")}, status=400
        )
    results = project_search(**params.as_kwargs())
    snippets = {hit.project_id: hit.snippet for hit in results.hits}
    cards = [(project, snippets[project.pk]) for project in project_list_for_hits(results.hits)]
    page_obj = list_pages(
        Paginator(range(min(results.total, MAX_WINDOW)), params.per_page).get_page(params.page)
    )
    return render(
        request,
        "web/search.html",
        {
            "q": params.q,
            "results": results,
            "cards": cards,
            "page_obj": page_obj,
            "facet_groups": _facet_groups(results),
            "map_points": [list(point) for point in results.points],
            "show_fictional_notice": results.has_fictional,
        },
    )


def project_detail(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
    """A project: all its fields, territory, sources, a small map."""
    project = get_object_or_404(Project.objects.prefetch_related("sources__source"), pk=pk, is_published=True)
    if slug != project.slug:
        return HttpResponsePermanentRedirect(f"/projets/{project.pk}-{project.slug}")
    sources = list(project.sources.all())
    located = project.latitude is not None and project.longitude is not None
    return render(
        request,
        "web/project.html",
        {
            "project": project,
            "labels": project_labels(project),
            "sources": sources,
            "map_points": [[project.pk, project.latitude, project.longitude, project.title]]
            if located
            else [],
            "show_fictional_notice": project.fictional or any(s.source.fictional for s in sources),
        },
    )


def project_short(request: HttpRequest, pk: int) -> HttpResponse:
    """`/projets/<id>`: redirect to the canonical address with the slug."""
    project = Project.objects.filter(pk=pk, is_published=True).first()
    if project is None:
        raise Http404("Projet inconnu")
    return redirect(f"/projets/{project.pk}-{project.slug}")
