"""Search selectors: full text with French analysis, facet counts, map points."""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import tantivy
from tantivy import Occur, Query

from carrefour.projects.models import Project
from carrefour.search.labels import facet_labels
from carrefour.search.query import query_sanitize
from carrefour.search.schema import FACETS, TEXT_BOOSTS
from carrefour.search.storage import index_open

logger = logging.getLogger(__name__)
PER_PAGE_MAX = 100
MAX_WINDOW = 10_000  # deepest result reachable by paging
POINTS_MAX = 3_000
SNIPPET_CHARS = 240
FACET_SIZE = 200
NO_INDEX = "Le moteur de recherche est en cours de préparation : réessayez dans quelques minutes."


class FacetValue(NamedTuple):
    """One value of a facet with the number of matching projects."""

    code: str
    label: str
    count: int  # type: ignore[assignment]  # shadows tuple.count on purpose: (code, label, count)
    selected: bool = False


class MapPoint(NamedTuple):
    """A located project for the map."""

    id: int
    lat: float
    lon: float
    title: str


@dataclass(frozen=True)
class SearchHit:
    """One result: project id, relevance score and highlighted HTML snippet (escaped by tantivy)."""

    project_id: int
    score: float
    snippet: str


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

    @property
    def pages(self) -> int:
        """Number of pages reachable by paging."""
        reachable = min(self.total, MAX_WINDOW)
        return max(1, math.ceil(reachable / self.per_page)) if self.per_page else 1


def _count(result: tantivy.SearchResult) -> int:
    """Number of matching documents (the type stubs of tantivy lack `SearchResult.count`)."""
    return int(getattr(result, "count", 0) or 0)


