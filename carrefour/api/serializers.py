"""Project → common schema (schema/project.schema.json), shared by the API and the export."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from carrefour.projects.models import Project, ProjectSource

LOCATION_FIELDS = (
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


def _iso(value: datetime | None) -> str | None:
    """ISO 8601 timestamp or None."""
    return value.isoformat() if value else None


def _blank_to_none(value: Any) -> Any:
    """Empty strings become null, as the schema expects."""
    return None if value == "" else value


def source_to_dict(link: ProjectSource) -> dict[str, Any]:
    """One publication of the project on a partner platform."""
    return {
        "platform": link.source.slug,
        "platform_name": link.source.name,
        "source_id": link.source_record_id,
        "url": link.url or None,
        "first_seen": _iso(link.first_seen_at),
        "last_seen": _iso(link.last_seen_at),
        "licence": link.source.licence or None,
        "fictional": link.source.fictional,
        "gone": link.gone,
    }


def project_to_dict(project: Project) -> dict[str, Any]:
    """A project in the common schema, with its sources (prefetch `sources__source` for lists)."""
    return {
        "id": project.pk,
        "title": project.title,
        "summary": project.summary or None,
        "description": project.description or None,
        "themes": list(project.themes or []),
        "publics": list(project.publics or []),
        "actor_type": project.actor_type or None,
        "organization": project.organization or None,
        "scale": project.scale or None,
        "status": project.status or "inconnu",
        "start_year": project.start_year,
        "website": project.website or None,
        "location": {name: _blank_to_none(getattr(project, name)) for name in LOCATION_FIELDS},
        "sources": [source_to_dict(link) for link in project.sources.all()],
        "fictional": project.fictional,
        "updated_at": _iso(project.updated_at),
    }
