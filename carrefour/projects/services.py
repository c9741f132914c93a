"""Canonical projects: the projects of changed clusters created, updated or unpublished in bulk."""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable
from multiprocessing.pool import AsyncResult, Pool
from typing import Any, NamedTuple

from django.db import transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from carrefour.db.bulk import rows_update, values_insert
from carrefour.db.lookups import keys_in
from carrefour.normalize.models import Record
from carrefour.projects.history import (
    TRACKED,
    changes_insert,
    creation_change,
    harvest_change,
    merge_takers,
    moves_changes,
    moves_count,
)
from carrefour.projects.merge import (
    LOCATION_COLUMNS,
    MERGED_FIELDS,
    MemberRow,
    Merged,
    ProjectState,
    Publication,
    Work,
    clusters_merge,
)
from carrefour.projects.models import FieldOverride, Project, ProjectSource
from carrefour.projects.overrides import overrides_follow_merge, overrides_reconcile
from carrefour.projects.signals import overrides_conflicted, projects_emptied

# Chunks merged ahead of the one being written: keeps both worker processes busy while the main one writes.
AHEAD = 3


def _members(cluster_ids: list[int]) -> dict[int, list[MemberRow]]:
    """Valid records of the given clusters, by cluster, their JSON columns left as text for the merge."""
    by_cluster: dict[int, list[MemberRow]] = defaultdict(list)
    rows = Record.objects.filter(keys_in("membership__cluster_id", cluster_ids), is_valid=True).values_list(
        "membership__cluster_id", *(_MEMBER_LOOKUPS[name] for name in MemberRow._fields)
    )
    for cluster_id, *columns in rows:
        by_cluster[cluster_id].append(MemberRow(*columns))
    return by_cluster


# Where each field of a MemberRow is read from, by name: the order is MemberRow's.
_MEMBER_LOOKUPS: dict[str, Any] = {
    "record_id": "pk",
    "raw_id": "raw_id",
    "data": Cast("data", TextField()),
    "inferred": Cast("inferred", TextField()),
    "source_id": "raw__source_id",
    "source_slug": "raw__source__slug",
    "fictional": "raw__source__fictional",
    "source_record_id": "raw__source_record_id",
    "url": "raw__url",
    "state": "raw__state",
    "first_seen_at": "raw__first_seen_at",
    "last_seen_at": "raw__last_seen_at",
}


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


class Chunk(NamedTuple):
    """What the writer needs of a chunk of clusters read before its merge: projects and overrides."""

    projects: dict[int, Project]  # by cluster id
    overrides: dict[int, dict[str, FieldOverride]]  # by project id, then field


def _work_read(chunk: list[int]) -> tuple[Chunk, list[Work]]:
    """The existing projects of a chunk of clusters, and what merging them needs."""
    by_cluster = _members(chunk)
    projects = {p.cluster_id: p for p in Project.objects.filter(keys_in("cluster_id", chunk))}
    overrides: dict[int, dict[str, FieldOverride]] = defaultdict(dict)
    for override in FieldOverride.objects.filter(keys_in("project__cluster_id", chunk)):
        overrides[override.project_id][override.field] = override
    work: list[Work] = []
    for cluster_id in chunk:
        project = projects.get(cluster_id)
        state = None
        if project is not None:
            values = {name: o.value for name, o in overrides.get(project.pk, {}).items()}
            state = ProjectState(values, project.content_hash, project.is_published)
        work.append(Work(cluster_id, by_cluster.get(cluster_id, []), state))
    return Chunk(projects, overrides), work


def _merged_write(chunk: Chunk, merged: list[Merged]) -> list[int]:
    """Store the merged values of a chunk of clusters and their changes; ids of the projects that changed."""
    # New projects are inserted from their values, without model instances (most of a first run).
    creates: dict[int, dict[str, Any]] = {}
    updates: list[Project] = []
    changes: list[dict[str, Any]] = []
    reconciled: list[FieldOverride] = []
    now = timezone.now()
    for cluster_id, values, _publications, upstream in merged:
        project = chunk.projects.get(cluster_id)
        if project is not None and upstream:
            saved, rows = overrides_reconcile(chunk.overrides[project.pk], upstream, project.pk, now)
            reconciled += saved
            changes += rows
        if values is None:
            continue
        if project is None:
            creates[cluster_id] = {"cluster_id": cluster_id, **values}
            continue
        before = {name: getattr(project, name) for name in TRACKED}
        old_provenance = project.provenance
        for name, value in values.items():
            setattr(project, name, value)
        updates.append(project)
        change = harvest_change(project, before, old_provenance, now)
        if change is not None:
            changes.append(change)
    values_insert(Project, list(creates.values()))
    rows_update(updates, _UPDATED_COLUMNS)
    rows_update(reconciled, ["upstream", "upstream_known", "upstream_now", "conflict"])
    if conflicted := [override for override in reconciled if override.conflict]:
        overrides_conflicted.send(sender=FieldOverride, overrides=conflicted)
    keys = dict(Project.objects.filter(keys_in("cluster_id", creates)).values_list("cluster_id", "pk"))
    changes += [creation_change(keys[c], values["provenance"], now) for c, values in creates.items()]
    changes_insert(changes)
    keys.update((project.cluster_id, project.pk) for project in updates)
    changed = [(keys[cluster_id], publications) for cluster_id, values, publications, _ in merged if values]
    _project_sources_sync(changed)
    return [project_id for project_id, _ in changed]


