"""Changes made by hand to projects, followed by their re-indexing (the commons apps call these)."""

from __future__ import annotations

from typing import Any

from carrefour.projects.models import Project, ProjectChange
from carrefour.projects.overrides import project_change_revert, project_fields_edit
from carrefour.search.services import index_update


def project_change_revert_indexed(change: ProjectChange, actor: Any, reason: str = "") -> ProjectChange:
    """Revert a change (projects.overrides.project_change_revert), then re-index its project for search."""
    reverted = project_change_revert(change, actor, reason)
    index_update([reverted.project_id])
    return reverted


def project_fields_edit_indexed(
    project: Project, values: dict[str, Any], actor: Any, reason: str = ""
) -> None:
    """Set fields by hand as a moderation (overrides.project_fields_edit), then re-index the project."""
    if project_fields_edit(project, values, actor, ProjectChange.Kind.MODERATION, reason) is not None:
        index_update([project.pk])
