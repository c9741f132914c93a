"""Search selectors: free, fielded and territorial search with facets, map points and relaxations."""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import tantivy
from tantivy import Order, Query

from carrefour.projects.models import Project
from carrefour.projects.selectors import project_queryset
from carrefour.search.criteria import BY_FIELD
from carrefour.search.engine import engine_guard
from carrefour.search.facets import FICTIONAL, FacetValue, facet_counts, facets_labelled
from carrefour.search.params import (
    MAX_WINDOW,
    PER_PAGE_MAX,
    SORT_ALIASES,
    SORTS,
    SearchParams,
    page_max,
)
from carrefour.search.plan import SearchPlan, search_plan_build
from carrefour.search.query import plain_words, query_parse
from carrefour.search.query_build import ALL_FEATURES, HIGHLIGHT, QueryBuilder, SearchFeatures, query_combine
from carrefour.search.schema import EXCERPT_CHARS
from carrefour.search.storage import index_open
from carrefour.search.territory import Territory

logger = logging.getLogger(__name__)
POINTS_MAX = 3_000
SNIPPET_CHARS = 240
RELAXATIONS_MAX = 4
EVERYTHING = SearchParams()
NO_INDEX = "Le moteur de recherche est en cours de préparation : réessayez dans quelques minutes."
__all__ = [
    "MAX_WINDOW",
    "PER_PAGE_MAX",
    "FacetValue",
    "SearchFeatures",
    "SearchParams",
    "project_list_for_hits",
    "project_search",
]


class MapPoint(NamedTuple):
    """A located project for the map."""

    id: int
    lat: float
    lon: float
    title: str


@dataclass(frozen=True)
class SearchHit:
    """One result: project id, relevance score, highlighted HTML snippet (escaped), distance in km.

    `record` (with_records=True) is the project in the common schema as of its last indexing, JSON-encoded
    (UTF-8) as stored: the API splices it into its response without decoding it.
    """

    project_id: int
    score: float
    snippet: str
    distance_km: float | None = None
    record: bytes | None = None


@dataclass(frozen=True)
class Relaxation:
    """A way out of zero results: drop `param` (`value` of it) or search `q=value`; `count` results then."""

    label: str
    param: str
    value: str
    count: int


@dataclass
class SearchResults:
    """A page of results with facets and map points for the whole result set."""

    total: int
    page: int
    per_page: int
    hits: list[SearchHit] = field(default_factory=list)
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    points: list[MapPoint] = field(default_factory=list)
    message: str = ""
    has_fictional: bool = False
    territory: Territory | None = None
    center: tuple[float, float] | None = None  # point of an "around" search
    radius_km: float | None = None
    sort: str = "relevance"
    relaxations: list[Relaxation] = field(default_factory=list)

    @property
    def pages(self) -> int:
        """Number of pages reachable by paging."""
        reachable = min(self.total, MAX_WINDOW)
        return max(1, math.ceil(reachable / self.per_page)) if self.per_page else 1


def _count(result: tantivy.SearchResult) -> int:
    """Number of matching documents (the type stubs of tantivy lack `SearchResult.count`)."""
    return int(getattr(result, "count", 0) or 0)


def _ranked(
    searcher: tantivy.Searcher,
    plan: SearchPlan,
    sort: str,
    distances: dict[int, float],
    window: tuple[int, int],
) -> tuple[int, list[tuple[int, float, tantivy.DocAddress]]]:
    """Total and one page of (project id, score, address) in the order asked."""
    query, (offset, limit) = plan.query(), window
    if sort == "distance" and distances:
        result = searcher.search(query, limit=max(len(distances), 1), count=True)
        addresses = [address for _score, address in result.hits]
        found = [
            (int(i), 0.0, address)
            for i, address in zip(searcher.fast_field_values("id", addresses), addresses, strict=True)
            if i is not None
        ]
        found.sort(key=lambda row: (distances.get(row[0], math.inf), row[0]))
        return _count(result), found[offset : offset + limit]
    order_by, order = None, Order.Desc
    if sort == "date" or (sort == "relevance" and plan.text is None):
        order_by = "updated"
    elif sort == "title":
        order_by, order = "title_sort", Order.Asc
    # tantivy panics on limit=0: fetch one hit and drop it when only the count is wanted.
    result = searcher.search(query, limit=max(limit, 1), offset=offset, order_by_field=order_by, order=order)
    pairs = result.hits[:limit]
    ids = searcher.fast_field_values("id", [address for _score, address in pairs]) if pairs else []
    return _count(result), [
        (int(i), float(score) if order_by is None else 0.0, address)
        for (score, address), i in zip(pairs, ids, strict=True)
        if i is not None
    ]


