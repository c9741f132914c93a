"""What the pages show: facets, canonical permalinks, latest projects, partners."""

from __future__ import annotations

from django.http import QueryDict
from django.utils.http import urlencode

from carrefour.projects.models import Project
from carrefour.search.criteria import BY_FIELD, CRITERIA
from carrefour.search.engine import UNAVAILABLE, SearchFailed
from carrefour.search.params import OPTION_PARAMS, SearchParams
from carrefour.search.selectors import SearchResults, project_list_for_hits, project_search
from carrefour.sources.models import Source

# Facets opened by default in the results sidebar (the others stay folded, still usable without JS).
FACETS_OPEN = {"themes", "region"}
# Query-string keys that make a state of the results page (everything else is dropped from permalinks).
# `bbox` is left out: the map sends the visible area itself.
STATE_KEYS = ("q", *(c.param for c in CRITERIA), *(key for key in OPTION_PARAMS if key != "bbox"))
# Yes/no criteria and their default, left out of permalinks (the form sends them on every search).
FLAGS = {"covering": "1", "national": "0"}


def state_items(query: QueryDict, *, drop: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """The canonical (key, value) pairs of a results state: stable order, no empty, default or repeat."""
    items: list[tuple[str, str]] = []
    for key in STATE_KEYS:
        values = [value for value in (str(raw).strip() for raw in query.getlist(key)) if value]
        if key in FLAGS:
            values = values[-1:]  # the last one counts: a checked box comes after its hidden "0"
        if key in drop or values == [FLAGS.get(key)]:
            continue
        if key == "covering" and not query.get("territory", "").strip():
            continue  # only means something for a territory (the form sends it on every search)
        items.extend((key, value) for value in dict.fromkeys(values))
    return items


def url_with(path: str, items: list[tuple[str, str]]) -> str:
    """A path with its query string."""
    return f"{path}?{urlencode(items)}" if items else path


def facet_groups(results: SearchResults) -> list[dict[str, object]]:
    """Facets as the results template shows them."""
    return [
        {
            "name": name,
            "title": BY_FIELD[name].title,
            "param": BY_FIELD[name].param,
            "values": values,
            "open": name in FACETS_OPEN or any(v.selected for v in values),
            "selected": sum(1 for v in values if v.selected),
        }
        for name, values in results.facets.items()
        if values
    ]


def latest_projects(limit: int = 6) -> list[Project]:
    """The most recently updated published projects."""
    try:
        hits = project_search(params=SearchParams(per_page=limit), with_points=False).hits
    except SearchFailed:
        return list(Project.objects.filter(is_published=True).order_by("-updated_at", "-pk")[:limit])
    return project_list_for_hits(hits)


def search_overview() -> tuple[SearchResults, int]:
    """Count and facets of the whole corpus, and the status to answer with (503 when the engine fails).

    Degraded, the count comes from the database and the page says why facets are missing; the 503 also
    keeps it out of the page cache.
    """
    try:
        return project_search(params=SearchParams(per_page=0), with_points=False), 200
    except SearchFailed:
        total = Project.objects.filter(is_published=True).count()
        return SearchResults(total=total, page=1, per_page=0, message=UNAVAILABLE), 503


def partners(results: SearchResults) -> list[dict[str, object]]:
    """Partner platforms with their number of published projects (index counts, else the database)."""
    counts = {value.code: value.count for value in results.facets.get("source", [])}
    rows = []
    # A partner's new source waits for the administrators' validation before it shows anywhere public.
    sources = Source.objects.filter(enabled=True, review_status=Source.Review.VALIDATED).order_by("name")
    for source in sources.only("slug", "name", "website", "fictional", "licence"):
        rows.append(
            {
                "slug": source.slug,
                "name": source.name,
                "website": source.website,
                "fictional": source.fictional,
                "licence": source.licence,
                "count": counts.get(source.slug, 0),
                "initials": "".join(word[0] for word in source.name.split()[:2]).upper(),
            }
        )
    return sorted(rows, key=lambda row: (-int(str(row["count"])), str(row["name"])))
