"""The pipeline after fetching: normalize → locate → cluster → canonical project → search index.

Records are processed in batches held in memory, read and written in bulk; de-duplication then
re-decides only the neighbourhood of the records whose matching signature changed, and only the projects
of the clusters that changed are merged again and re-indexed.
"""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.pool import AsyncResult
from typing import Any, NamedTuple

from django.db import transaction
from django.db.models import Exists, OuterRef, TextField
from django.db.models.functions import Cast

from carrefour.db.bulk import rows_update, tables_analyze, values_insert
from carrefour.db.lookups import keys_in
from carrefour.dedup.models import Cluster, ClusterMember
from carrefour.dedup.services import clusters_update
from carrefour.dedup.signature import signature_build
from carrefour.harvest.models import RawRecord
from carrefour.normalize.models import Record
from carrefour.normalize.services import record_normalize
from carrefour.projects.services import projects_sync
from carrefour.search.services import IndexDiff, index_check, index_update
from carrefour.sources.models import Source
from carrefour.stop import stop_requested
from carrefour.territories.ban import locations_refine_online
from carrefour.territories.gazetteer import gazetteer_get
from carrefour.territories.services import location_resolve

BATCH = 1000
TASK = 250  # records per worker task: four per batch, so both workers finish a batch together
WORKERS = 2
PARALLEL_MIN = 3000  # below this, starting worker processes costs more than it saves
Progress = Callable[[int, int], None]
Stage = Callable[[str], None]
_STORED = ("data", "errors", "warnings", "is_valid", "unmapped", "inferred", "raw_hash", "raw_state")


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
    # Records left pending because a stop was requested (SIGTERM, Ctrl-C) before their batch.
    left: int = 0
    index: IndexDiff = field(default_factory=IndexDiff)

    def as_text(self) -> str:
        """One-line French summary for commands."""
        reasons = ", ".join(f"{reason} : {n}" for reason, n in self.errors.most_common(5))
        return (
            f"{self.records} fiches traitées, {self.unchanged} inchangées, {self.invalid} rejetées"
            f"{' (' + reasons + ')' if reasons else ''}, {self.unlocated} non localisées, "
            f"{self.projects_changed} projets créés ou modifiés en {self.seconds:.1f} s"
            + (f" ; index réparé ({self.index.as_text()})" if self.index else "")
            + (f" ; interrompu, {self.left} fiches restent à traiter" if self.left else "")
        )


def raw_records_pending() -> list[int]:
    """Ids of the raw records the pipeline has not processed as they are now, whatever stopped it.

    A raw record is done when its Record was built from its current content and its project merged
    with its current state (active or gone): both are written in the pipeline's one transaction, so
    a run killed at any point leaves exactly the unfinished records pending.
    """
    done = Record.objects.filter(
        raw_id=OuterRef("pk"), raw_hash=OuterRef("content_hash"), raw_state=OuterRef("state")
    )
    return list(RawRecord.objects.filter(~Exists(done)).order_by("pk").values_list("pk", flat=True))


def record_values(
    payload: dict[str, Any], definition: dict[str, Any], content_hash: str, raw_state: str
) -> dict[str, Any]:
    """Column values of the Record built from one raw payload: normalized, then located offline."""
    result = record_normalize(payload, definition)
    location = location_resolve(**result.location_input)
    result.data["location"] = location.to_dict()
    warnings = result.warnings + (
        [{"field": "location", "message": location.error}] if location.error else []
    )
    return {
        "data": result.data,
        "errors": result.errors,
        "warnings": warnings,
        "is_valid": result.is_valid,
        "unmapped": result.unmapped,
        "inferred": result.inferred,
        "raw_hash": content_hash,
        "raw_state": raw_state,
    }


# Definitions by source id, set before the worker processes fork: they read it, never the database.
_DEFINITIONS: dict[int, dict[str, Any]] = {}


class Job(NamedTuple):
    """A raw record to normalize, as a worker process receives it."""

    raw_id: int
    source_id: int
    payload: str  # JSON text: the worker decodes it
    content_hash: str
    raw_state: str


class Done(NamedTuple):
    """A raw record normalized by a worker process: its record's column values and its signature."""

    raw_id: int
    values: dict[str, Any]
    signature: dict[str, Any] | None  # None: invalid, the record leaves its cluster


