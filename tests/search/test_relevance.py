"""Relevance on the judged query set (bench/relevance): nDCG@10 and recall@20 above the agreed floor."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bench.relevance.loader import truth_load, truth_read, world_generate
from bench.relevance.score import ALL_ON, evaluate, judgments, queries_load
from carrefour.search.services import index_rebuild

# Agreed floors (measured figures in docs/benchmarks.md, « Recherche »).
NDCG10_FLOOR = 0.90
RECALL20_FLOOR = 0.88
MIN_QUERIES = 60


@pytest.fixture(scope="module")
def relevance_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixed world of the judged set (seed 42, 2,000 projects)."""
    return world_generate(tmp_path_factory.mktemp("relevance-world"), projects=2000, seed=42)


@pytest.mark.django_db
def test_judged_set_scores_above_floor(
    relevance_world: Path, territories_loaded: Any, index_dir: Path
) -> None:
    records = list(truth_read(relevance_world))
    ids = truth_load(relevance_world)
    index_rebuild()
    judged = judgments(records, ids)
    assert len(judged) >= MIN_QUERIES
    assert all(relevant for _query, relevant in judged), "every judged query has relevant projects"
    scores = evaluate(judged, ALL_ON)
    print(json.dumps({"ndcg10": scores.ndcg10, "recall20": scores.recall20, "by_kind": scores.by_kind}))
    assert scores.ndcg10 >= NDCG10_FLOOR
    assert scores.recall20 >= RECALL20_FLOOR


def test_queries_file_is_explicit() -> None:
    for query in queries_load():
        assert {"q", "kind"} <= set(query)
        assert {"archetype", "themes_all"} & set(query), query["q"]
