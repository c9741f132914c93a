"""Score the search engine on the judged query set: nDCG@10 and recall@20, per feature switched on.

python -m bench.relevance.score     (uses a throwaway SQLite database and index, prints a table)
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from carrefour.search.criteria import BY_PARAM
from carrefour.search.params import SearchParams
from carrefour.search.query_build import SearchFeatures
from carrefour.search.selectors import project_search
from carrefour.territories.gazetteer import distance_km

QUERIES = Path(__file__).with_name("queries.yaml")
ALL_ON = SearchFeatures()
ALL_OFF = SearchFeatures(stemming=False, typos=False, synonyms=False, boosts=False)
# Configurations reported: everything off, each feature alone on, everything on.
CONFIGURATIONS: dict[str, SearchFeatures] = {
    "aucune": ALL_OFF,
    "racinisation": replace(ALL_OFF, stemming=True),
    "fautes de frappe": replace(ALL_OFF, typos=True),
    "synonymes": replace(ALL_OFF, synonyms=True),
    "pondération des champs": replace(ALL_OFF, boosts=True),
    "tout": ALL_ON,
}


@dataclass(frozen=True)
class Scores:
    """Mean nDCG@10 and recall@20 over queries, and per kind of query."""

    ndcg10: float
    recall20: float
    by_kind: dict[str, tuple[float, float]]


def queries_load() -> list[dict[str, Any]]:
    """The judged queries."""
    return list(yaml.safe_load(QUERIES.read_text(encoding="utf-8"))["queries"])


def is_relevant(query: dict[str, Any], record: dict[str, Any]) -> bool:
    """Whether a truth record meets every criterion of a query."""
    location = record.get("location") or {}
    if "archetype" in query and record.get("archetype") not in query["archetype"]:
        return False
    if not set(query.get("themes_all", [])) <= set(record.get("themes") or []):
        return False
    for key in ("region", "departement"):
        if key in query and location.get(f"{key}_code") != query[key]:
            return False
    if "near" in query:
        lat, lon, km = query["near"]
        if location.get("latitude") is None:
            return False
        return distance_km(lat, lon, location["latitude"], location["longitude"]) <= km
    return True


def judgments(records: list[dict[str, Any]], ids: dict[str, int]) -> list[tuple[dict[str, Any], set[int]]]:
    """Each query with the project ids of its relevant records."""
    return [
        (query, {ids[r["id"]] for r in records if r["id"] in ids and is_relevant(query, r)})
        for query in queries_load()
    ]


def ndcg_at(ranked: list[int], relevant: set[int], k: int = 10) -> float:
    """Binary-gain nDCG@k."""
    dcg = sum(1 / math.log2(n + 2) for n, pid in enumerate(ranked[:k]) if pid in relevant)
    ideal = sum(1 / math.log2(n + 2) for n in range(min(len(relevant), k)))
    return dcg / ideal if ideal else 0.0


def recall_at(ranked: list[int], relevant: set[int], k: int = 20) -> float:
    """Share of the relevant projects in the top k (out of at most k: a page cannot hold more)."""
    return len(set(ranked[:k]) & relevant) / min(len(relevant), k) if relevant else 0.0


def _search(query: dict[str, Any], features: SearchFeatures) -> list[int]:
    """Ranked project ids of a judged query."""
    criteria = dict(query.get("params") or {})
    filters = {BY_PARAM[key].field: [criteria.pop(key)] for key in list(criteria) if key in BY_PARAM}
    params = SearchParams(q=query["q"], per_page=20, filters=filters, **criteria)
    results = project_search(params=params, with_points=False, with_facets=False, features=features)
    return [hit.project_id for hit in results.hits]


def evaluate(
    judged: list[tuple[dict[str, Any], set[int]]],
    features: SearchFeatures,
    search: Callable[[dict[str, Any], SearchFeatures], list[int]] = _search,
) -> Scores:
    """Mean scores of one configuration."""
    per_kind: dict[str, list[tuple[float, float]]] = {}
    for query, relevant in judged:
        ranked = search(query, features)
        per_kind.setdefault(query["kind"], []).append(
            (ndcg_at(ranked, relevant), recall_at(ranked, relevant))
        )
    pairs = [pair for values in per_kind.values() for pair in values]
    mean = lambda values, i: sum(v[i] for v in values) / len(values)  # noqa: E731
    return Scores(
        mean(pairs, 0),
        mean(pairs, 1),
        {kind: (mean(values, 0), mean(values, 1)) for kind, values in per_kind.items()},
    )


def report() -> None:
    """Load the fixed world into the configured (empty, migrated) database; print scores per configuration."""
    from bench.relevance.loader import truth_load, truth_read, world_generate
    from carrefour.search.services import index_rebuild
    from carrefour.territories.loader import territories_load

    territories_load(log=lambda _line: None)
    truth = world_generate(Path(os.environ["CARREFOUR_DATA_DIR"]) / "world", projects=2000, seed=42)
    ids = truth_load(truth)
    index_rebuild()
    judged = judgments(list(truth_read(truth)), ids)
    kinds = sorted({query["kind"] for query, _relevant in judged})
    print(f"{len(judged)} requêtes jugées ; par type : nDCG@10/rappel@20")
    print("| fonctions actives | nDCG@10 | rappel@20 | " + " | ".join(kinds) + " |")
    for name, features in CONFIGURATIONS.items():
        scores = evaluate(judged, features)
        cells = " | ".join(f"{scores.by_kind[k][0]:.2f}/{scores.by_kind[k][1]:.2f}" for k in kinds)
        print(f"| {name} | {scores.ndcg10:.3f} | {scores.recall20:.3f} | {cells} |")