def _jobs_run(jobs: list[Job]) -> list[Done]:
    """Normalize, locate and sign raw payloads (pure CPU: runs in worker processes)."""
    done = []
    for job in jobs:
        values = record_values(
            json.loads(job.payload), _DEFINITIONS[job.source_id], job.content_hash, job.raw_state
        )
        signature = signature_build(values["data"], job.source_id) if values["is_valid"] else None
        done.append(Done(job.raw_id, values, signature))
    return done


@dataclass
class _State:
    """What one pipeline pass has collected so far."""

    summary: PipelineSummary
    force: bool
    signatures: dict[int, dict[str, Any]] = field(default_factory=dict)
    removed: set[int] = field(default_factory=set)
    clusters: set[int] = field(default_factory=set)


def _batch_read(ids: list[int], state: _State) -> tuple[list[Job], dict[int, Record]]:
    """Raw records of a batch that need processing (jobs), with their current records."""
    # The payload is read as JSON text: the worker that normalizes it decodes it.
    raws = RawRecord.objects.filter(keys_in("pk", ids)).values_list(
        "pk", "source_id", "content_hash", "state", Cast("payload", TextField())
    )
    records = {
        r.raw_id: r
        for r in Record.objects.filter(keys_in("raw_id", ids))
        .select_related("membership")
        .defer("membership__signature")
    }
    jobs: list[Job] = []
    moved: list[Record] = []
    for raw_id, source_id, content_hash, raw_state, payload in sorted(raws):
        record = records.get(raw_id)
        state.summary.records += 1
        if record is not None and record.raw_hash == content_hash and not state.force:
            state.summary.unchanged += 1
            if record.raw_state != raw_state:
                # Same content, but the publication was marked gone or came back: the project must know.
                record.raw_state = raw_state
                moved.append(record)
                if hasattr(record, "membership"):
                    state.clusters.add(record.membership.cluster_id)
            continue
        jobs.append(Job(raw_id, source_id, payload, content_hash, raw_state))
    rows_update(moved, ["raw_state"])
    return jobs, records


def _batch_write(done: list[Done], records: dict[int, Record], state: _State) -> None:
    """Store the records whose values changed; collect signatures and records leaving their cluster."""
    summary = state.summary
    locations_refine_online([item.values["data"]["location"] for item in done])
    creates: dict[int, tuple[dict[str, Any], dict[str, Any] | None]] = {}  # by raw id
    updates: list[tuple[Record, dict[str, Any] | None]] = []
    for raw_id, values, signature in done:
        summary.unlocated += any(warning["field"] == "location" for warning in values["warnings"])
        if not values["is_valid"]:
            summary.invalid += 1
            summary.errors.update(error["message"] for error in values["errors"])
        record = records.get(raw_id)
        if record is None:
            creates[raw_id] = ({"raw_id": raw_id, **values}, signature)
        elif any(getattr(record, name) != values[name] for name in _STORED):
            if record.raw_state != values["raw_state"] and hasattr(record, "membership"):
                state.clusters.add(record.membership.cluster_id)  # the project must see gone/back
            for name, value in values.items():
                setattr(record, name, value)
            updates.append((record, signature))
        else:
            summary.unchanged += 1
    # New records are inserted from their values, without model instances, then their keys read back.
    values_insert(Record, [values for values, _ in creates.values()], batch=BATCH)
    keys = Record.objects.filter(keys_in("raw_id", creates)).values_list("raw_id", "pk")
    rows_update([record for record, _ in updates], _STORED)
    written = [(pk, creates[raw_id][1]) for raw_id, pk in sorted(keys)]
    kept = _signatures_kept(updates)
    for record_id, signature in written + [(record.pk, signature) for record, signature in updates]:
        if record_id in kept:
            # Same matching signature (a vocabulary re-applied): its cluster stands, its project merges again.
            state.clusters.add(kept[record_id])
        elif signature is not None:
            state.signatures[record_id] = signature
        else:
            state.removed.add(record_id)


def _signatures_kept(updates: list[tuple[Record, dict[str, Any] | None]]) -> dict[int, int]:
    """Updated records whose new signature is the one their cluster holds: record id → cluster id."""
    clustered = {
        record.pk: signature
        for record, signature in updates
        if signature is not None and hasattr(record, "membership")
    }
    stored = ClusterMember.objects.filter(keys_in("record_id", clustered))
    return {
        record_id: cluster_id
        for record_id, cluster_id, signature in stored.values_list("record_id", "cluster_id", "signature")
        if signature == clustered[record_id]
    }


