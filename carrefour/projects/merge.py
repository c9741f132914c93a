"""Merging a cluster's records into its project's values, field by field, with provenance.

Pure computation on plain values (no database): large runs do it in worker processes.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, NamedTuple, cast

from django.db.models import Field
from django.utils import timezone

from carrefour.dedup.signature import title_words
from carrefour.harvest.models import RawRecord
from carrefour.projects.models import LOCATION, LOCATION_COLUMNS, Project

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
_LIST_FIELDS = ("themes", "publics")
# Finer precision wins when several sources place the same project.
_PRECISION_RANK = {"adresse": 5, "commune": 4, "departement": 3, "region": 2, "national": 1}
_EMPTY: tuple[Any, ...] = (None, "", [], "inconnu")


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


class ProjectState(NamedTuple):
    """What merging needs of a cluster's existing project."""

    overrides: dict[str, Any]  # {field: value set by hand}
    content_hash: str
    is_published: bool


class MemberRow(NamedTuple):
    """One record of a cluster as read from the database, its JSON columns still text (see Member)."""

    record_id: int
    raw_id: int
    data: str
    inferred: str
    source_id: int
    source_slug: str
    fictional: bool
    source_record_id: str
    url: str
    state: str
    first_seen_at: Any
    last_seen_at: Any


class Work(NamedTuple):
    """A cluster to merge: its records and its existing project, if any."""

    cluster_id: int
    rows: list[MemberRow]
    project: ProjectState | None


class Publication(NamedTuple):
    """One publication of a project: the columns of a ProjectSource but its project, by name."""

    raw_id: int
    source_id: int
    source_record_id: str
    url: str
    title: str
    first_seen_at: Any
    last_seen_at: Any
    gone: bool


class Merged(NamedTuple):
    """A cluster merged: the new column values of its project (None: unchanged) and its publications.

    `upstream` holds, for each overridden field, the value the sources give now and the source giving
    it {field: {"value", "source"}}: the override wins, the writer compares.
    """

    cluster_id: int
    values: dict[str, Any] | None
    publications: list[Publication]
    upstream: dict[str, Any]


def _completeness(record: Member) -> int:
    return sum(1 for name in MERGED_FIELDS if record.data.get(name) not in _EMPTY)


def _empty_value(name: str) -> Any:
    """What an unknown field is stored as: NULL where the column allows it, else its default."""
    field = cast(Field, Project._meta.get_field(name))
    return None if field.null else field.get_default()


def _sources_merge(records: list[Member]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Canonical values and provenance as the sources give them: most complete, most recently seen."""
    ordered = sorted(records, key=lambda r: (_completeness(r), r.last_seen_at), reverse=True)
    values: dict[str, Any] = {}
    provenance: dict[str, Any] = {}
    for name in MERGED_FIELDS:
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


def _content_hash(parts: list[Any]) -> str:
    blob = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()


def _given(values: dict[str, Any], name: str) -> Any:
    """The sources' value of a field, or of the location group (its columns as one value)."""
    return {column: values[column] for column in LOCATION_COLUMNS} if name == LOCATION else values[name]


def project_values(
    records: list[Member], project: ProjectState | None
) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """New column values of a cluster's project (None when unchanged), and its overridden fields' upstream."""
    if not records:
        if project is None or not project.is_published:
            return None, {}
        return {"is_published": False, "updated_at": timezone.now()}, {}
    active = [r for r in records if r.state == RawRecord.State.ACTIVE]
    overrides = project.overrides if project else {}
    values, provenance = _sources_merge(active or records)
    upstream = {
        name: {"value": _given(values, name), "source": provenance.get(name, {}).get("source")}
        for name in overrides
        if name in values or name == LOCATION
    }
    for name, value in overrides.items():
        if name == LOCATION:
            values.update({column: value.get(column) for column in LOCATION_COLUMNS})
        else:
            values[name] = value
        provenance[name] = {"override": True}
    sources = sorted((r.raw_id, r.source_id, r.url, r.state, r.last_seen_at) for r in records)
    # The upstream of overridden fields counts only when there is one: other projects keep their hash.
    digest = _content_hash(
        [values, provenance, sources, upstream] if upstream else [values, provenance, sources]
    )
    if project is not None and project.content_hash == digest:
        return None, upstream
    values.update(
        provenance=provenance,
        content_hash=digest,
        fictional=all(r.fictional for r in records),
        is_published=True,
        updated_at=timezone.now(),
    )
    return values, upstream


def _publications(records: list[Member]) -> list[Publication]:
    """The publications of a project, one per record."""
    return [
        Publication(
            record.raw_id,
            record.source_id,
            record.source_record_id,
            record.url,
            (record.data.get("title") or "")[:300],
            record.first_seen_at,
            record.last_seen_at,
            record.state == RawRecord.State.GONE,
        )
        for record in records
    ]


def clusters_merge(work: list[Work]) -> list[Merged]:
    """Decode the records of each cluster and merge them (pure CPU: runs in worker processes)."""
    merged: list[Merged] = []
    for cluster_id, rows, project in work:
        # MemberRow and Member share their fields' order; only the JSON columns are decoded.
        members = [
            Member(r.record_id, r.raw_id, json.loads(r.data), json.loads(r.inferred), *r[4:]) for r in rows
        ]
        values, upstream = project_values(members, project)
        publications = _publications(members) if values is not None else []
        merged.append(Merged(cluster_id, values, publications, upstream))
    return merged