def _owners(cluster_ids: list[int], batch: int) -> dict[int, int]:
    """Project of each publication of the given clusters' projects (raw id → project id)."""
    owners: dict[int, int] = {}
    for start in range(0, len(cluster_ids), batch):
        rows = ProjectSource.objects.filter(project__cluster_id__in=cluster_ids[start : start + batch])
        owners.update(rows.values_list("raw_id", "project_id"))
    return owners


def _moves_record(before: dict[int, int], created: set[int], batch: int) -> set[int]:
    """Merge and split changes for the publications that moved; the projects that took overrides."""
    raws = list(before)
    after: dict[int, int] = {}
    for start in range(0, len(raws), batch):
        rows = ProjectSource.objects.filter(raw_id__in=raws[start : start + batch])
        after.update(rows.values_list("raw_id", "project_id"))
    moves = moves_count(before, after)
    if not moves:
        return set()
    givers = {giver for giver, _ in moves}
    emptied = givers - set(
        ProjectSource.objects.filter(project_id__in=givers).values_list("project_id", flat=True)
    )
    changes_insert(moves_changes(moves, created, emptied, timezone.now()))
    takers = merge_takers(moves, emptied)
    if takers:
        projects_emptied.send(sender=Project, takers=takers)
    return overrides_follow_merge(takers)


@transaction.atomic
def projects_sync(cluster_ids: Iterable[int], *, batch: int = 500, pool: Pool | None = None) -> list[int]:
    """Create, update or unpublish the projects of the given clusters in bulk; ids of changed projects.

    With a pool, chunks are merged in its worker processes while the main process reads the next
    ones and writes the merged ones, in order: the result is the same as without. Every change of a
    visible field is recorded (ProjectChange), with the merges and splits of publications between
    projects.
    """
    ids = sorted(set(cluster_ids))
    # Read before any chunk is written: a publication may move to a project of an earlier chunk.
    before = _owners(ids, batch)
    existing = set(before.values())
    changed: list[int] = []
    pending: deque[tuple[Chunk, AsyncResult[list[Merged]]]] = deque()
    for start in range(0, len(ids), batch):
        # Read here, in the main thread: only its database connection sees this transaction's writes.
        chunk, work = _work_read(ids[start : start + batch])
        existing.update(project.pk for project in chunk.projects.values())
        if pool is None:
            changed += _merged_write(chunk, clusters_merge(work))
            continue
        pending.append((chunk, pool.apply_async(clusters_merge, (work,))))
        if len(pending) > AHEAD:
            chunk, result = pending.popleft()
            changed += _merged_write(chunk, result.get())
    for chunk, result in pending:
        changed += _merged_write(chunk, result.get())
    if before and (received := _moves_record(before, set(changed) - existing, batch)):
        # Merged again with the overrides they received (nothing moves this time).
        clusters = Project.objects.filter(pk__in=received).values_list("cluster_id", flat=True)
        changed += projects_sync(clusters, batch=batch)
    return changed


def _project_sources_sync(sourced: list[tuple[int, list[Publication]]]) -> None:
    """One ProjectSource per publication of each project, updated in place (a raw may change project)."""
    wanted = {
        publication.raw_id: {"project_id": project_id, **publication._asdict()}
        for project_id, publications in sourced
        for publication in publications
    }
    project_ids = [project_id for project_id, _ in sourced]
    existing = dict(
        ProjectSource.objects.filter(Q(project_id__in=project_ids) | Q(raw_id__in=list(wanted))).values_list(
            "raw_id", "pk"
        )
    )
    ProjectSource.objects.filter(pk__in=[pk for raw, pk in existing.items() if raw not in wanted]).delete()
    values_insert(ProjectSource, [values for raw, values in wanted.items() if raw not in existing])
    updates = [ProjectSource(pk=existing[raw], **values) for raw, values in wanted.items() if raw in existing]
    rows_update(updates, _SOURCE_COLUMNS)


# A publication found again keeps its row (by raw id): all its other columns are rewritten.
_SOURCE_COLUMNS = ("project_id", *(name for name in Publication._fields if name != "raw_id"))
