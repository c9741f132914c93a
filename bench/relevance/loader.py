"""Load a generated world's truth (partner-sites truth.jsonl) straight into Projects, for search only.

Benchmark and relevance code, not product code: no harvest, no normalization, no dedup — each truth
record becomes one published Project with its own Cluster, so search is measured on known data.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from carrefour.dedup.models import Cluster
from carrefour.projects.models import Project
from tests.simulator import PARTNER_SITES

WORLD_DATE = datetime(2026, 1, 15, tzinfo=UTC)
BATCH = 2000


def world_generate(out: Path, *, projects: int, seed: int) -> Path:
    """Generate a world with the simulator (deterministic for a seed); its truth.jsonl."""
    truth = out / "truth.jsonl"
    if not truth.exists():
        cmd = [sys.executable, str(PARTNER_SITES / "generate.py"), "--projects", str(projects)]
        subprocess.run([*cmd, "--seed", str(seed), "--out", str(out)], check=True, capture_output=True)
    return truth


def truth_read(path: Path) -> Iterator[dict[str, Any]]:
    """Valid truth records (invalid ones have no title and are never published)."""
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if not record.get("invalid"):
                yield record


def _project(record: dict[str, Any], cluster: Cluster, number: int) -> Project:
    """An unsaved Project from a truth record."""
    location = record.get("location") or {}
    return Project(
        cluster=cluster,
        title=record["title"][:300],
        summary=record.get("summary") or "",
        description=record.get("description") or "",
        themes=record.get("themes") or [],
        publics=record.get("publics") or [],
        actor_type=record.get("actor_type") or "",
        organization=(record.get("organization") or "")[:300],
        scale=record.get("scale") or "",
        status=record.get("status") or "inconnu",
        start_year=record.get("start_year"),
        website=(record.get("website") or "")[:500],
        commune_code=location.get("commune_code") or "",
        commune_name=location.get("commune_name") or "",
        postal_code=location.get("postal_code") or "",
        departement_code=location.get("departement_code") or "",
        region_code=location.get("region_code") or "",
        latitude=location.get("latitude"),
        longitude=location.get("longitude"),
        precision=location.get("precision") or "",
        fictional=True,
        # A spread of update dates, so that date sorts and ranges have something to work on.
        updated_at=WORLD_DATE - timedelta(hours=number % 9000),
    )


def truth_load(path: Path, *, limit: int | None = None) -> dict[str, int]:
    """Bulk-create one Project (and Cluster) per truth record; truth id → project id."""
    ids: dict[str, int] = {}
    batch: list[dict[str, Any]] = []

    def flush() -> None:
        clusters = Cluster.objects.bulk_create([Cluster() for _ in batch])
        if clusters and clusters[0].pk is None:  # backends that do not return ids (none we use today)
            raise RuntimeError("bulk_create did not return primary keys")
        projects = [
            _project(r, c, len(ids) + n) for n, (r, c) in enumerate(zip(batch, clusters, strict=True))
        ]
        for record, project in zip(batch, Project.objects.bulk_create(projects), strict=True):
            ids[record["id"]] = project.pk
        batch.clear()

    for record in truth_read(path):
        if limit is not None and len(ids) + len(batch) >= limit:
            break
        batch.append(record)
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
    return ids
