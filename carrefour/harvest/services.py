"""Services of the harvest app: run a source's crawl, judge it, store its records."""

from __future__ import annotations

import json
import logging
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils import timezone

from carrefour.harvest.health import FieldFill, fill_collapse, sharp_drop
from carrefour.harvest.lookups import LOOKUP_NOTES, lookup_note
from carrefour.harvest.models import HarvestRun, RawRecord
from carrefour.harvest.runner import CrawlError, crawl_events
from carrefour.harvest.store import (
    GONE_AFTER_MISSED_RUNS,
    StoreCounts,
    lookup_tables_cached,
    lookup_tables_store,
    raw_records_known,
    raw_records_mark_missing,
    raw_records_store,
    raw_records_touch_listed,
)
from carrefour.sources.bounds import TOTAL_SIZE_REASON, source_definition_bounded
from carrefour.sources.definitions import SourceDefinitionError, definition_resolve
from carrefour.sources.models import Source
from carrefour.stop import stop_requested

logger = logging.getLogger(__name__)

MAX_ERRORS = 200
INTERRUPTED_CRAWL = "interrompu pendant la collecte : rien n'a été stocké, la prochaine moisson reprend"
INTERRUPTED_STORE = (
    "interrompu pendant le stockage : les fiches stockées seront traitées par la prochaine exécution, "
    "les autres par la prochaine moisson"
)

# Scrapy's finish reasons of a crawl stopped by the definition's (or a partner's) caps.
CAPPED = {
    "closespider_pagecount": "arrêtée au nombre de pages permis (politeness.max_pages)",
    "closespider_timeout": "arrêtée à la durée permise (politeness.max_duration)",
    TOTAL_SIZE_REASON: "arrêtée au volume total téléchargé permis aux partenaires par moisson "
    "(CARREFOUR_PARTNER_MAX_MB)",
}


@dataclass
class HarvestProgress:
    """Where a harvest stands, passed to the progress callback as events come."""

    source: str
    stage: str  # "crawl", "store" or "done"
    pages: int = 0
    records: int = 0
    rejected: int = 0
    stored: int = 0
    url: str = ""
    status: str = ""


ProgressCallback = Callable[[HarvestProgress], None]


@dataclass
class _Tally:
    """Events of a crawl, counted; records are spooled to a temporary file."""

    spool: IO[str]
    pages: int = 0
    records: int = 0
    rejected: int = 0
    requests: int = 0
    not_modified: int = 0
    finish_reason: str = ""
    unchanged_urls: list[str] = field(default_factory=list)
    # Records a definition filter skipped, by the filter's reason: neither errors nor rejections.
    skipped: Counter[str] = field(default_factory=Counter)
    fill: FieldFill = field(default_factory=FieldFill)
    fatal: list[dict[str, str]] = field(default_factory=list)
    list_errors: list[dict[str, str]] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)
    # Lookup tables read whole (name -> {digest, entries}), cached once the run's records are stored.
    lookups: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Lookup notes (stale table used, codes missing): shown first among the run's errors, never capped.
    warnings: list[dict[str, str]] = field(default_factory=list)

    def add(self, event: dict[str, Any]) -> None:
        """Count one event (and keep its error, capped)."""
        kind = event.get("type")
        if kind == "page":
            self.pages += 1
        elif kind == "record":
            self.records += 1
            self.fill.add(event.get("payload") or {})
            self.spool.write(json.dumps(event, ensure_ascii=False) + "\n")
        elif kind == "skip":
            self.skipped[str(event.get("reason", ""))] += 1
        elif kind == "unchanged":
            self.unchanged_urls.append(str(event["url"]))
        elif kind == "lookup" or kind in LOOKUP_NOTES:
            self._lookup(event)
        elif kind == "done":
            self.requests = int(event.get("requests", 0))
            self.not_modified = int(event.get("not_modified", 0))
            self.finish_reason = str(event.get("finish_reason", ""))
        elif kind in {"reject", "fatal", "list_error"}:
            error = {"url": str(event.get("url", "")), "reason": str(event.get("reason", ""))}
            if kind == "reject":
                self.rejected += 1
            else:
                (self.fatal if kind == "fatal" else self.list_errors).append(error)
            if len(self.errors) < MAX_ERRORS:
                self.errors.append(error)

    def _lookup(self, event: dict[str, Any]) -> None:
        """Keep a table read whole, or word what the run must tell about a table."""
        if event["type"] == "lookup":
            self.lookups[event["name"]] = {"digest": event["digest"], "entries": event["entries"]}
            return
        self.warnings.append({"url": str(event.get("url", "")), "reason": lookup_note(event)})

    def spooled(self) -> Iterator[dict[str, Any]]:
        """The spooled records, in crawl order."""
        self.spool.seek(0)
        for line in self.spool:
            yield json.loads(line)