def page_max(per_page: int) -> int:
    """Deepest page number allowed for a page size."""
    return max(1, MAX_WINDOW // max(per_page, 1))


def _text_query(index: tantivy.Index, q: str) -> tuple[Query | None, str]:
    """Parsed full-text query (None = everything) and a message for the visitor."""
    sanitized = query_sanitize(q)
    if not sanitized.text:
        message = sanitized.message or (
            "Aucun mot à rechercher : tous les projets sont affichés." if q.strip() else ""
        )
        return None, message
    fields = list(TEXT_BOOSTS)
    try:
        query = index.parse_query(
            sanitized.text, fields, field_boosts=TEXT_BOOSTS, conjunction_by_default=True
        )
    except ValueError:
        logger.warning("unparsable sanitized query %r", sanitized.text)
        query, _errors = index.parse_query_lenient(sanitized.text, fields, field_boosts=TEXT_BOOSTS)
    return query, sanitized.message


def _combine(parts: Sequence[Query]) -> Query:
    """Conjunction of queries; everything when empty."""
    if not parts:
        return Query.all_query()
    if len(parts) == 1:
        return parts[0]
    return Query.boolean_query([(Occur.Must, part) for part in parts])


def _facet_counts(
    searcher: tantivy.Searcher, text: Query | None, filters: dict[str, Query]
) -> dict[str, dict[str, int]]:
    """Counts per facet value; each facet is counted under every filter but its own (multi-select)."""
    base = [text] if text is not None else []
    groups: list[tuple[Query, list[str]]] = []
    shared = [name for name in FACETS if name not in filters]
    if shared:
        groups.append((_combine(base + list(filters.values())), shared))
    for name in filters:
        others = [query for other, query in filters.items() if other != name]
        groups.append((_combine(base + others), [name]))
    counts: dict[str, dict[str, int]] = {}
    for query, names in groups:
        spec = {name: {"terms": {"field": name, "size": FACET_SIZE}} for name in names}
        result = searcher.aggregate(query, spec)
        for name in names:
            buckets = result.get(name, {}).get("buckets", [])
            counts[name] = {str(b["key"]): int(b["doc_count"]) for b in buckets}
    return counts


def _facets_labelled(
    counts: dict[str, dict[str, int]], selected: dict[str, list[str]]
) -> dict[str, list[FacetValue]]:
    """Facet values with labels, most frequent first (years: most recent first); selections kept."""
    facets: dict[str, list[FacetValue]] = {}
    for name in FACETS:
        values = dict(counts.get(name, {}))
        chosen = set(selected.get(name, []))
        for code in chosen:
            values.setdefault(code, 0)
        labels = facet_labels(name) if values else {}
        items = [FacetValue(code, labels.get(code, code), n, code in chosen) for code, n in values.items()]
        if name == "start_year":
            items.sort(key=lambda v: v.code, reverse=True)
        else:
            items.sort(key=lambda v: (-v.count, v.label))
        facets[name] = items
    return facets


def _hits(
    searcher: tantivy.Searcher,
    index: tantivy.Index,
    query: Query,
    text: Query | None,
    offset: int,
    limit: int,
) -> tuple[int, list[SearchHit]]:
    """Total and one page of hits (by relevance, or most recently updated first without words)."""
    # tantivy panics on limit=0: fetch one hit and drop it when only the count is wanted.
    order_by = "updated" if text is None else None
    result = searcher.search(query, limit=max(limit, 1), offset=offset, order_by_field=order_by)
    addresses = [address for _score, address in result.hits][:limit]
    ids = searcher.fast_field_values("id", addresses) if addresses else []
    generator = None
    if text is not None and addresses:
        generator = tantivy.SnippetGenerator.create(searcher, text, index.schema, "body")
        generator.set_max_num_chars(SNIPPET_CHARS)
    hits = []
    for (score, address), project_id in zip(result.hits[:limit], ids, strict=True):
        if project_id is None:
            continue
        snippet = generator.snippet_from_doc(searcher.doc(address)).to_html() if generator else ""
        hits.append(SearchHit(int(project_id), float(score) if text is not None else 0.0, snippet))
    return _count(result), hits


def _points(searcher: tantivy.Searcher, query: Query) -> list[MapPoint]:
    """Located projects of the result set, capped at POINTS_MAX."""
    located = _combine([query, Query.exists_query("lat")])
    result = searcher.search(located, limit=POINTS_MAX, count=False)
    addresses = [address for _score, address in result.hits]
    if not addresses:
        return []
    ids = searcher.fast_field_values("id", addresses)
    lats = searcher.fast_field_values("lat", addresses)
    lons = searcher.fast_field_values("lon", addresses)
    # Titles from the database: much cheaper than loading thousands of stored documents.
    titles = dict(Project.objects.filter(id__in=[i for i in ids if i is not None]).values_list("id", "title"))
    return [
        MapPoint(int(i), float(lat), float(lon), titles[int(i)])
        for i, lat, lon in zip(ids, lats, lons, strict=True)
        if i is not None and lat is not None and lon is not None and int(i) in titles
    ]


def project_search(
    *,
    q: str = "",
    themes: Iterable[str] = (),
    regions: Iterable[str] = (),
    departements: Iterable[str] = (),
    actor_types: Iterable[str] = (),
    publics: Iterable[str] = (),
    scales: Iterable[str] = (),
    statuses: Iterable[str] = (),
    sources: Iterable[str] = (),
    start_years: Iterable[str] = (),
    page: int = 1,
    per_page: int = 20,
    with_points: bool = True,
) -> SearchResults:
    """Search published projects: words (French), facet filters (OR within a facet, AND across)."""
    if not 0 <= per_page <= PER_PAGE_MAX or not 1 <= page <= page_max(per_page):
        raise ValueError("page or per_page out of range")
    index = index_open()
    if index is None:
        return SearchResults(total=0, page=page, per_page=per_page, message=NO_INDEX)
    selected = {
        name: sorted({str(v) for v in values if v})
        for name, values in zip(
            FACETS,
            (themes, publics, actor_types, regions, departements, scales, statuses, sources, start_years),
            strict=True,
        )
    }
    selected = {name: values for name, values in selected.items() if values}
    searcher = index.searcher()
    text, message = _text_query(index, q)
    filters = {name: Query.term_set_query(index.schema, name, values) for name, values in selected.items()}
    query = _combine(([text] if text is not None else []) + list(filters.values()))
    total, hits = _hits(searcher, index, query, text, (page - 1) * per_page, per_page)
    fictional = _combine([query, Query.term_query(index.schema, "fictional", True)])
    return SearchResults(
        total=total,
        page=page,
        per_page=per_page,
        hits=hits,
        facets=_facets_labelled(_facet_counts(searcher, text, filters), selected),
        points=_points(searcher, query) if with_points else [],
        message=message,
        has_fictional=_count(searcher.search(fictional, limit=1)) > 0,
    )


def project_list_for_hits(hits: Sequence[SearchHit]) -> list[Project]:
    """Published projects of a page of hits, in hit order, with their sources."""
    ids = [hit.project_id for hit in hits]
    projects = Project.objects.filter(id__in=ids, is_published=True).prefetch_related("sources__source")
    by_id = {project.pk: project for project in projects}
    return [by_id[i] for i in ids if i in by_id]
