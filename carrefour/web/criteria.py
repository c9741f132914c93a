"""Active criteria of a search as removable tags, and the canonical address of a search page."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponseRedirect, QueryDict

from carrefour.search.criteria import BY_PARAM, facet_labels
from carrefour.search.selectors import SearchResults
from carrefour.web.selectors import state_items, url_with

# Criterion key → (tag title, label template, keys its removal drops).
CRITERIA: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "q": ("Mots", "« {} »", ("q",)),
    "territory": ("Territoire", "{}", ("territory", "covering", "national")),
    "covering": ("Territoire", "Sans les projets qui le couvrent", ("covering",)),
    "national": ("Territoire", "Avec les projets nationaux", ("national",)),
    "near": ("Autour de", "Autour de {}", ("near", "lat", "lon", "radius")),
    "lat": ("Autour de", "Autour de votre position", ("lat", "lon", "radius")),
    "radius": ("Rayon", "Dans un rayon de {} km", ("radius",)),
    "start_year_min": ("Année de démarrage", "Démarré en {} ou après", ("start_year_min",)),
    "start_year_max": ("Année de démarrage", "Démarré en {} ou avant", ("start_year_max",)),
    "updated_min": ("Mise à jour", "Mis à jour depuis le {}", ("updated_min",)),
    "updated_max": ("Mise à jour", "Mis à jour au plus tard le {}", ("updated_max",)),
}


@dataclass(frozen=True)
class ActiveFilter:
    """One criterion of the current search, removable."""

    title: str
    label: str
    remove_url: str


def _label(key: str, value: str, results: SearchResults | None) -> tuple[str, str]:
    """Title and French label of one criterion."""
    if key in BY_PARAM:
        criterion = BY_PARAM[key]
        return criterion.title, facet_labels(criterion.field).get(value, value)
    title, template, _drops = CRITERIA[key]
    if key == "territory" and results is not None and results.territory is not None:
        value = results.territory.label  # "commune:93048" reads "Montreuil (commune)"
    return title, template.format(value)


def criteria_tags(
    query: QueryDict, results: SearchResults | None = None, path: str = "/recherche"
) -> list[ActiveFilter]:
    """Every criterion of the search (words, facets, territory, radius, years…) as a removable tag."""
    items = state_items(query)
    tags = []
    for key, value in items:
        if key not in BY_PARAM and key not in CRITERIA:
            continue  # sort and prefix are shown by their own controls
        if key == "lat" and query.get("near", "").strip():
            continue  # the position of a named place: one tag, "Autour de <place>"
        drops = CRITERIA[key][2] if key in CRITERIA else ()
        rest = [item for item in items if item != (key, value) and item[0] not in drops]
        title, label = _label(key, value, results)
        tags.append(ActiveFilter(title, label, url_with(path, rest)))
    return tags


def canonical_redirect(request: HttpRequest) -> HttpResponseRedirect | None:
    """A redirect to the page's canonical address when its query has empty, default or stray fields."""
    items = state_items(request.GET)
    page = str(request.GET.get("page", "")).strip()
    if page not in ("", "1"):
        items.append(("page", page))
    given = [(key, value) for key, values in request.GET.lists() for value in values]
    if items == given:
        return None
    return HttpResponseRedirect(url_with(request.path, items))
