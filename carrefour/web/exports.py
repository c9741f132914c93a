"""Exports of the current results (CSV, GeoJSON) through projects' open-data exporter."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from django.http import Http404, HttpResponse

from carrefour.projects.exports import project_export
from carrefour.projects.selectors import project_to_dict
from carrefour.search.params import SearchParams
from carrefour.search.selectors import MAX_WINDOW, PER_PAGE_MAX, project_list_for_hits, project_search

EXPORT_MAX = MAX_WINDOW
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "geojson": "application/geo+json; charset=utf-8"}


def result_dicts(params: SearchParams) -> Iterator[dict[str, Any]]:
    """The projects of a search in the common schema, page by page, at most EXPORT_MAX."""
    page = 1
    while (page - 1) * PER_PAGE_MAX < EXPORT_MAX:
        results = project_search(params=replace(params, page=page, per_page=PER_PAGE_MAX), with_points=False)
        yield from (project_to_dict(project) for project in project_list_for_hits(results.hits))
        if page * PER_PAGE_MAX >= results.total:
            return
        page += 1


def export_response(fmt: str, params: SearchParams) -> HttpResponse:
    """A download of the current results."""
    if fmt not in CONTENT_TYPES:
        raise Http404("Format inconnu")
    out = io.StringIO()
    project_export(fmt, out, projects=result_dicts(params))
    response = HttpResponse(out.getvalue(), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="carrefour-projets.{fmt}"'
    return response
