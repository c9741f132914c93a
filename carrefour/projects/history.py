"""A project's history: the changes the pipeline records in bulk, and reading them back."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from carrefour.db.bulk import values_insert
from carrefour.projects.merge import LOCATION_COLUMNS, MERGED_FIELDS
from carrefour.projects.models import FieldOverride, Project, ProjectChange

# What a change records: the fields a visitor sees (network_key, hashes and provenance follow from them).
TRACKED = (*MERGED_FIELDS, *LOCATION_COLUMNS, "is_published")
PER_PAGE = 50
Kind = ProjectChange.Kind


def fields_diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} for the tracked fields whose value differs."""
    return {
        name: [before.get(name), after[name]]
        for name in TRACKED
        if name in after and before.get(name) != after[name]
    }


def _origins(provenance: dict[str, Any], names: Iterable[str]) -> set[str]:
    """Slugs of the sources the provenance gives for these fields (location columns share one)."""
    slugs = set()
    for name in names:
        origin = provenance.get("location" if name in LOCATION_COLUMNS else name) or {}
        if origin.get("source"):
            slugs.add(origin["source"])
    return slugs


def harvest_change(
    project: Project, before: dict[str, Any], old_provenance: dict[str, Any], at: datetime
) -> dict[str, Any] | None:
    """The change row of a project the pipeline updated (values already set), None when no field moved."""
    diff = fields_diff(before, {name: getattr(project, name) for name in TRACKED})
    if not diff:
        return None
    kind = Kind.HARVEST
    if "is_published" in diff:
        kind = Kind.REPUBLISH if project.is_published else Kind.UNPUBLISH
    slugs = _origins(project.provenance or {}, diff) | _origins(old_provenance or {}, diff)
    return {
        "project_id": project.pk,
        "kind": kind,
        "at": at,
        "source_slug": ", ".join(sorted(slugs)),
        "fields": diff,
    }


def creation_change(project_id: int, provenance: dict[str, Any], at: datetime) -> dict[str, Any]:
    """The change row of a project the pipeline created: its sources only, not a copy of its fields."""
    slugs = sorted({origin["source"] for origin in provenance.values() if origin.get("source")})
    return {"project_id": project_id, "kind": Kind.CREATION, "at": at, "source_slug": ", ".join(slugs)}


def moves_changes(
    moves: dict[tuple[int, int], int], created: set[int], emptied: set[int], at: datetime
) -> list[dict[str, Any]]:
    """Merge and split rows for publications that went from one project to another {(from, to): count}."""
    rows = []
    for (giver, taker), count in sorted(moves.items()):
        # A project left without publication was merged into the other; one that keeps some was split.
        rows.append(
            {
                "project_id": giver,
                "kind": Kind.MERGE if giver in emptied else Kind.SPLIT,
                "at": at,
                "reason": f"{count} publication(s) rattachée(s) au projet n° {taker}",
            }
        )
        rows.append(
            {
                "project_id": taker,
                "kind": Kind.SPLIT if taker in created else Kind.MERGE,
                "at": at,
                "reason": f"{count} publication(s) venue(s) du projet n° {giver}",
            }
        )
    return rows


def changes_insert(rows: list[dict[str, Any]]) -> None:
    """Store change rows in bulk."""
    values_insert(ProjectChange, rows)


def moves_count(before: dict[int, int], after: dict[int, int]) -> dict[tuple[int, int], int]:
    """Publications (raw id → project id) that changed project, counted by (from, to)."""
    moves: dict[tuple[int, int], int] = defaultdict(int)
    for raw_id, old in before.items():
        new = after.get(raw_id)
        if new is not None and new != old:
            moves[(old, new)] += 1
    return dict(moves)


def merge_takers(moves: dict[tuple[int, int], int], emptied: set[int]) -> dict[int, int]:
    """For each project a merge emptied, the project that took most of its publications."""
    takers: dict[int, int] = {}
    for giver in emptied:
        counts = {taker: count for (source, taker), count in moves.items() if source == giver}
        if counts:
            takers[giver] = max(counts, key=lambda pk: (counts[pk], -pk))
    return takers


def project_history(project: Project, page: int | str | None = 1) -> Page[ProjectChange]:
    """One page of a project's changes, newest first, with their actors."""
    changes = ProjectChange.objects.filter(project=project).select_related("actor").order_by("-at", "-id")
    return Paginator(changes, PER_PAGE).get_page(page)


def overrides_in_conflict(project: Project | None = None) -> QuerySet[FieldOverride]:
    """Overrides whose field the sources changed since they were set, oldest first."""
    overrides = FieldOverride.objects.filter(conflict=True).select_related("project")
    if project is not None:
        overrides = overrides.filter(project=project)
    return overrides.order_by("created_at", "id")
