"""Import of a file in the Carrefour's own open-data format (the JSON Lines export, gzip or not)."""

from __future__ import annotations

import functools
import gzip
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import fastjsonschema
from django.conf import settings
from django.utils import timezone
from fastjsonschema import JsonSchemaValueException

from carrefour.harvest.models import HarvestRun
from carrefour.harvest.store import StoreCounts, raw_records_store
from carrefour.sources.models import Source
from carrefour.sources.platforms import source_for_platform

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


@functools.cache
def _validate() -> Callable[[object], object]:
    """Validator compiled from the published common schema, which describes every line of the format."""
    schema = json.loads((Path(settings.SCHEMA_DIR) / "project.schema.json").read_text(encoding="utf-8"))
    return fastjsonschema.compile(schema)


_TYPES = {
    "string": "texte",
    "integer": "entier",
    "number": "nombre",
    "boolean": "booléen",
    "array": "liste",
    "object": "objet",
    "null": "null",
}
# What the schema's patterns mean, in words.
_PATTERNS = {
    "platform": "identifiant en minuscules, chiffres et tirets attendu",
    "url": "adresse http:// ou https:// attendue",
}


def _error_text(error: JsonSchemaValueException) -> str:
    """The first schema error of a line, for the operator: where in the line, what was wrong."""
    where = (error.name or "").removeprefix("data").lstrip(".") or "projet"
    value = json.dumps(error.value, ensure_ascii=False)[:80]
    expected = error.rule_definition
    if error.rule == "required" and isinstance(error.value, dict):
        missing = [name for name in expected if name not in error.value]
        reason = f"champ obligatoire absent : {', '.join(missing)}"
    elif error.rule == "type":
        types = expected if isinstance(expected, list) else [expected]
        reason = f"type attendu : {' ou '.join(_TYPES.get(str(t), str(t)) for t in types)}, reçu {value}"
    elif error.rule == "pattern":
        reason = f"valeur refusée {value} ({_PATTERNS.get(where.rsplit('.', 1)[-1], expected)})"
    elif error.rule == "enum":
        reason = f"valeur inconnue {value}"
    else:
        reason = f"valeur refusée {value} ({error.rule} {json.dumps(expected)[:40]})"
    return f"{where} : {reason}"


def corpus_projects(path: Path, rejected: list[str]) -> Iterator[dict[str, Any]]:
    """Projects of a .jsonl or .jsonl.gz file; unreadable or off-schema lines go to `rejected`."""
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
            try:
                _validate()(project)
            except JsonSchemaValueException as exc:
                rejected.append(f"ligne {number} : {_error_text(exc)}")
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
    # Only a validated source: a partner's pending definition must not take another platform's records.
    declared = source_for_platform(slug)
    if declared is not None:
        return declared
    if Source.objects.filter(slug=slug).exclude(review_status=Source.Review.VALIDATED).exists():
        raise ValueError(f"la plateforme {slug!r} est le nom d'une source pas encore validée : import refusé")
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
    # Every line was checked before anything is stored: a bad line is rejected whole, never half stored.
    for slug, source_items in items.items():
        now = timezone.now()
        run = HarvestRun.objects.create(
            source=sources[slug], started_at=now, message=f"import de {path.name}"
        )
        try:
            counts = raw_records_store(run, source_items, now=now, progress=progress)
        except Exception as exc:
            # Stored batches stay (they are pending for the pipeline); the run must not stay `running`.
            HarvestRun.objects.filter(pk=run.pk).update(
                finished_at=timezone.now(), status=HarvestRun.Status.FAILED, message=f"échec : {exc}"[:500]
            )
            raise
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
