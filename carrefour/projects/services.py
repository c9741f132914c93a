"""Canonical projects: merge the records of a cluster field by field, with provenance."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from django.db import transaction
from django.db.models import Field, Q
from django.utils import timezone

from carrefour.dedup.signature import title_words
from carrefour.harvest.models import RawRecord
from carrefour.normalize.bulk import rows_insert, rows_keys_read, rows_update
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


@dataclass(slots=True)
class Member:
    """What merging needs of one record of a cluster (read as plain values, not model instances)."""

    record_id: int
    raw_id: int
    data: dict[str, Any]
    inferred: list[str]
    source_id: int
    source_slug: str
    fictional: bool
    source_record_id: str
    url: str
    state: str
    first_seen_at: Any
    last_seen_at: Any


_MEMBER_COLUMNS = (
    "pk",
    "raw_id",
    "data",
    "inferred",
    "raw__source_id",
    "raw__source__slug",
    "raw__source__fictional",
    "raw__source_record_id",
    "raw__url",
    "raw__state",
    "raw__first_seen_at",
    "raw__last_seen_at",
)
_LIST_FIELDS = ("themes", "publics")
# Finer precision wins when several sources place the same project.
_PRECISION_RANK = {"adresse": 5, "commune": 4, "departement": 3, "region": 2, "national": 1}
_EMPTY: tuple[Any, ...] = (None, "", [], "inconnu")


def _completeness(record: Member) -> int:
    return sum(1 for name in MERGED_FIELDS if record.data.get(name) not in _EMPTY)


def _empty_value(name: str) -> Any:
    """What an unknown field is stored as: NULL where the column allows it, else its default."""
    field = cast(Field, Project._meta.get_field(name))
    return None if field.null else field.get_default()


def project_merge(records: list[Member], overrides: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Canonical values and provenance: override > most complete, most recently seen source."""
    ordered = sorted(records, key=lambda r: (_completeness(r), r.last_seen_at), reverse=True)
    values: dict[str, Any] = {}
    provenance: dict[str, Any] = {}
    for name in MERGED_FIELDS:
        if name in overrides:
            values[name], provenance[name] = overrides[name], {"override": True}
            continue
        given = [r for r in ordered if r.data.get(name) not in _EMPTY]
        if name in _LIST_FIELDS:
            # Some partners show only their main theme or public: the fullest list is the most complete.
            given.sort(key=lambda r: len(r.data[name]), reverse=True)
        # A value a source gave always wins over one inferred from another source's text.
        chosen = next((r for r in given if name not in r.inferred), given[0] if given else None)
        if chosen is None:
            values[name] = _empty_value(name)
            continue
        values[name] = chosen.data[name]
        provenance[name] = {
            "source": chosen.source_slug,
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
    values["network_key"] = " ".join(title_words({**ordered[0].data, "title": values["title"]}))[:300]
    if location.get("precision"):
        provenance["location"] = {"source": located.source_slug, "record": located.raw_id}
    return values, provenance


def _content_hash(values: dict[str, Any], provenance: dict[str, Any], sources: list[tuple[Any, ...]]) -> str:
    blob = json.dumps([values, provenance, sources], sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()


def _project_sources(project_id: int, records: list[Member]) -> list[ProjectSource]:
    """The publications of a project, one per record."""
    return [
        ProjectSource(
            project_id=project_id,
            raw_id=record.raw_id,
            source_id=record.source_id,
            source_record_id=record.source_record_id,
            url=record.url,
            title=(record.data.get("title") or "")[:300],
            first_seen_at=record.first_seen_at,
            last_seen_at=record.last_seen_at,
            gone=record.state == RawRecord.State.GONE,
        )
        for record in records
    ]


def _projects_values(records: list[Member], project: Project | None) -> dict[str, Any] | None:
    """New column values of a cluster's project, or None when it has not changed."""
    if not records:
        if project is None or not project.is_published:
            return None
        return {"is_published": False, "updated_at": timezone.now()}
    active = [r for r in records if r.state == RawRecord.State.ACTIVE]
    values, provenance = project_merge(active or records, project.overrides if project else {})
    sources = sorted((r.raw_id, r.source_id, r.url, r.state, r.last_seen_at) for r in records)
    digest = _content_hash(values, provenance, sources)
    if project is not None and project.content_hash == digest:
        return None
    values.update(
        provenance=provenance,
        content_hash=digest,
        fictional=all(r.fictional for r in records),
        is_published=True,
        updated_at=timezone.now(),
    )
    return values


def _members(cluster_ids: list[int]) -> dict[int, list[Member]]:
    """Valid records of the given clusters, by cluster."""
    by_cluster: dict[int, list[Member]] = defaultdict(list)
    rows = Record.objects.filter(membership__cluster_id__in=cluster_ids, is_valid=True).values_list(
        "membership__cluster_id", *_MEMBER_COLUMNS
    )
    for cluster_id, *columns in rows:
        by_cluster[cluster_id].append(Member(*columns))
    return by_cluster


_UPDATED_COLUMNS = (
    *MERGED_FIELDS,
    *LOCATION_COLUMNS,
    "network_key",
    "provenance",
    "content_hash",
    "fictional",
    "is_published",
    "updated_at",
)


@transaction.atomic
def projects_sync(cluster_ids: Iterable[int], *, batch: int = 500) -> list[int]:
    """Create, update or unpublish the projects of the given clusters in bulk; ids of changed projects."""
    ids = sorted(set(cluster_ids))
    changed: list[int] = []
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        by_cluster = _members(chunk)
        projects = {p.cluster_id: p for p in Project.objects.filter(cluster_id__in=chunk)}
        creates: list[Project] = []
        updates: list[Project] = []
        sourced: list[tuple[Project, list[Member]]] = []
        for cluster_id in chunk:
            project = projects.get(cluster_id)
            values = _projects_values(by_cluster[cluster_id], project)
            if values is None:
                continue
            if project is None:
                project = Project(cluster_id=cluster_id, **values)
                creates.append(project)
            else:
                for name, value in values.items():
                    setattr(project, name, value)
                updates.append(project)
            sourced.append((project, by_cluster[cluster_id]))
        rows_insert(creates, batch=batch)
        rows_keys_read(creates, "cluster_id")
        rows_update(updates, _UPDATED_COLUMNS)
        _project_sources_sync(sourced)
        changed += [p.pk for p in creates + updates]
    return changed


def _project_sources_sync(sourced: list[tuple[Project, list[Member]]]) -> None:
    """One ProjectSource per publication of each project, updated in place (a raw may change project)."""
    wanted = [ps for project, records in sourced for ps in _project_sources(project.pk, records)]
    project_ids = [project.pk for project, _ in sourced]
    existing = {
        ps.raw_id: ps
        for ps in ProjectSource.objects.filter(
            Q(project_id__in=project_ids) | Q(raw_id__in=[ps.raw_id for ps in wanted])
        )
    }
    keep = {ps.raw_id for ps in wanted}
    ProjectSource.objects.filter(pk__in=[ps.pk for raw, ps in existing.items() if raw not in keep]).delete()
    creates, updates = [], []
    for ps in wanted:
        old = existing.get(ps.raw_id)
        if old is None:
            creates.append(ps)
            continue
        ps.pk = old.pk
        updates.append(ps)
    rows_insert(creates)
    rows_update(updates, _SOURCE_COLUMNS)


_SOURCE_COLUMNS = (
    "project",
    "source",
    "source_record_id",
    "url",
    "title",
    "first_seen_at",
    "last_seen_at",
    "gone",
)
