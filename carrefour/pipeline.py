"""The pipeline after fetching: normalize → locate → cluster → canonical project → search index."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction

from carrefour.dedup.services import cluster_assign
from carrefour.harvest.models import RawRecord
from carrefour.normalize.models import Record
from carrefour.normalize.services import record_normalize
from carrefour.projects.services import project_upsert_from_cluster
from carrefour.search.services import index_update
from carrefour.territories.services import location_resolve

BATCH = 500
Progress = Callable[[int, int], None]


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


def _record_process(
    raw: RawRecord, record: Record | None, summary: PipelineSummary, force: bool
) -> int | None:
    """Normalize, locate, cluster and merge one raw record; returns the id of a changed project."""
    if record is not None and record.raw_hash == raw.content_hash and not force:
        summary.unchanged += 1
        if not hasattr(record, "membership"):
            return None
        # Same content, but the publication may have been marked gone: the project must know.
        project, changed = project_upsert_from_cluster(record.membership.cluster)
        return project.pk if changed and project else None
    result = record_normalize(raw.payload, raw.source.definition)
    location = location_resolve(**result.location_input)
    result.data["location"] = location.to_dict()
    warnings = []
    if location.error:
        summary.unlocated += 1
        warnings.append({"field": "location", "message": location.error})
    if not result.is_valid:
        summary.invalid += 1
        summary.errors.update(error["message"] for error in result.errors)
    values = {
        "data": result.data,
        "errors": result.errors,
        "warnings": warnings,
        "is_valid": result.is_valid,
        "unmapped": result.unmapped,
        "inferred": result.inferred,
        "raw_hash": raw.content_hash,
    }
    if record is None:
        record = Record.objects.create(raw=raw, **values)
    else:
        Record.objects.filter(pk=record.pk).update(**values)
        for name, value in values.items():
            setattr(record, name, value)
    if not result.is_valid and not hasattr(record, "membership"):
        return None
    project, changed = project_upsert_from_cluster(cluster_assign(record))
    return project.pk if changed and project else None


def pipeline_process(
    raw_ids: Iterable[int],
    *,
    force: bool = False,
    progress: Progress | None = None,
    update_index: bool = True,
) -> PipelineSummary:
    """Run every stage after fetching on the given raw records, then update the search index."""
    started = time.monotonic()
    ids = sorted(set(raw_ids))
    summary = PipelineSummary()
    changed: list[int] = []
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        raws = RawRecord.objects.filter(pk__in=batch).select_related("source").order_by("pk")
        records = {
            r.raw_id: r for r in Record.objects.filter(raw_id__in=batch).select_related("membership__cluster")
        }
        with transaction.atomic():
            for raw in raws:
                summary.records += 1
                project_id = _record_process(raw, records.get(raw.pk), summary, force)
                if project_id is not None:
                    changed.append(project_id)
        if progress:
            progress(min(start + BATCH, len(ids)), len(ids))
    summary.projects_changed = len(set(changed))
    if update_index and changed:
        index_update(sorted(set(changed)))
    summary.seconds = time.monotonic() - started
    return summary
