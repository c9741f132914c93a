"""Changes made by hand to projects, followed by their re-indexing (the commons apps call these)."""

from __future__ import annotations

from typing import Any

from carrefour.projects.models import ProjectChange
from carrefour.projects.overrides import project_change_revert
from carrefour.search.services import index_update


def project_change_revert_indexed(change: ProjectChange, actor: Any, reason: str = "") -> ProjectChange:
    """Revert a change (projects.overrides.project_change_revert), then re-index its project for search."""
    reverted = project_change_revert(change, actor, reason)
    index_update([reverted.project_id])
    return reverted