def _failure_reason(run: HarvestRun, tally: _Tally) -> str | None:
    """Why a crawl must not touch the stored records, or None when its records can be stored."""
    if tally.records or tally.unchanged_urls:
        return None
    if tally.fatal:
        reasons = "; ".join(f"{e['url']}: {e['reason']}" for e in tally.fatal[:3])
        return f"source injoignable ou inutilisable — {reasons}"
    before = RawRecord.objects.filter(source=run.source, state=RawRecord.State.ACTIVE).count()
    # French, as the other stop reasons shown to partners on their dashboard.
    count = sum(tally.skipped.values())
    skipped = f" ({count} écartée{'s' if count > 1 else ''} par les filtres)" if count else ""
    if before:
        return f"0 fiche extraite{skipped} alors que {before} étaient enregistrées avant"
    return f"0 fiche extraite{skipped}"


def _tables_rebuilt(job: HarvestJob, tally: _Tally) -> dict[str, dict[str, Any]]:
    """The tables read whole to cache; a changed one without its digest when some record was rejected."""
    # A rejected record (detail page down, field missing) kept its old labels; with the new digest cached,
    # the next run would skip its page as unchanged. Without it, that run sees the table as changed again
    # and rebuilds every record, while the new entries are still there to fall back on.
    if not tally.rejected:
        return tally.lookups
    return {
        name: table
        if (job.lookups.get(name) or {}).get("digest") == table["digest"]
        else {**table, "digest": ""}
        for name, table in tally.lookups.items()
    }


def _health(run: HarvestRun, tally: _Tally, counts: StoreCounts) -> tuple[str, str]:
    """Status and message of a run whose records were stored."""
    if tally.fatal or tally.list_errors:
        first = (tally.fatal or tally.list_errors)[0]
        return HarvestRun.Status.SUSPICIOUS, f"liste incomplète — {first['url']}: {first['reason']}"
    if tally.finish_reason in CAPPED:
        # Stopped by max_pages / max_duration: the records not reached say nothing of their fate.
        return HarvestRun.Status.SUSPICIOUS, f"liste incomplète — {CAPPED[tally.finish_reason]}"
    drop = sharp_drop(run, counts.seen)
    if drop:
        return HarvestRun.Status.SUSPICIOUS, drop
    if tally.rejected > counts.seen:
        return (
            HarvestRun.Status.SUSPICIOUS,
            f"plus de fiches rejetées ({tally.rejected}) que gardées ({counts.seen})",
        )
    return HarvestRun.Status.SUCCESS, ""


def _finish(run: HarvestRun, status: str, message: str, tally: _Tally) -> HarvestRun:
    """Record the end of a run."""
    run.status, run.message = status, message
    run.pages_fetched, run.records_rejected = tally.pages, tally.rejected
    run.errors = tally.warnings + tally.errors
    run.requests_made, run.not_modified = tally.requests, tally.not_modified
    run.records_skipped = [[reason, count] for reason, count in tally.skipped.most_common()]
    run.field_fill = tally.fill.rates(list(run.source.definition.get("fields", {})))
    run.finished_at = timezone.now()
    run.save()
    logger.info("harvest %s: %s %s", run.source.slug, status, message)
    return run


@dataclass
class HarvestJob:
    """A source's harvest between its steps: prepared and stored in the caller's thread, crawled anywhere."""

    run: HarvestRun
    tally: _Tally
    definition: dict[str, Any] = field(default_factory=dict)
    allowed_hosts: list[str] = field(default_factory=list)
    known: dict[str, list[Any]] = field(default_factory=dict)
    # Lookup tables cached by the last stored run, for the crawl to fall back on.
    lookups: dict[str, dict[str, Any]] = field(default_factory=dict)
    cache_dir: str = ""
    error: str = ""
    interrupted: bool = False


def harvest_prepare(source: Source, *, base_url: str | None = None) -> HarvestJob:
    """Open a run (database side): resolve the definition, read the known detail pages, open the spool."""
    run = HarvestRun.objects.create(source=source, started_at=timezone.now())
    # The spool outlives this function: harvest_store closes it.
    spool = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
    job = HarvestJob(run=run, tally=_Tally(spool=spool))
    try:
        resolved = definition_resolve(source.definition, base_url=base_url)
    except SourceDefinitionError as exc:
        job.error = str(exc)
        return job
    # Partner-declared sources: capped pages, time and size, public hosts only, no local files.
    job.definition, job.allowed_hosts = source_definition_bounded(source, resolved)
    if (job.definition.get("incremental") or {}).get("http_cache", True):
        job.cache_dir = str(Path(settings.DATA_DIR) / "httpcache" / source.slug)
    job.known = raw_records_known(source)
    job.lookups = lookup_tables_cached(source)
    return job


