"""Facet counts: each facet counted under every active criterion but its own (multi-select)."""

from __future__ import annotations

from typing import NamedTuple

import tantivy
from tantivy import Query

from carrefour.search.criteria import BY_FIELD, FACET_SIZE, FACETS, facet_labels
from carrefour.search.query_build import query_combine
from carrefour.search.storage import index_version

FICTIONAL = "fictional"  # counted with the facets: whether the result set holds simulated projects
_everything: dict[tuple[str, int], dict[str, dict[str, int]]] = {}


class FacetValue(NamedTuple):
    """One value of a facet with the number of matching projects."""

    code: str
    label: str
    count: int  # type: ignore[assignment]  # shadows tuple.count on purpose: (code, label, count)
    selected: bool = False


def _aggregate(searcher: tantivy.Searcher, query: Query, names: list[str]) -> dict[str, dict[str, int]]:
    """Terms counts of some facets over one query, in one aggregation."""
    sizes = {name: BY_FIELD[name].size if name in BY_FIELD else FACET_SIZE for name in names}
    spec = {name: {"terms": {"field": name, "size": size}} for name, size in sizes.items()}
    result = searcher.aggregate(query, spec)
    counts: dict[str, dict[str, int]] = {}
    for name in names:
        buckets = result.get(name, {}).get("buckets", [])
        counts[name] = {str(b.get("key_as_string", b["key"])): int(b["doc_count"]) for b in buckets}
    return counts


def _everything_counts(searcher: tantivy.Searcher) -> dict[str, dict[str, int]] | None:
    """Counts of every facet over the whole index, kept per index version (None: no version)."""
    version = index_version()
    if version is None:
        return None
    if version not in _everything:
        # The same for everyone until the index changes; themes and publics cost most over everything.
        counts = _aggregate(searcher, Query.all_query(), [*FACETS, FICTIONAL])
        _everything.clear()
        _everything[version] = counts
    return _everything[version]


def facet_counts(
    searcher: tantivy.Searcher, base: list[Query], filters: dict[str, Query]
) -> dict[str, dict[str, int]]:
    """Counts per facet value (each under every filter but its own), and of fictional projects."""
    groups: list[tuple[list[Query], list[str]]] = []
    shared = [name for name in FACETS if name not in filters]
    groups.append((base + list(filters.values()), [*shared, FICTIONAL]))
    for name in filters:
        groups.append((base + [query for other, query in filters.items() if other != name], [name]))
    counts: dict[str, dict[str, int]] = {}
    for parts, names in groups:
        # A facet counted under no criterion (its own filter only) counts the whole index: cached.
        everything = _everything_counts(searcher) if not parts else None
        if everything is not None:
            counts.update({name: everything[name] for name in names})
        else:
            counts.update(_aggregate(searcher, query_combine(parts), names))
    return counts


def facets_labelled(
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
