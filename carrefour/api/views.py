"""JSON API v1: project search, autocomplete, project detail and similar projects, open to every origin."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from carrefour.api.errors import api_error
from carrefour.projects.models import Project
from carrefour.projects.selectors import project_to_dict
from carrefour.search.cache import cache_get, cache_key, cache_put, params_canonical
from carrefour.search.engine import UNAVAILABLE, SearchFailed
from carrefour.search.params import SearchParamError, search_params_parse
from carrefour.search.selectors import SearchResults, project_list_for_hits, project_search
from carrefour.search.similar import project_similar
from carrefour.search.suggest import search_suggest

JSON_OPTIONS = {"ensure_ascii": False}
SIMILAR_DEFAULT = 6


def _json(data: dict[str, Any], status: int = 200) -> JsonResponse:
    """A JSON response (UTF-8, not ASCII-escaped)."""
    return JsonResponse(data, status=status, json_dumps_params=JSON_OPTIONS)


def api_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """GET only, CORS open to every origin, errors as JSON."""

    # Read-only and without sessions: another method is answered 405 rather than refused for CSRF.
    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in {"GET", "HEAD", "OPTIONS"}:
            response: HttpResponse = api_error(405, "Méthode non autorisée : utilisez GET.")
            response["Allow"] = "GET, HEAD, OPTIONS"
        elif request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        else:
            response = view(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return wrapper


def _search_extras(results: SearchResults) -> dict[str, Any]:
    """Territory understood, point of an "around" search, sort used and ways out of zero results."""
    territory = results.territory
    return {
        "territory": {"kind": territory.kind, "code": territory.code, "name": territory.name}
        if territory
        else None,
        "around": {"lat": results.center[0], "lon": results.center[1], "radius_km": results.radius_km}
        if results.center
        else None,
        "sort": results.sort,
        "relaxations": [
            {"label": r.label, "param": r.param, "value": r.value, "count": r.count}
            for r in results.relaxations
        ],
    }


def _dumps(data: object) -> bytes:
    """Compact UTF-8 JSON."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def _search_body(results: SearchResults) -> bytes:
    """The JSON of a search; each stored record is spliced in as encoded at indexing, never decoded."""
    # Records come from the index; a hit without one (index built by hand) is read from the database.
    lacking = [hit for hit in results.hits if not hit.record]
    missing = {p.pk: _dumps(project_to_dict(p)) for p in project_list_for_hits(lacking)} if lacking else {}
    rows = []
    for hit in results.hits:
        record = hit.record or missing.get(hit.project_id)
        if record is not None:
            # A record is a non-empty JSON object: its closing brace gives way to the hit's own fields.
            extra = _dumps({"snippet": hit.snippet or None, "distance_km": hit.distance_km})
            rows.append(record[:-1] + b"," + extra[1:])
    head = {
        "count": results.total,
        "page": results.page,
        "pages": results.pages,
        "message": results.message or None,
        "facets": {
            name: [{"code": v.code, "label": v.label, "count": v.count} for v in values]
            for name, values in results.facets.items()
        },
        **_search_extras(results),
    }
    return _dumps(head)[:-1] + b',"results":[' + b",".join(rows) + b"]}"


@api_view
def project_list(request: HttpRequest) -> HttpResponse:
    """Search projects: ?q=&theme=&…&territory=&near=&radius=&bbox=&sort=&page=&per_page=."""
    try:
        params = search_params_parse(request.GET, per_page_param=True)
    except SearchParamError as error:
        return api_error(400, str(error), code="invalid_parameter")
    # Keyed on the validated search: parameters the API does not know cannot bypass nor fill the cache.
    key = cache_key(f"api?{params_canonical(params)}")
    body = cache_get(key) if key else None
    if body is None:
        try:
            body = _search_body(project_search(params=params, with_points=False, with_records=True))
        except SearchFailed:
            return api_error(503, UNAVAILABLE)
        if key:
            cache_put(key, body)
    return HttpResponse(body, content_type="application/json")


@api_view
def suggest(request: HttpRequest) -> JsonResponse:
    """Autocomplete: ?q=<what is being typed> → projects, organizations, communes, themes."""
    try:
        found = search_suggest(str(request.GET.get("q", "")))
    except SearchFailed:
        return api_error(503, UNAVAILABLE)
    return _json(
        {
            "suggestions": [
                {"kind": s.kind, "label": s.label, "param": s.param, "value": s.value} for s in found
            ]
        }
    )


@api_view
def project_detail(request: HttpRequest, pk: int) -> JsonResponse:
    """One published project in the common schema."""
    project = Project.objects.filter(pk=pk, is_published=True).prefetch_related("sources__source").first()
    if project is None:
        return api_error(404, f"Aucun projet publié n'a l'identifiant {pk}.")
    return _json(project_to_dict(project))


@api_view
def project_similar_list(request: HttpRequest, pk: int) -> JsonResponse:
    """Similar projects in other départements: ?limit=1..20&elsewhere=1|0."""
    if not Project.objects.filter(pk=pk, is_published=True).exists():
        return api_error(404, f"Aucun projet publié n'a l'identifiant {pk}.")
    raw_limit = str(request.GET.get("limit", SIMILAR_DEFAULT))
    if not raw_limit.isdecimal() or not 1 <= int(raw_limit) <= 20:
        return api_error(
            400, "Le paramètre « limit » doit être un nombre entier entre 1 et 20.", code="invalid_parameter"
        )
    elsewhere = str(request.GET.get("elsewhere", "1")) != "0"
    ids = project_similar(pk, limit=int(raw_limit), elsewhere=elsewhere)
    by_id = {
        p.pk: p
        for p in Project.objects.filter(id__in=ids, is_published=True).prefetch_related("sources__source")
    }
    return _json({"results": [project_to_dict(by_id[i]) for i in ids if i in by_id]})