def harvest_crawl(job: HarvestJob, progress: ProgressCallback | None = None) -> None:
    """Run the crawl of a prepared job in a child process and count its events; never touches the database."""
    if job.error:
        return
    state = HarvestProgress(source=job.run.source.slug, stage="crawl")
    tally = job.tally
    events = crawl_events(
        job.definition,
        user_agent=settings.HARVEST_USER_AGENT,
        allowed_hosts=job.allowed_hosts,
        known=job.known,
        cache_dir=job.cache_dir,
        lookups=job.lookups,
    )
    try:
        for event in events:
            if stop_requested():
                # Leaving the loop closes the generator, which ends the crawl's child process.
                job.interrupted = True
                break
            tally.add(event)
            if progress and event.get("type") in {"page", "record", "reject"}:
                state.pages, state.records, state.rejected = tally.pages, tally.records, tally.rejected
                state.url = str(event.get("url", ""))
                progress(state)
    except CrawlError as exc:
        # Ctrl-C reaches the crawl's child process too: then the crawl was stopped, not broken.
        job.interrupted = stop_requested()
        job.error = str(exc)


def harvest_store(job: HarvestJob, progress: ProgressCallback | None = None) -> HarvestRun:
    """Judge a crawled job and upsert its RawRecords unless it failed (database side); closes the job."""
    run, tally = job.run, job.tally
    try:
        run = _judge_and_store(job, progress)
    except Exception as exc:  # one source's storage error must not stop the harvest of the others
        logger.exception("harvest %s: storing failed", run.source.slug)
        run = _finish(run, HarvestRun.Status.FAILED, f"storing failed: {exc}"[:2000], tally)
    finally:
        tally.spool.close()
    if progress:
        progress(
            HarvestProgress(
                source=run.source.slug,
                stage="done",
                pages=tally.pages,
                records=tally.records,
                rejected=tally.rejected,
                stored=run.records_seen,
                status=run.status,
            )
        )
    return run


def _judge_and_store(job: HarvestJob, progress: ProgressCallback | None) -> HarvestRun:
    """The health verdict of a crawl, and its records stored when it is usable."""
    run, tally, source = job.run, job.tally, job.run.source
    if job.interrupted:
        # Records not stored: the next harvest fetches them again (from the HTTP cache when it can).
        return _finish(run, HarvestRun.Status.INTERRUPTED, INTERRUPTED_CRAWL, tally)
    if job.error:
        return _finish(run, HarvestRun.Status.FAILED, job.error[:2000], tally)
    reason = _failure_reason(run, tally)
    if reason:
        # A failed run never alters stored records: nothing below runs.
        return _finish(run, HarvestRun.Status.FAILED, reason, tally)
    collapse = fill_collapse(run, tally.fill, list(source.definition.get("fields", {})))
    if collapse:
        # Broken selectors would overwrite good records with empty ones: store nothing.
        return _finish(run, HarvestRun.Status.SUSPICIOUS, collapse, tally)
    state = HarvestProgress(source=source.slug, stage="store")

    def store_progress(counts: StoreCounts) -> None:
        if progress:
            state.pages, state.records, state.rejected = tally.pages, tally.records, tally.rejected
            state.stored = counts.seen
            progress(state)

    counts = raw_records_store(run, tally.spooled(), now=run.started_at, progress=store_progress)
    if counts.interrupted:
        # An incomplete run says nothing of the records it did not reach: no miss is counted.
        run.records_seen, run.records_created = counts.seen, counts.created
        run.records_updated, run.records_unchanged = counts.updated, counts.unchanged
        return _finish(run, HarvestRun.Status.INTERRUPTED, INTERRUPTED_STORE, tally)
    raw_records_touch_listed(run, tally.unchanged_urls, now=run.started_at, counts=counts)
    if not (tally.fatal or tally.list_errors or tally.finish_reason in CAPPED):
        # Cached once every listed record got the new labels: a run that did not reach them all must
        # not hide a change from the next one (which would skip their detail pages as unchanged).
        lookup_tables_store(source, _tables_rebuilt(job, tally), now=run.started_at)
    run.records_seen, run.records_created = counts.seen, counts.created
    run.records_updated, run.records_unchanged = counts.updated, counts.unchanged
    status, message = _health(run, tally, counts)
    if status == HarvestRun.Status.SUCCESS:
        # Only a complete, healthy listing says anything about records that disappeared.
        after = (source.definition.get("incremental") or {}).get("gone_after", GONE_AFTER_MISSED_RUNS)
        run.records_gone = raw_records_mark_missing(run, after=int(after))
    return _finish(run, status, message, tally)


def harvest_run(
    source: Source, *, base_url: str | None = None, progress: ProgressCallback | None = None
) -> HarvestRun:
    """Harvest one source: crawl (child process), judge the crawl, upsert RawRecords unless it failed."""
    job = harvest_prepare(source, base_url=base_url)
    harvest_crawl(job, progress)
    return harvest_store(job, progress)


def harvest_changed_raw_ids(run: HarvestRun) -> list[int]:
    """Ids of the RawRecords a run created or changed (incl. records it marked gone), for the pipeline."""
    return list(RawRecord.objects.filter(changed_run=run).order_by("pk").values_list("pk", flat=True))
