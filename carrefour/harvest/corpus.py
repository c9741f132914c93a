"""Import of a file in the Carrefour's own open-data format (the JSON Lines export, gzip or not)."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils import timezone

from carrefour.harvest.store import StoreCounts, raw_records_store
from carrefour.sources.models import HarvestRun, Source

# Common-schema fields copied as they are into the raw payload: they already hold common codes,
# which the normalize stage accepts without any vocabulary mapping.
_COPIED = (
    "title",
    "summary",
    "description",
    "themes",
    "publics",
    "actor_type",
    "organization",
    "scale",
    "status",
    "start_year",
    "website",
)


@dataclass
class CorpusImport:
    """Counts of an import (the records it stored are pending for the pipeline)."""

    lines: int = 0
    counts: StoreCounts = field(default_factory=StoreCounts)
    rejected: list[str] = field(default_factory=list)


def corpus_projects(path: Path, rejected: list[str]) -> Iterator[dict[str, Any]]:
    """Projects of a .jsonl or .jsonl.gz file; unreadable lines are reported in `rejected`."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:  # type: ignore[operator]
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                project = json.loads(line)
            except ValueError as exc:
                rejected.append(f"ligne {number} : JSON invalide ({exc.args[0][:80]})")
                continue
            publications = project.get("publications") if isinstance(project, dict) else None
            if not publications or not all(
                isinstance(p, dict) and p.get("platform") and p.get("source_id") for p in publications
            ):
                rejected.append(f"ligne {number} : publications absentes ou sans plateforme ni identifiant")
                continue
            yield project


def corpus_payload(project: dict[str, Any]) -> dict[str, Any]:
    """Raw payload (harvest → normalize contract) of one exported project."""
    payload = {name: project.get(name) for name in _COPIED if project.get(name) not in (None, "", [])}
    location = project.get("location") or {}
    precision = location.get("precision")
    if precision == "national":
        payload["location_text"] = "National"
    elif precision == "region":
        payload["region"] = location.get("region_code")
    elif precision == "departement":
        payload["departement"] = location.get("departement_code")
    elif precision in ("commune", "adresse"):
        for name in ("address", "postal_code", "commune_code", "latitude", "longitude"):
            if location.get(name) not in (None, ""):
                payload[name] = location[name]
    return payload


def _source_upsert(publication: dict[str, Any], fictional: bool) -> Source:
    """The source of a publication; created as an import-only source when no definition declares it."""
    slug = str(publication["platform"])
    declared = Source.objects.filter(definition__platform=slug).first()
    if declared is not None:
        return declared
    source, _ = Source.objects.get_or_create(
        slug=slug,
        defaults={
            "name": publication.get("platform_name") or slug,
            "kind": "import",
            "licence": publication.get("licence") or "",
            "fictional": fictional,
            "definition": {"slug": slug, "kind": "import"},
        },
    )
    return source


def corpus_import(path: Path, *, progress: Callable[[StoreCounts], None] | None = None) -> CorpusImport:
    """Store every publication of the file as a raw record of its source, one harvest run per source."""
    result = CorpusImport()
    items: dict[str, list[dict[str, Any]]] = {}
    sources: dict[str, Source] = {}
    for project in corpus_projects(path, result.rejected):
        result.lines += 1
        payload = corpus_payload(project)
        for publication in project["publications"]:
            slug = str(publication["platform"])
            if slug not in sources:
                sources[slug] = _source_upsert(publication, bool(project.get("fictional")))
            items.setdefault(slug, []).append(
                {"id": str(publication["source_id"]), "url": publication.get("url") or "", "payload": payload}
            )
    for slug, source_items in items.items():
        now = timezone.now()
        run = HarvestRun.objects.create(
            source=sources[slug], started_at=now, message=f"import de {path.name}"
        )
        counts = raw_records_store(run, source_items, now=now, progress=progress)
        for name in ("seen", "created", "updated", "unchanged", "duplicates"):
            setattr(result.counts, name, getattr(result.counts, name) + getattr(counts, name))
        result.counts.interrupted = counts.interrupted
        HarvestRun.objects.filter(pk=run.pk).update(
            finished_at=timezone.now(),
            status=HarvestRun.Status.INTERRUPTED if counts.interrupted else HarvestRun.Status.SUCCESS,
            records_seen=counts.seen,
            records_created=counts.created,
            records_updated=counts.updated,
            records_unchanged=counts.unchanged,
        )
        if counts.interrupted:
            break  # the next import stores the rest
    return result
