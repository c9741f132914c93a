"""JSON API v1: project search and project detail, open to every origin."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

from carrefour.projects.models import Project
from carrefour.projects.selectors import project_to_dict
from carrefour.search.params import SearchParamError, search_params_parse
from carrefour.search.selectors import project_list_for_hits, project_search

JSON_OPTIONS = {"ensure_ascii": False}


def _json(data: dict[str, Any], status: int = 200) -> JsonResponse:
    """A JSON response (UTF-8, not ASCII-escaped)."""
    return JsonResponse(data, status=status, json_dumps_params=JSON_OPTIONS)


def api_view(view: Callable[..., JsonResponse]) -> Callable[..., HttpResponse]:
    """GET only, CORS open to every origin, errors as JSON."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in {"GET", "HEAD", "OPTIONS"}:
            response: HttpResponse = _json({"erreur": "Méthode non autorisée : utilisez GET."}, status=405)
            response["Allow"] = "GET, HEAD, OPTIONS"
        elif request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        else:
            response = view(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return wrapper


@api_view
def project_list(request: HttpRequest) -> JsonResponse:
    """Search projects: ?q=&theme=&region=&departement=&…&page=&per_page=."""
    try:
        params = search_params_parse(request.GET, per_page_param=True)
    except SearchParamError as error:
        return _json({"erreur": str(error)}, status=400)
    results = project_search(**params.as_kwargs(), with_points=False)
    projects = project_list_for_hits(results.hits)
    return _json(
        {
            "count": results.total,
            "page": results.page,
            "pages": results.pages,
            "message": results.message or None,
            "results": [project_to_dict(project) for project in projects],
            "facets": {
                name: [{"code": v.code, "label": v.label, "count": v.count} for v in values]
                for name, values in results.facets.items()
            },
        }
    )


@api_view
def project_detail(request: HttpRequest, pk: int) -> JsonResponse:
    """One published project in the common schema."""
    project = Project.objects.filter(pk=pk, is_published=True).prefetch_related("sources__source").first()
    if project is None:
        return _json({"erreur": f"Aucun projet publié n'a l'identifiant {pk}."}, status=404)
    return _json(project_to_dict(project))
