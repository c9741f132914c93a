"""Public partner pages: every source in service, one page per source, and the same facts as JSON."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from carrefour.partners.transparency import ERROR_RATE_RUNS, source_facts, sources_public

# The facts change at each harvest (daily at most): caches may keep them an hour.
MAX_AGE = 3600


@require_GET
def partners_page(request: HttpRequest) -> HttpResponse:
    """Every validated source: what is harvested, how often, last success, counts, licence, error rate."""
    context = {"facts": source_facts(list(sources_public())), "runs_counted": ERROR_RATE_RUNS}
    return render(request, "partners/public/list.html", context)


@require_GET
def partner_page(request: HttpRequest, slug: str) -> HttpResponse:
    """One source in service, with its counts by theme and by région."""
    source = get_object_or_404(sources_public(), slug=slug)
    context = {"fact": source_facts([source])[0], "runs_counted": ERROR_RATE_RUNS}
    return render(request, "partners/public/detail.html", context)


@require_GET
def sources_json(request: HttpRequest) -> JsonResponse:
    """The public facts of every source in service, machine-readable (documented in docs/api.md)."""
    response = JsonResponse(
        {"error_rate_runs": ERROR_RATE_RUNS, "sources": source_facts(list(sources_public()))},
        json_dumps_params={"ensure_ascii": False},
    )
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    response["Access-Control-Allow-Origin"] = "*"
    return response
