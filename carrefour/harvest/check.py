"""Dry run of a source definition: fetch a few pages, extract, report — nothing is stored."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

from carrefour.harvest.health import FieldFill
from carrefour.harvest.lookups import LOOKUP_NOTES, lookup_note
from carrefour.harvest.runner import crawl_events
from carrefour.sources.definitions import definition_resolve
from carrefour.sources.services import source_definition_validate


@dataclass
class CheckReport:
    """What a dry run found."""

    slug: str
    pages: int = 0
    records: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)
    # Records the definition's `filters` skipped, by reason.
    skipped: Counter[str] = field(default_factory=Counter)
    fill: FieldFill = field(default_factory=FieldFill)
    fields: list[str] = field(default_factory=list)
    # What the lookup tables say: codes a table did not know (labels missing from the records).
    lookup_notes: list[str] = field(default_factory=list)

    def empty_fields(self) -> dict[str, int]:
        """Fields of the definition left empty, with the number of records where they were."""
        return {
            name: self.fill.records - self.fill.filled.get(name, 0)
            for name in self.fields
            if self.fill.filled.get(name, 0) < self.fill.records
        }


def source_check(
    path: Path | str,
    *,
    base_url: str | None = None,
    max_pages: int = 10,
    on_event: Callable[[dict[str, Any]], None] | None = None,
) -> CheckReport:
    """Validate a definition file, crawl at most `max_pages` responses, extract; never touch the database."""
    definition = source_definition_validate(path)
    resolved = definition_resolve(definition, base_url=base_url)
    resolved["politeness"] = {**(resolved.get("politeness") or {}), "max_pages": max_pages}
    report = CheckReport(slug=definition["slug"], fields=list(definition["fields"]))
    events = crawl_events(
        resolved,
        user_agent=settings.HARVEST_USER_AGENT,
        allowed_hosts=list(settings.HARVEST_ALLOWED_HOSTS),
    )
    for event in events:
        kind = event.get("type")
        if kind == "page":
            report.pages += 1
        elif kind == "record":
            report.records.append(event)
            report.fill.add(event.get("payload") or {})
        elif kind == "skip":
            report.skipped[str(event.get("reason"))] += 1
        elif kind in LOOKUP_NOTES:
            report.lookup_notes.append(lookup_note(event))
        elif kind in {"reject", "fatal", "list_error"}:
            report.errors.append(
                {"type": kind, "url": str(event.get("url")), "reason": str(event.get("reason"))}
            )
        if on_event:
            on_event(event)
    return report
