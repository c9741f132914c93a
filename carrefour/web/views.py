"""Pages: home, search results with facets, exports, map data, autocomplete."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from dsfr.utils import list_pages

from carrefour.search.criteria import TERRITORIAL_PARAMS
from carrefour.search.engine import UNAVAILABLE, SearchFailed
from carrefour.search.geo import bbox_parse, departements_in_bbox, map_layer
from carrefour.search.params import SearchParamError, search_params_parse
from carrefour.search.selectors import MAX_WINDOW, project_search
from carrefour.web import criteria, search_form, selectors
from carrefour.web.cache import page_cached
from carrefour.web.exports import EXPORT_MAX, dump_response, export_response
from carrefour.web.stats import choropleth
from carrefour.web.suggest import suggestions


@require_GET
@page_cached(by_query=False)
def home(request: HttpRequest) -> HttpResponse:
    """What the Carrefour is, a search box, entry points by theme and by région, latest projects."""
    results, status = selectors.search_overview()
    return render(
        request,
        "web/home.html",
        {
            "results": results,
            "themes": results.facets.get("themes", []),
            "regions": results.facets.get("region", []),
            "region_map": choropleth(results, "region"),
            "latest": selectors.latest_projects(),
            "partners": selectors.partners(results),
            "show_fictional_notice": results.has_fictional,
        },
        status=status,
    )


def _error(request: HttpRequest, error: SearchParamError) -> HttpResponse:
    """The results page with a French message about a parameter."""
    context = {"error": str(error), "q": request.GET.get("q", "")}
    return render(request, "web/search.html", context, status=400)


@require_GET
@page_cached(by_query=True)
def search(request: HttpRequest) -> HttpResponse:
    """Results: count, cards, pagination, facets with counts, active filters, map, exports."""
    redirect = criteria.canonical_redirect(request)
    if redirect is not None:
        return redirect
    try:
        params = search_params_parse(request.GET)
    except SearchParamError as error:
        return _error(request, error)
    try:
        results = project_search(params=params, with_points=False)
    except SearchFailed:
        return render(request, "web/search.html", {"error": UNAVAILABLE, "q": params.q}, status=503)
    page_obj = list_pages(
        Paginator(range(min(results.total, MAX_WINDOW)), params.per_page).get_page(params.page)
    )
    state = selectors.state_items(request.GET)
    return render(
        request,
        "web/search.html",
        {
            "q": params.q,
            "results": results,
            "cards": search_form.result_cards(results),
            "page_obj": page_obj,
            "facet_groups": selectors.facet_groups(results),
            "active_filters": criteria.criteria_tags(request.GET, results),
            "clear_url": selectors.url_with("/recherche", [i for i in state if i[0] in ("q", "sort")]),
            "clear_all_url": selectors.url_with("/recherche", [i for i in state if i[0] == "sort"]),
            "state_query": selectors.url_with("", state).lstrip("?"),
            "form": search_form.form_values(params, request.GET),
            "widen": search_form.widen_links(results, request.GET),
            "export_max": EXPORT_MAX,
            "show_fictional_notice": results.has_fictional,
        },
    )


@require_GET
def search_export(request: HttpRequest, fmt: str) -> HttpResponse | StreamingHttpResponse:
    """The current results as CSV or GeoJSON (at most EXPORT_MAX projects)."""
    try:
        params = search_params_parse(request.GET)
    except SearchParamError as error:
        return _error(request, error)
    return export_response(request, fmt, params)


@require_GET
def download(request: HttpRequest, name: str) -> StreamingHttpResponse:
    """A whole-corpus file prepared by `carrefour dumps build`."""
    return dump_response(request, name)


@require_GET
def search_area(request: HttpRequest) -> HttpResponse:
    """ "Search in this area": the current search restricted to the départements of the map view."""
    bbox = bbox_parse(str(request.GET.get("bbox", "")))
    items = selectors.state_items(request.GET, drop=TERRITORIAL_PARAMS)
    if bbox is not None:
        items += [("departement", code) for code in departements_in_bbox(bbox)]
    return HttpResponseRedirect(selectors.url_with("/recherche", items) + "#carte")


@require_GET
def map_data(request: HttpRequest) -> JsonResponse:
    """Map layer of the current search in the visible box: clusters or points, territory outlines."""
    query = request.GET.copy()
    visible = bbox_parse(str(query.pop("bbox", [""])[-1]))  # the view may go past ±180°: clamped
    try:
        params = search_params_parse(query)
    except SearchParamError as error:
        return JsonResponse({"erreur": str(error)}, status=400)
    try:
        zoom = int(str(request.GET.get("zoom", "5")))
    except ValueError:
        zoom = 5
    try:
        layer = map_layer(params=params, bbox=visible, zoom=zoom)
    except SearchFailed:
        return JsonResponse({"erreur": UNAVAILABLE}, status=503)
    response = JsonResponse(
        {
            "total": layer.total,
            "clusters": layer.clusters,
            "points": layer.points,
            "outlines": layer.outlines,
        }
    )
    response["Cache-Control"] = "max-age=60"
    return response


@require_GET
def autocomplete(request: HttpRequest) -> JsonResponse:
    """Suggestions for the search box: territories, themes, project titles."""
    return JsonResponse({"suggestions": suggestions(str(request.GET.get("q", "")))})