def _pending_write(pending: tuple[list[AsyncResult[list[Done]]], dict[int, Record]], state: _State) -> None:
    """Wait for a batch's tasks, then write its records."""
    results, records = pending
    _batch_write([done for result in results for done in result.get()], records, state)


def _pool(size: int) -> Any:
    """Worker processes for the CPU-bound stages, or None when not worth it (few records, one core)."""
    workers = min(WORKERS, os.cpu_count() or 1)
    if workers < 2 or size < PARALLEL_MIN:
        return None
    # Forked workers inherit the loaded gazetteer and definitions; they never touch the database.
    gazetteer_get()
    return multiprocessing.get_context("fork").Pool(workers)


def pipeline_process(
    raw_ids: Iterable[int],
    *,
    force: bool = False,
    progress: Progress | None = None,
    stage: Stage | None = None,
    update_index: bool = True,
) -> PipelineSummary:
    """Run every stage after fetching on the given raw records, then update the search index.

    `force` re-normalizes records whose raw content did not change (after a vocabulary edit); only
    those whose result differs are written, re-clustered, merged and re-indexed. Large runs
    normalize in worker processes while the main process writes the previous batch.
    """
    with _collector_paused():
        return _pipeline_run(
            raw_ids,
            force=force,
            progress=progress,
            stage=stage or (lambda _name: None),
            update_index=update_index,
        )


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off during a run (workers forked meanwhile too), one pass after."""
    # A large run keeps 100,000 signatures and their clusters in memory: every full collection walked
    # them all, a third of the main process's time (100,000 records: dedup 20 s, 12 s without). The
    # run's garbage is freed by reference counting; the few cycles left are collected at the end.
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        gc.collect()


def _pipeline_run(
    raw_ids: Iterable[int], *, force: bool, progress: Progress | None, stage: Stage, update_index: bool
) -> PipelineSummary:
    """pipeline_process, the collector paused."""
    started = time.monotonic()
    ids = sorted(set(raw_ids))
    state = _State(summary=PipelineSummary(), force=force)
    # Updated, never cleared: web requests run the pipeline too (a proposed project, a report), and a run
    # in another thread of the process must not find its sources' definitions gone.
    _DEFINITIONS.update(Source.objects.values_list("pk", "definition"))
    pool = _pool(len(ids))
    try:
        with transaction.atomic():
            # Batches are handed to the workers one ahead of the one being written, in tasks small
            # enough to share evenly: the workers never wait for the main process to read or write.
            pending: deque[tuple[list[AsyncResult[list[Done]]], dict[int, Record]]] = deque()
            for start in range(0, len(ids), BATCH):
                if stop_requested():
                    # The batches read so far are finished, clustered, merged and committed below;
                    # the others stay pending (raw_records_pending) for the next run.
                    state.summary.left = len(ids) - start
                    break
                jobs, records = _batch_read(ids[start : start + BATCH], state)
                if pool is None:
                    _batch_write(_jobs_run(jobs), records, state)
                else:
                    tasks = [jobs[i : i + TASK] for i in range(0, len(jobs), TASK)]
                    pending.append(([pool.apply_async(_jobs_run, (task,)) for task in tasks], records))
                    if len(pending) > 1:
                        _pending_write(pending.popleft(), state)
                if progress:
                    progress(min(start + BATCH, len(ids)), len(ids))
            while pending:
                _pending_write(pending.popleft(), state)
            workers = WORKERS if pool is not None else 1
            large = len(state.signatures) + len(state.removed) >= BATCH
            if large:
                tables_analyze([RawRecord, Record])
            stage("dedup")
            state.clusters |= clusters_update(state.signatures, state.removed, workers=workers)
            if large:
                tables_analyze([ClusterMember, Cluster])
            stage("merge")
            changed = projects_sync(state.clusters, pool=pool)
            stage("commit")
    finally:
        if pool is not None:
            pool.terminate()
    state.summary.projects_changed = len(changed)
    if update_index:
        stage("index")
        if changed:
            index_update(changed)
        # Also repairs what an earlier run, killed between its commit and its index update, left.
        state.summary.index = index_check(repair=True)
    state.summary.seconds = time.monotonic() - started
    return state.summary


def pipeline_clusters_refresh(cluster_ids: Iterable[int]) -> list[int]:
    """Merge again and re-index the projects of clusters an admin changed; ids of changed projects."""
    changed = projects_sync(cluster_ids)
    if changed:
        index_update(changed)
    return changed
