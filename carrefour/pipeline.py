"""The pipeline after fetching: normalize → locate → cluster → canonical project → search index.

Records are processed in batches held in memory, read and written in bulk; de-duplication then
re-decides only the neighbourhood of the records that really changed, and only the projects of the
clusters that changed are merged again and re-indexed.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from carrefour.dedup.services import clusters_update
from carrefour.dedup.signature import signature_build
from carrefour.harvest.models import RawRecord
from carrefour.normalize.models import Record
from carrefour.normalize.services import record_normalize
from carrefour.projects.services import projects_sync
from carrefour.search.services import index_update
from carrefour.territories.ban import locations_refine_online
from carrefour.territories.services import location_resolve

BATCH = 1000
Progress = Callable[[int, int], None]
_STORED = ("data", "errors", "warnings", "is_valid", "unmapped", "inferred", "raw_hash")


@dataclass
class PipelineSummary:
    """What one pass of the pipeline did."""

    records: int = 0
    unchanged: int = 0
    invalid: int = 0
    unlocated: int = 0
    projects_changed: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0

    def as_text(self) -> str:
        """One-line French summary for commands."""
        reasons = ", ".join(f"{reason} : {n}" for reason, n in self.errors.most_common(5))
        return (
            f"{self.records} fiches traitées, {self.unchanged} inchangées, {self.invalid} rejetées"
            f"{' (' + reasons + ')' if reasons else ''}, {self.unlocated} non localisées, "
            f"{self.projects_changed} projets créés ou modifiés en {self.seconds:.1f} s"
        )


def record_values(raw: RawRecord) -> dict[str, Any]:
    """Column values of the Record built from one raw record: normalized, then located offline."""
    result = record_normalize(raw.payload, raw.source.definition)
    location = location_resolve(**result.location_input)
    result.data["location"] = location.to_dict()
    warnings = [{"field": "location", "message": location.error}] if location.error else []
    return {
        "data": result.data,
        "errors": result.errors,
        "warnings": warnings,
        "is_valid": result.is_valid,
        "unmapped": result.unmapped,
        "inferred": result.inferred,
        "raw_hash": raw.content_hash,
    }


@dataclass
class _Batch:
    """Records of one batch whose stored values differ from what the pipeline now computes."""

    creates: list[Record] = field(default_factory=list)
    updates: list[Record] = field(default_factory=list)
    clusters: set[int] = field(default_factory=set)  # unchanged records whose raw state may have moved


def _batch_process(ids: list[int], summary: PipelineSummary, force: bool) -> _Batch:
    """Normalize and locate one batch in memory; records to write."""
    raws = RawRecord.objects.filter(pk__in=ids).select_related("source").order_by("pk")
    records = {r.raw_id: r for r in Record.objects.filter(raw_id__in=ids).select_related("membership")}
    batch = _Batch()
    computed: list[tuple[RawRecord, Record | None, dict[str, Any]]] = []
    for raw in raws:
        summary.records += 1
        record = records.get(raw.pk)
        if record is not None and record.raw_hash == raw.content_hash and not force:
            summary.unchanged += 1
            if hasattr(record, "membership"):
                # Same content, but the publication may have been marked gone: the project must know.
                batch.clusters.add(record.membership.cluster_id)
            continue
        computed.append((raw, record, record_values(raw)))
    locations_refine_online([values["data"]["location"] for *_, values in computed])
    for raw, record, values in computed:
        if values["warnings"]:
            summary.unlocated += 1
        if not values["is_valid"]:
            summary.invalid += 1
            summary.errors.update(error["message"] for error in values["errors"])
        if record is None:
            batch.creates.append(Record(raw=raw, **values))
        elif any(getattr(record, name) != values[name] for name in _STORED):
            for name, value in values.items():
                setattr(record, name, value)
            batch.updates.append(record)
        else:
            summary.unchanged += 1
    return batch


def pipeline_process(
    raw_ids: Iterable[int],
    *,
    force: bool = False,
    progress: Progress | None = None,
    update_index: bool = True,
) -> PipelineSummary:
    """Run every stage after fetching on the given raw records, then update the search index.

    `force` re-normalizes records whose raw content did not change (after a vocabulary edit); only
    those whose result differs are written, re-clustered, merged and re-indexed.
    """
    started = time.monotonic()
    ids = sorted(set(raw_ids))
    summary = PipelineSummary()
    signatures: dict[int, dict[str, Any]] = {}
    removed: set[int] = set()
    clusters: set[int] = set()
    with transaction.atomic():
        for start in range(0, len(ids), BATCH):
            batch = _batch_process(ids[start : start + BATCH], summary, force)
            Record.objects.bulk_create(batch.creates, batch_size=BATCH)
            Record.objects.bulk_update(batch.updates, list(_STORED), batch_size=200)
            clusters |= batch.clusters
            for record in batch.creates + batch.updates:
                if record.is_valid:
                    signatures[record.pk] = signature_build(record.data, record.raw.source_id)
                else:
                    removed.add(record.pk)
            if progress:
                progress(min(start + BATCH, len(ids)), len(ids))
        clusters |= clusters_update(signatures, removed)
        changed = projects_sync(clusters)
    summary.projects_changed = len(changed)
    if update_index and changed:
        index_update(changed)
    summary.seconds = time.monotonic() - started
    return summary
