"""Public partner pages: every source in service, one page per source, and the same facts as JSON."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from carrefour.partners.transparency import ERROR_RATE_RUNS, source_facts_public

# The facts change at each harvest (daily at most): caches may keep them an hour.
MAX_AGE = 3600


@require_GET
def partners_page(request: HttpRequest) -> HttpResponse:
    """Every validated source: what is harvested, how often, last success, counts, licence, error rate."""
    context = {"facts": source_facts_public(), "runs_counted": ERROR_RATE_RUNS}
    return render(request, "partners/public/list.html", context)


@require_GET
def partner_page(request: HttpRequest, slug: str) -> HttpResponse:
    """One source in service, with its counts by theme and by région."""
    fact = next((fact for fact in source_facts_public() if fact["slug"] == slug), None)
    if fact is None:
        raise Http404("Source inconnue ou pas en service")
    context = {"fact": fact, "runs_counted": ERROR_RATE_RUNS}
    return render(request, "partners/public/detail.html", context)


@require_GET
def sources_json(request: HttpRequest) -> JsonResponse:
    """The public facts of every source in service, machine-readable (documented in docs/api.md)."""
    response = JsonResponse(
        {"error_rate_runs": ERROR_RATE_RUNS, "sources": source_facts_public()},
        json_dumps_params={"ensure_ascii": False},
    )
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    response["Access-Control-Allow-Origin"] = "*"
    return response
