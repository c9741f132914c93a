"""Changes made by hand to projects, followed by their re-indexing (the commons apps call these)."""

from __future__ import annotations

from typing import Any

from carrefour.projects.models import FieldOverride, Project, ProjectChange
from carrefour.projects.overrides import (
    override_conflict_keep,
    override_conflict_take_upstream,
    project_change_revert,
    project_fields_edit,
)
from carrefour.search.services import index_update


def project_change_revert_indexed(change: ProjectChange, actor: Any, reason: str = "") -> ProjectChange:
    """Revert a change (projects.overrides.project_change_revert), then re-index its project for search."""
    reverted = project_change_revert(change, actor, reason)
    index_update([reverted.project_id])
    return reverted


def project_fields_edit_indexed(
    project: Project,
    values: dict[str, Any],
    actor: Any,
    reason: str = "",
    kind: str = ProjectChange.Kind.MODERATION,
) -> ProjectChange | None:
    """Set fields by hand (overrides.project_fields_edit), then re-index the project; the change or None."""
    change = project_fields_edit(project, values, actor, kind, reason)
    if change is not None:
        index_update([project.pk])
    return change


def override_conflict_take_upstream_indexed(override: FieldOverride, actor: Any) -> ProjectChange:
    """Drop an override in conflict for the sources' new value, then re-index its project."""
    change = override_conflict_take_upstream(override, actor)
    index_update([change.project_id])
    return change


def override_conflict_resolve(override: FieldOverride, actor: Any, *, keep: bool) -> ProjectChange:
    """Keep a correction the sources now contradict, or take their new value (re-indexed)."""
    if keep:
        return override_conflict_keep(override, actor)
    return override_conflict_take_upstream_indexed(override, actor)
