"""Canonical projects: the projects of changed clusters created, updated or unpublished in bulk."""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable
from multiprocessing.pool import AsyncResult, Pool
from typing import Any

from django.db import transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast

from carrefour.db.bulk import rows_update, values_insert
from carrefour.normalize.models import Record
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
from carrefour.projects.models import Project, ProjectSource

# Chunks merged ahead of the one being written: keeps both worker processes busy while the main one writes.
AHEAD = 3


def _members(cluster_ids: list[int]) -> dict[int, list[MemberRow]]:
    """Valid records of the given clusters, by cluster, their JSON columns left as text for the merge."""
    by_cluster: dict[int, list[MemberRow]] = defaultdict(list)
    rows = Record.objects.filter(membership__cluster_id__in=cluster_ids, is_valid=True).values_list(
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


def _work_read(chunk: list[int]) -> tuple[dict[int, Project], list[Work]]:
    """The existing projects of a chunk of clusters, and what merging them needs."""
    by_cluster = _members(chunk)
    projects = {p.cluster_id: p for p in Project.objects.filter(cluster_id__in=chunk)}
    work: list[Work] = []
    for cluster_id in chunk:
        project = projects.get(cluster_id)
        state = (
            ProjectState(project.overrides, project.content_hash, project.is_published) if project else None
        )
        work.append(Work(cluster_id, by_cluster.get(cluster_id, []), state))
    return projects, work


def _merged_write(projects: dict[int, Project], merged: list[Merged]) -> list[int]:
    """Store the merged values of a chunk of clusters; ids of the projects that changed."""
    # New projects are inserted from their values, without model instances (most of a first run).
    creates: dict[int, dict[str, Any]] = {}
    updates: list[Project] = []
    for cluster_id, values, _publications in merged:
        if values is None:
            continue
        project = projects.get(cluster_id)
        if project is None:
            creates[cluster_id] = {"cluster_id": cluster_id, **values}
            continue
        for name, value in values.items():
            setattr(project, name, value)
        updates.append(project)
    values_insert(Project, list(creates.values()))
    rows_update(updates, _UPDATED_COLUMNS)
    keys = dict(Project.objects.filter(cluster_id__in=list(creates)).values_list("cluster_id", "pk"))
    keys.update((project.cluster_id, project.pk) for project in updates)
    changed = [(keys[cluster_id], publications) for cluster_id, values, publications in merged if values]
    _project_sources_sync(changed)
    return [project_id for project_id, _ in changed]


@transaction.atomic
def projects_sync(cluster_ids: Iterable[int], *, batch: int = 500, pool: Pool | None = None) -> list[int]:
    """Create, update or unpublish the projects of the given clusters in bulk; ids of changed projects.

    With a pool, chunks are merged in its worker processes while the main process reads the next
    ones and writes the merged ones, in order: the result is the same as without.
    """
    ids = sorted(set(cluster_ids))
    changed: list[int] = []
    pending: deque[tuple[dict[int, Project], AsyncResult[list[Merged]]]] = deque()
    for start in range(0, len(ids), batch):
        # Read here, in the main thread: only its database connection sees this transaction's writes.
        projects, work = _work_read(ids[start : start + batch])
        if pool is None:
            changed += _merged_write(projects, clusters_merge(work))
            continue
        pending.append((projects, pool.apply_async(clusters_merge, (work,))))
        if len(pending) > AHEAD:
            projects, result = pending.popleft()
            changed += _merged_write(projects, result.get())
    for projects, result in pending:
        changed += _merged_write(projects, result.get())
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
