"""Canonical projects: merge the records of a cluster field by field, with provenance."""

from __future__ import annotations

import hashlib
import json
from typing import Any, cast

from django.db import transaction
from django.db.models import Field
from django.utils import timezone

from carrefour.dedup.models import Cluster
from carrefour.normalize.models import Record
from carrefour.projects.models import Project, ProjectSource

MERGED_FIELDS = (
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
LOCATION_COLUMNS = (
    "address",
    "postal_code",
    "commune_code",
    "commune_name",
    "epci_code",
    "departement_code",
    "region_code",
    "latitude",
    "longitude",
    "precision",
)
# Finer precision wins when several sources place the same project.
_PRECISION_RANK = {"adresse": 5, "commune": 4, "departement": 3, "region": 2, "national": 1}
_EMPTY: tuple[Any, ...] = (None, "", [], "inconnu")


def _completeness(record: Record) -> int:
    return sum(1 for name in MERGED_FIELDS if record.data.get(name) not in _EMPTY)


def _empty_value(name: str) -> Any:
    """What an unknown field is stored as: NULL where the column allows it, else its default."""
    field = cast(Field, Project._meta.get_field(name))
    return None if field.null else field.get_default()


def project_merge(records: list[Record], overrides: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Canonical values and provenance: override > most complete, most recently seen source."""
    ordered = sorted(records, key=lambda r: (_completeness(r), r.raw.last_seen_at), reverse=True)
    values: dict[str, Any] = {}
    provenance: dict[str, Any] = {}
    for name in MERGED_FIELDS:
        if name in overrides:
            values[name], provenance[name] = overrides[name], {"override": True}
            continue
        chosen = next((r for r in ordered if r.data.get(name) not in _EMPTY), None)
        if chosen is None:
            values[name] = _empty_value(name)
            continue
        values[name] = chosen.data[name]
        provenance[name] = {
            "source": chosen.raw.source.slug,
            "record": chosen.raw_id,
            "inferred": name in chosen.inferred,
        }
    located = sorted(
        ordered,
        key=lambda r: _PRECISION_RANK.get((r.data.get("location") or {}).get("precision") or "", 0),
        reverse=True,
    )[0]
    location = located.data.get("location") or {}
    for name in LOCATION_COLUMNS:
        value = location.get(name)
        values[name] = value if value is not None else _empty_value(name)
    if location.get("precision"):
        provenance["location"] = {"source": located.raw.source.slug, "record": located.raw_id}
    return values, provenance


def _content_hash(values: dict[str, Any], provenance: dict[str, Any], sources: list[tuple[Any, ...]]) -> str:
    blob = json.dumps([values, provenance, sources], sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()


@transaction.atomic
def project_upsert_from_cluster(cluster: Cluster) -> tuple[Project | None, bool]:
    """Create or update the project of a cluster; returns (project, changed)."""
    records = list(
        Record.objects.filter(membership__cluster=cluster, is_valid=True).select_related("raw__source")
    )
    project = Project.objects.filter(cluster=cluster).first()
    active = [r for r in records if r.raw.state == r.raw.State.ACTIVE]
    if not records:
        if project is None or not project.is_published:
            return project, False
        project.is_published = False
        project.updated_at = timezone.now()
        project.save(update_fields=["is_published", "updated_at"])
        return project, True
    values, provenance = project_merge(active or records, project.overrides if project else {})
    sources = sorted((r.raw_id, r.raw.source_id, r.raw.url, r.raw.state, r.raw.last_seen_at) for r in records)
    digest = _content_hash(values, provenance, sources)
    if project is not None and project.content_hash == digest:
        return project, False
    values.update(
        provenance=provenance,
        content_hash=digest,
        fictional=all(r.raw.source.fictional for r in records),
        is_published=True,
        updated_at=timezone.now(),
    )
    if project is None:
        project = Project.objects.create(cluster=cluster, **values)
    else:
        for name, value in values.items():
            setattr(project, name, value)
        project.save()
    _project_sources_sync(project, records)
    return project, True


def _project_sources_sync(project: Project, records: list[Record]) -> None:
    """One ProjectSource per publication of the project, updated in place."""
    keep = []
    for record in records:
        raw = record.raw
        ProjectSource.objects.update_or_create(
            raw=raw,
            defaults={
                "project": project,
                "source": raw.source,
                "source_record_id": raw.source_record_id,
                "url": raw.url,
                "title": record.data.get("title", "")[:300],
                "first_seen_at": raw.first_seen_at,
                "last_seen_at": raw.last_seen_at,
                "gone": raw.state == raw.State.GONE,
            },
        )
        keep.append(raw.pk)
    ProjectSource.objects.filter(project=project).exclude(raw_id__in=keep).delete()