def _snippet(generator: tantivy.SnippetGenerator, doc: tantivy.Document) -> str:
    """Highlighted HTML snippet from the start of a hit's stored excerpt."""
    scanned = tantivy.Document()
    scanned.add_text("excerpt", str(doc.get_first("excerpt") or "")[:EXCERPT_CHARS])
    return generator.snippet_from_doc(scanned).to_html()


def _hits(
    searcher: tantivy.Searcher,
    index: tantivy.Index,
    plan: SearchPlan,
    sort: str,
    window: tuple[int, int],
    with_records: bool,
) -> tuple[int, list[SearchHit]]:
    """Total and one page of hits, with snippets (words searched) and stored records (asked)."""
    total, ranked = _ranked(searcher, plan, sort, plan.distances, window)
    generator = None
    if plan.text is not None and ranked and plan.parsed is not None:
        highlight = QueryBuilder(index.schema, HIGHLIGHT, {"excerpt": 1.0}).build(plan.parsed.tree)
        generator = tantivy.SnippetGenerator.create(searcher, highlight or plan.text, index.schema, "excerpt")
        generator.set_max_num_chars(SNIPPET_CHARS)
    hits = []
    for project_id, score, address in ranked:
        doc = searcher.doc(address) if generator or with_records else None
        snippet = _snippet(generator, doc) if generator and doc else ""
        record = doc.get_first("record") if with_records and doc else None
        hits.append(SearchHit(project_id, score, snippet, plan.distances.get(project_id), record or None))
    return total, hits


def search_located(searcher: tantivy.Searcher, query: Query, *, limit: int) -> list[tuple[int, float, float]]:
    """(id, lat, lon) of the first located matches, read from fast fields (no stored document)."""
    located = query_combine([query, Query.exists_query("lat")])
    result = searcher.search(located, limit=limit, count=False)
    addresses = [address for _score, address in result.hits]
    if not addresses:
        return []
    ids = searcher.fast_field_values("id", addresses)
    lats = searcher.fast_field_values("lat", addresses)
    lons = searcher.fast_field_values("lon", addresses)
    return [
        (int(i), float(lat), float(lon))
        for i, lat, lon in zip(ids, lats, lons, strict=True)
        if i is not None and lat is not None and lon is not None
    ]


def _points(searcher: tantivy.Searcher, query: Query) -> list[MapPoint]:
    """Located projects of the result set, capped at POINTS_MAX."""
    located = search_located(searcher, query, limit=POINTS_MAX)
    # Titles from the database: much cheaper than loading thousands of stored documents.
    titles = dict(Project.objects.filter(id__in=[i for i, _, _ in located]).values_list("id", "title"))
    return [MapPoint(i, lat, lon, titles[i]) for i, lat, lon in located if i in titles]


CLAUSE_LABELS = {
    "q": "sans le lieu écrit dans la recherche",
    "territory": "sans limite de territoire",
    "near": "sans limite de distance",
    "bbox": "hors de la zone de la carte",
    "start_year_min": "sans bornes d'année de démarrage",
    "updated_min": "sans bornes de mise à jour",
}


