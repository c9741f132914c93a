"""Preview of a source definition: a bounded dry run compared with live data; nothing live is written.

The crawl runs in a child process (harvest.runner) under capped politeness; its records are normalized
in memory (pipeline.record_values) and compared with the live records of the source
(orchestration.preview_compare). The report is plain JSON: the worker stores it in Job.result.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from django.conf import settings

from carrefour.harvest.health import FieldFill
from carrefour.harvest.lookups import LOOKUP_NOTES, lookup_note
from carrefour.harvest.runner import CrawlError, crawl_events
from carrefour.harvest.store import lookup_tables_cached, payload_hash
from carrefour.orchestration.pipeline import record_values
from carrefour.orchestration.preview_compare import (
    Previewed,
    preview_matches,
    preview_samples,
    preview_versus_live,
)
from carrefour.orchestration.preview_values import previewed_values
from carrefour.sources.bounds import definition_partner_problems, source_definition_bounded
from carrefour.sources.definitions import SourceDefinitionError, definition_checked, definition_resolve
from carrefour.sources.models import Source
from carrefour.sources.rows import source_vocabularies_path
from carrefour.sources.versions import definition_text_check
from carrefour.territories.ban import locations_refine_online

# Caps of a preview crawl, whatever the definition says: a few dozen records in seconds.
PREVIEW_MAX_PAGES = 80  # 50 detail pages and the list pages leading to them
PREVIEW_MAX_DURATION = 20.0
PREVIEW_MAX_SIZE_MB = 8.0
MAX_LISTED = 200  # entries kept per list of the report (counts stay exact)

Progress = Callable[[int, int], None]


def preview_definition(text_or_definition: str | dict[str, Any]) -> tuple[dict[str, Any] | None, list[str]]:
    """The parsed definition and its problems (with their line for a text), from YAML text or a mapping."""
    if isinstance(text_or_definition, str):
        definition, located = definition_text_check(text_or_definition)
        problems = [str(problem) for problem in located]
    else:
        definition, problems = definition_checked(
            text_or_definition, vocabularies_path=source_vocabularies_path()
        )
    return (None, problems) if problems or definition is None else (dict(definition), [])


def preview_bounds(definition: dict[str, Any], origin: str) -> tuple[dict[str, Any], list[str]]:
    """The resolved definition bounded as its harvest would be, capped further for a preview; its hosts.

    `origin` is who submits the text, not the source's: a partner previewing a text of a repository
    source gets partner bounds all the same (public http(s) hosts, no local files).
    """
    if origin == Source.Origin.PARTNER:
        refused = [f"{path}: {message}" for path, message in definition_partner_problems(definition)]
        if refused:
            raise SourceDefinitionError(definition["slug"], refused)
    resolved, allowed_hosts = source_definition_bounded(origin, definition_resolve(definition))
    politeness = dict(resolved.get("politeness") or {})
    for key, cap in (
        ("max_pages", PREVIEW_MAX_PAGES),
        ("max_duration", PREVIEW_MAX_DURATION),
        ("max_size_mb", PREVIEW_MAX_SIZE_MB),
    ):
        # 0 means "no limit" for max_pages in Scrapy: a preview always has one.
        politeness[key] = min(float(politeness.get(key) or cap), cap)
    politeness["max_pages"] = int(politeness["max_pages"])
    return {**resolved, "politeness": politeness}, allowed_hosts


def _crawl(
    resolved: dict[str, Any],
    allowed_hosts: list[str],
    max_records: int,
    progress: Progress | None,
    source: Source | None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]]:
    """Records and rejections of a bounded crawl, and how it went (pages, end, completeness, lookups)."""
    records: list[dict[str, Any]] = []
    rejected: list[dict[str, Any]] = []
    crawl: dict[str, Any] = {"pages": 0, "requests": 0, "end": "", "complete": False, "error": ""}
    # What the lookup tables say (a cached copy used, codes unknown), as the harvest would tell it.
    crawl["lookup_notes"] = []
    # Records the definition's filters skip: neither errors nor records, counted per reason.
    skipped: Counter[str] = Counter()
    listing_broken = False
    started = time.monotonic()
    # A source's cached tables stand in for an endpoint down, as in its harvest.
    cached = lookup_tables_cached(source) if source and source.pk else None
    events = crawl_events(
        resolved, user_agent=settings.HARVEST_USER_AGENT, allowed_hosts=allowed_hosts, lookups=cached
    )
    try:
        for event in events:
            kind = event.get("type")
            if kind == "page":
                crawl["pages"] += 1
            elif kind == "record":
                records.append(event)
                if progress:
                    progress(len(records), max_records)
                if len(records) >= max_records:
                    # Closing the generator (finally below) ends the crawl's child process.
                    crawl["end"] = "max_records"
                    break
            elif kind == "skip":
                skipped[str(event.get("reason", ""))] += 1
            elif kind in LOOKUP_NOTES:
                crawl["lookup_notes"].append(lookup_note(event))
            elif kind in {"reject", "fatal", "list_error"}:
                listing_broken = listing_broken or kind != "reject"
                url, reason = str(event.get("url", "")), str(event.get("reason", ""))
                rejected.append({"stage": "collecte", "id": "", "url": url, "title": "", "reasons": [reason]})
            elif kind == "done":
                crawl["end"] = str(event.get("finish_reason", ""))
                crawl["requests"] = int(event.get("requests", 0))
    except CrawlError as exc:
        crawl["error"] = str(exc)
    finally:
        events.close()
    # Only a listing read to its end without error says which live records are gone.
    crawl["complete"] = crawl["end"] == "finished" and not listing_broken and not crawl["error"]
    crawl["seconds"] = round(time.monotonic() - started, 1)
    crawl["skipped"] = [[reason, count] for reason, count in skipped.most_common()]
    return records, rejected, crawl


def _normalized(events: list[dict[str, Any]], definition: dict[str, Any]) -> list[Previewed]:
    """Each crawled record normalized and located in memory, as the pipeline would store it."""
    previewed = [
        Previewed(
            record_id=str(event["id"]),
            url=str(event.get("url", "")),
            values=record_values(event["payload"], definition, payload_hash(event["payload"]), "active"),
        )
        for event in events
    ]
    locations_refine_online([item.values["data"]["location"] for item in previewed])
    return previewed


def _unmapped(previewed: list[Previewed]) -> dict[str, list[dict[str, Any]]]:
    """Source terms no vocabulary maps, with how many previewed records use them, by field."""
    counts: dict[str, Counter[str]] = {}
    for item in previewed:
        for name, terms in item.values["unmapped"].items():
            counts.setdefault(name, Counter()).update(terms)
    return {
        name: [{"term": term, "count": n} for term, n in counter.most_common()]
        for name, counter in sorted(counts.items())
    }


def _fill(events: list[dict[str, Any]], definition: dict[str, Any]) -> list[dict[str, Any]]:
    """Share of the previewed records with each field of the definition filled."""
    fill = FieldFill()
    for event in events:
        fill.add(event.get("payload") or {})
    rates = fill.rates(list(definition.get("fields") or {}))
    return [{"field": name, "rate": rate} for name, rate in rates.items()]


def _empty_report(max_records: int) -> dict[str, Any]:
    """A report with nothing found yet: every key the template reads."""
    return {
        "definition": {},
        "problems": [],
        "max_records": max_records,
        "crawl": {
            "pages": 0,
            "requests": 0,
            "end": "",
            "complete": False,
            "error": "",
            "seconds": 0.0,
            "skipped": [],
            "lookup_notes": [],
        },
        "counts": dict.fromkeys(
            ("records", "new", "changed", "unchanged", "rejected", "skipped", "not_seen", "would_merge"), 0
        ),
        "new": [],
        "changed": [],
        "unchanged": [],
        "not_seen": [],
        "would_merge": [],
        "rejected": [],
        "unmapped": {},
        "fill": [],
        "samples": [],
        "records": [],
    }


def source_preview(
    text_or_definition: str | dict[str, Any],
    *,
    source: Source | None = None,
    max_records: int = 50,
    progress: Progress | None = None,
    origin: str = Source.Origin.PARTNER,
) -> dict[str, Any]:
    """Bounded dry run of a definition (YAML text or mapping) against live data; a JSON-ready report."""
    report = _empty_report(max_records)
    definition, problems = preview_definition(text_or_definition)
    if definition is None:
        report["problems"] = problems
        return report
    report["definition"] = {
        "slug": definition["slug"],
        "name": definition["name"],
        "kind": definition["kind"],
    }
    try:
        resolved, allowed_hosts = preview_bounds(definition, origin)
    except SourceDefinitionError as exc:
        report["problems"] = exc.problems
        return report
    events, rejected, report["crawl"] = _crawl(resolved, allowed_hosts, max_records, progress, source)
    previewed = _normalized(events, definition)
    live = preview_versus_live(previewed, source, listed=MAX_LISTED)
    matches = preview_matches(previewed, source)
    rejected += live.rejected
    report.update(
        new=live.new[:MAX_LISTED],
        changed=live.changed[:MAX_LISTED],
        unchanged=live.unchanged[:MAX_LISTED],
        not_seen=live.not_seen,
        would_merge=matches[:MAX_LISTED],
        rejected=rejected[:MAX_LISTED],
        unmapped=_unmapped(previewed),
        fill=_fill(events, definition),
        samples=preview_samples(previewed, definition, source),
        records=[previewed_values(item) for item in previewed[:MAX_LISTED]],
    )
    report["counts"] = {
        "records": len(events),
        "new": len(live.new),
        "changed": len(live.changed),
        "unchanged": len(live.unchanged),
        "not_seen": live.not_seen_total,
        "rejected": len(rejected),
        "skipped": sum(count for _, count in report["crawl"]["skipped"]),
        # Records already in a project of another source are listed, not counted: nothing would change.
        "would_merge": sum(not match["already"] for match in matches),
    }
    return report
