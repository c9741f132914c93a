"""Results page: the fine and territorial criteria of the form, sort, result cards, ways to widen."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import QueryDict

from carrefour.projects.models import Project
from carrefour.search.params import SearchParams
from carrefour.search.selectors import SearchResults, project_list_for_hits
from carrefour.search.territory import DEFAULT_RADIUS_KM
from carrefour.web.selectors import state_items, url_with

SORT_CHOICES = (
    ("relevance", "Pertinence"),
    ("date", "Plus récents d'abord"),
    ("distance", "Distance (autour d'un lieu)"),
    ("title", "Titre (A → Z)"),
)
# What removing a criterion removes from the URL (a relaxation names the first key).
WIDEN_DROPS = {
    "territory": ("territory", "covering", "national"),
    "near": ("near", "lat", "lon", "radius"),
    "bbox": ("bbox",),
    "start_year_min": ("start_year_min", "start_year_max"),
    "updated_min": ("updated_min", "updated_max"),
}


@dataclass(frozen=True)
class Card:
    """One result: the project, its highlighted snippet, its distance from the searched place."""

    project: Project
    snippet: str
    distance: str


@dataclass(frozen=True)
class WidenLink:
    """A link to the same search without one word or one criterion, with its number of results."""

    label: str
    count: int
    url: str


def result_cards(results: SearchResults) -> list[Card]:
    """The page of results as cards, in hit order."""
    hits = {hit.project_id: hit for hit in results.hits}
    cards = []
    for project in project_list_for_hits(results.hits):
        hit = hits[project.pk]
        distance = "" if hit.distance_km is None else f"à {hit.distance_km:.1f} km".replace(".", ",")
        cards.append(Card(project, hit.snippet, distance))
    return cards


def widen_links(results: SearchResults, query: QueryDict) -> list[WidenLink]:
    """Relaxations of a search without results, as links to the wider searches."""
    items = state_items(query)
    links = []
    for relaxation in results.relaxations:
        if relaxation.param == "q":
            kept = [("q", relaxation.value)] + [item for item in items if item[0] != "q"]
        else:
            dropped = WIDEN_DROPS.get(relaxation.param, (relaxation.param,))
            kept = [item for item in items if item[0] not in dropped]
        links.append(WidenLink(relaxation.label, relaxation.count, url_with("/recherche", kept)))
    return links


def form_values(params: SearchParams, query: QueryDict) -> dict[str, object]:
    """Values of the fine and territorial fields, as typed (they are valid: the page was rendered)."""
    return {
        "territory": query.get("territory", ""),
        "covering": params.covering,
        "national": params.national,
        "near": query.get("near", ""),
        "radius": query.get("radius", ""),
        "radius_default": f"{DEFAULT_RADIUS_KM:g}",
        "lat": query.get("lat", ""),
        "lon": query.get("lon", ""),
        "start_year_min": query.get("start_year_min", ""),
        "start_year_max": query.get("start_year_max", ""),
        "sort": params.sort,
        "sorts": SORT_CHOICES,
    }