def _relaxations(searcher: tantivy.Searcher, plan: SearchPlan) -> list[Relaxation]:
    """When nothing matches: what dropping one word or one criterion would give, best first."""
    found: list[Relaxation] = []
    text_parts = [plan.text] if plan.text is not None else []
    others = list(plan.clauses.values()) + list(plan.filters.values())
    for word in plain_words(plan.parsed.tree if plan.parsed else None)[:8]:
        relaxed_q = " ".join(re.sub(rf"(?i)(?<!\w){re.escape(word)}(?!\w)", " ", plan.q, count=1).split())
        relaxed = plan.builder.build(query_parse(relaxed_q).tree)
        count = _count(searcher.search(query_combine(([relaxed] if relaxed else []) + others), limit=1))
        found.append(Relaxation(f"sans le mot « {word} »", "q", f"{relaxed_q} {plan.place}".strip(), count))
    for (param, value), _clause in plan.clauses.items():
        kept = [c for key, c in plan.clauses.items() if key != (param, value)]
        count = _count(
            searcher.search(query_combine(text_parts + kept + list(plan.filters.values())), limit=1)
        )
        found.append(Relaxation(CLAUSE_LABELS.get(param, param), param, value, count))
    for name in plan.filters:
        kept_filters = [f for other, f in plan.filters.items() if other != name]
        count = _count(searcher.search(query_combine(plan.base() + kept_filters), limit=1))
        criterion = BY_FIELD[name]
        found.append(Relaxation(f"sans le filtre « {criterion.title} »", criterion.param, "", count))
    useful = sorted((r for r in found if r.count > 0), key=lambda r: -r.count)
    return useful[:RELAXATIONS_MAX]


@engine_guard("search")
def project_search(
    *,
    params: SearchParams = EVERYTHING,
    with_points: bool = True,
    places: bool = True,
    features: SearchFeatures = ALL_FEATURES,
    with_facets: bool = True,
    with_records: bool = False,
) -> SearchResults:
    """Search published projects: words, facets (OR within, AND across), territory, ranges, sort.

    Raises SearchFailed (logged) when the engine fails on the query.
    """
    page, per_page = params.page, params.per_page
    sort = SORT_ALIASES.get(params.sort, params.sort)
    if not 0 <= per_page <= PER_PAGE_MAX or not 1 <= page <= page_max(per_page) or sort not in SORTS:
        raise ValueError("page, per_page or sort out of range")
    index = index_open()
    if index is None:
        return SearchResults(total=0, page=page, per_page=per_page, message=NO_INDEX, sort=sort)
    schema, searcher = index.schema, index.searcher()
    plan = search_plan_build(searcher, schema, params=params, places=places, features=features)
    center, distances, selected = plan.center, plan.distances, plan.selected
    if sort == "distance" and center is None:
        plan.notes.append("Le tri par distance demande un lieu (autour de…) : tri par pertinence.")
        sort = "relevance"
    if center is not None and not distances and sort == "distance":
        sort = "relevance"
    total, hits = _hits(searcher, index, plan, sort, ((page - 1) * per_page, per_page), with_records)
    query = plan.query()
    if with_facets:
        counts = facet_counts(searcher, plan.base(), plan.filters)
        fictional = counts.get(FICTIONAL, {}).get("true", 0) > 0
    else:
        counts = {}
        only_fictional = query_combine([query, Query.term_query(schema, "fictional", True)])
        fictional = _count(searcher.search(only_fictional, limit=1)) > 0
    return SearchResults(
        total=total,
        page=page,
        per_page=per_page,
        hits=hits,
        facets=facets_labelled(counts, selected) if with_facets else {},
        points=_points(searcher, query) if with_points else [],
        message=" ".join(plan.notes),
        has_fictional=fictional,
        territory=plan.territory,
        center=center,
        radius_km=params.radius_km if center is not None else None,
        sort=sort,
        relaxations=_relaxations(searcher, plan) if total == 0 else [],
    )


def project_list_for_hits(hits: Sequence[SearchHit]) -> list[Project]:
    """Published projects of a page of hits, in hit order, with their sources."""
    ids = [hit.project_id for hit in hits]
    projects = project_queryset().filter(id__in=ids)
    by_id = {project.pk: project for project in projects}
    return [by_id[i] for i in ids if i in by_id]
