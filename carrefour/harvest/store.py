"""Storing extracted records in RawRecord: upsert in place, keyed by (source, source_record_id)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.dateparse import parse_datetime

from carrefour.harvest.models import HarvestRun, LookupTable, RawRecord
from carrefour.sources.models import Source
from carrefour.stop import stop_requested

BATCH_SIZE = 500
# Successful runs in a row without a record before it is marked gone (one miss can be a glitch).
GONE_AFTER_MISSED_RUNS = 2


def payload_hash(payload: dict[str, Any]) -> str:
    """sha256 of the canonical JSON of a payload (sorted keys, no spaces, UTF-8)."""
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass
class StoreCounts:
    """Outcome of storing the records of one run."""

    seen: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    # A stop was requested (SIGTERM, Ctrl-C): the batches after the current one were not stored.
    interrupted: bool = False


def _store_batch(run: HarvestRun, items: list[dict[str, Any]], now: datetime, counts: StoreCounts) -> None:
    """Upsert one batch: create new ids, update changed payloads, touch unchanged ones."""
    existing = {
        r.source_record_id: r
        for r in RawRecord.objects.filter(source=run.source, source_record_id__in=[i["id"] for i in items])
    }
    creates: list[RawRecord] = []
    changed: list[RawRecord] = []
    touched: list[RawRecord] = []
    for item in items:
        digest = payload_hash(item["payload"])
        fetched = parse_datetime(item.get("fetched_at") or "") or now
        record = existing.get(item["id"])
        if record is None:
            creates.append(
                RawRecord(
                    source=run.source,
                    source_record_id=item["id"],
                    url=item["url"][:2000],
                    payload=item["payload"],
                    content_hash=digest,
                    fetched_at=fetched,
                    first_seen_at=now,
                    last_seen_at=now,
                    last_run=run,
                    changed_run=run,
                    listed_url=(item.get("listed_url") or "")[:2000],
                    list_version=item.get("version"),
                )
            )
        elif record.content_hash != digest or record.state != RawRecord.State.ACTIVE:
            record.payload, record.content_hash, record.url = item["payload"], digest, item["url"][:2000]
            record.fetched_at, record.state, record.changed_run = fetched, RawRecord.State.ACTIVE, run
            changed.append(record)
        else:
            record.url = item["url"][:2000]  # a moved page keeps its record; not a content change
            record.fetched_at = fetched
            touched.append(record)
        if record is not None:
            record.last_seen_at, record.last_run, record.missed_runs = now, run, 0
            record.listed_url = (item.get("listed_url") or "")[:2000]
            record.list_version = item.get("version")
    with transaction.atomic():
        RawRecord.objects.bulk_create(creates, batch_size=BATCH_SIZE)
        RawRecord.objects.bulk_update(
            changed,
            [
                "payload",
                "content_hash",
                "url",
                "fetched_at",
                "state",
                "changed_run",
                "last_seen_at",
                "last_run",
                "missed_runs",
                "listed_url",
                "list_version",
            ],
            batch_size=BATCH_SIZE,
        )
        RawRecord.objects.bulk_update(
            touched,
            ["url", "fetched_at", "last_seen_at", "last_run", "missed_runs", "listed_url", "list_version"],
            batch_size=BATCH_SIZE,
        )
    counts.created += len(creates)
    counts.updated += len(changed)
    counts.unchanged += len(touched)


def raw_records_store(
    run: HarvestRun,
    items: Iterable[dict[str, Any]],
    *,
    now: datetime,
    progress: Callable[[StoreCounts], None] | None = None,
) -> StoreCounts:
    """Store a run's records in batches; a record id seen twice in one run is stored once.

    Stops between batches when a stop is requested: each stored batch is committed, and its records
    are pending for the pipeline whatever happens next.
    """
    counts = StoreCounts()
    seen: set[str] = set()
    batch: list[dict[str, Any]] = []
    for item in items:
        if stop_requested():
            counts.interrupted = True
            return counts
        if item["id"] in seen:
            counts.duplicates += 1
            continue
        seen.add(item["id"])
        counts.seen += 1
        batch.append(item)
        if len(batch) >= BATCH_SIZE:
            _store_batch(run, batch, now, counts)
            batch = []
            if progress:
                progress(counts)
    if batch:
        _store_batch(run, batch, now, counts)
    if progress:
        progress(counts)
    return counts


def raw_records_known(source: Source) -> dict[str, list[Any]]:
    """Active records reached through a list entry: listed URL -> [list version, fetch time (epoch)]."""
    rows = (
        RawRecord.objects.filter(source=source, state=RawRecord.State.ACTIVE)
        .exclude(listed_url="")
        .values_list("listed_url", "list_version", "fetched_at")
    )
    return {url: [version, fetched.timestamp()] for url, version, fetched in rows.iterator()}


def raw_records_touch_listed(run: HarvestRun, urls: list[str], *, now: datetime, counts: StoreCounts) -> int:
    """Records whose list entry did not change (detail page not re-fetched): seen, unchanged."""
    touched = 0
    for start in range(0, len(urls), BATCH_SIZE):
        batch = urls[start : start + BATCH_SIZE]
        touched += (
            RawRecord.objects.filter(source=run.source, state=RawRecord.State.ACTIVE, listed_url__in=batch)
            .exclude(last_run=run)
            .update(last_seen_at=now, last_run=run, missed_runs=0)
        )
    counts.seen += touched
    counts.unchanged += touched
    return touched


def raw_records_mark_missing(run: HarvestRun, *, after: int = GONE_AFTER_MISSED_RUNS) -> int:
    """After a complete, healthy run: count a miss for records it did not see; gone after `after` misses."""
    active = RawRecord.objects.filter(source=run.source, state=RawRecord.State.ACTIVE)
    active.exclude(last_run=run).update(missed_runs=F("missed_runs") + 1)
    return active.filter(missed_runs__gte=after).update(state=RawRecord.State.GONE, changed_run=run)


def lookup_tables_cached(source: Source) -> dict[str, dict[str, Any]]:
    """The source's cached lookup tables for the crawl: name -> {digest, entries, fetched_at (ISO)}."""
    return {
        table.name: {
            "digest": table.digest,
            "entries": table.entries,
            "fetched_at": table.fetched_at.isoformat(),
        }
        for table in LookupTable.objects.filter(source=source)
    }


def lookup_tables_store(source: Source, tables: dict[str, dict[str, Any]], *, now: datetime) -> None:
    """Cache the lookup tables a run read whole (name -> {digest, entries}), replacing the older copies."""
    for name, table in tables.items():
        LookupTable.objects.update_or_create(
            source=source,
            name=name,
            defaults={"digest": table["digest"], "entries": table["entries"], "fetched_at": now},
        )
