"""Read access to canonical projects, and their common-schema representation."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import Prefetch, QuerySet

from carrefour.normalize.values import http_url
from carrefour.projects.merge import LOCATION_COLUMNS
from carrefour.projects.models import FieldOverride, Project, ProjectChange, ProjectSource
from carrefour.sources.models import Source

SCHEMA_VERSION = "1.0.0"


def project_queryset() -> QuerySet[Project]:
    """Published projects with their sources, ready to serialize."""
    return Project.objects.filter(is_published=True).prefetch_related(
        Prefetch(
            "sources", queryset=ProjectSource.objects.select_related("source").order_by("source__name", "id")
        )
    )


def projects_by_raw(raw_ids: list[int]) -> dict[int, tuple[int, str]]:
    """Published project (id, title) of each raw record that has one, by raw record id."""
    rows = ProjectSource.objects.filter(raw_id__in=raw_ids, project__is_published=True)
    return {
        raw_id: (pk, title)
        for raw_id, pk, title in rows.values_list("raw_id", "project_id", "project__title")
    }


def location_text(location: dict[str, Any]) -> str:
    """A location group as a reader sees it: "12 rue Haute, Villeurbanne (69266)"."""
    place = f"{location.get('commune_name') or ''} ({location.get('commune_code') or '?'})"
    return f"{location['address']}, {place}" if location.get("address") else place


def project_network(project: Project, *, limit: int = 100) -> QuerySet[Project]:
    """Other published sites of the project's network: same title words, another commune."""
    if not project.network_key:
        return Project.objects.none()
    return (
        Project.objects.filter(is_published=True, network_key=project.network_key)
        .exclude(pk=project.pk)
        .exclude(commune_code="", departement_code=project.departement_code)
        .exclude(commune_code=project.commune_code)
        .order_by("departement_code", "commune_name")[:limit]
    )


def overrides_conflict_sources(overrides: Iterable[FieldOverride]) -> dict[int, str]:
    """Slug of the source whose new value each override in conflict contradicts, by override id."""
    wanted = {(override.project_id, override.field): override.pk for override in overrides}
    changes = ProjectChange.objects.filter(
        project_id__in={project_id for project_id, _ in wanted}, kind=ProjectChange.Kind.SOURCE_CHANGED
    ).order_by("-at", "-pk")
    result: dict[int, str] = {}
    # The newest change of a field says which source gives the value in conflict now.
    for project_id, fields, slug in changes.values_list("project_id", "fields", "source_slug"):
        for name in fields:
            pk = wanted.get((project_id, name))
            if pk is not None:
                result.setdefault(pk, slug)
    return result


def overrides_conflict_source_ids(overrides: Iterable[FieldOverride]) -> dict[int, set[int]]:
    """Sources whose value each override in conflict contradicts, by override id: who may settle it.

    The source the newest change of the field names; when it names none (a value its source blanked, a
    location without precision, a conflict older than the change rows) or one that no longer exists,
    every source feeding the project, so that no conflict is left without anybody to settle it.
    """
    overrides = list(overrides)
    slugs = overrides_conflict_sources(overrides)
    by_slug = dict(Source.objects.filter(slug__in=set(slugs.values()) - {""}).values_list("slug", "pk"))
    feeding: dict[int, set[int]] = {}
    rows = ProjectSource.objects.filter(project_id__in={o.project_id for o in overrides}, gone=False)
    for project_id, source_id in rows.values_list("project_id", "source_id"):
        feeding.setdefault(project_id, set()).add(source_id)
    result = {}
    for override in overrides:
        named = by_slug.get(slugs.get(override.pk, ""))
        result[override.pk] = {named} if named is not None else feeding.get(override.project_id, set())
    return result


def project_publications(projects: list[Project]) -> dict[int, list[ProjectSource]]:
    """Publications of many projects by project id, in page order: one query, each source read once."""
    sources = Source.objects.in_bulk()
    rows = ProjectSource.objects.filter(project_id__in=[p.pk for p in projects]).order_by(
        "source__name", "id"
    )
    result: dict[int, list[ProjectSource]] = {project.pk: [] for project in projects}
    for publication in rows:
        publication.source = sources[publication.source_id]
        result[publication.project_id].append(publication)
    return result


def project_provenance(project: Project, publications: list[ProjectSource] | None = None) -> dict[str, Any]:
    """Which partner said what: {field: {platform, source_id, inferred}} or {field: {override: true}}."""
    by_raw = {ps.raw_id: ps for ps in (project.sources.all() if publications is None else publications)}
    result: dict[str, Any] = {}
    for name, origin in (project.provenance or {}).items():
        if origin.get("override"):
            result[name] = {"override": True}
            continue
        ps = by_raw.get(origin.get("record"))
        if ps is not None:
            result[name] = {
                "platform": ps.source.platform,
                "source_id": ps.source_record_id,
                "inferred": bool(origin.get("inferred")),
            }
    return result


def project_to_dict(project: Project, publications: list[ProjectSource] | None = None) -> dict[str, Any]:
    """A project in the common schema (schema/project.schema.json), as the API and exports publish it.

    `publications` (from project_publications) spares the sources prefetch when many are serialized.
    """
    if publications is None:
        publications = list(project.sources.all())
    location = {name: getattr(project, name) or None for name in LOCATION_COLUMNS}
    published = [
        {
            "platform": ps.source.platform,
            "platform_name": ps.source.name,
            "source_id": ps.source_record_id,
            # Defence in depth: a stored javascript: or file: address is never published.
            "url": http_url(ps.url) or None,
            "first_seen": ps.first_seen_at.isoformat(),
            "last_seen": ps.last_seen_at.isoformat(),
            "licence": ps.source.licence or None,
            "fictional": ps.source.fictional,
            "gone": ps.gone,
        }
        for ps in publications
    ]
    return {
        "id": project.pk,
        "title": project.title,
        "summary": project.summary or None,
        "description": project.description or None,
        "themes": project.themes,
        "publics": project.publics,
        "actor_type": project.actor_type or None,
        "organization": project.organization or None,
        "scale": project.scale or None,
        "status": project.status or "inconnu",
        "start_year": project.start_year,
        "website": project.website or None,
        "location": location,
        "publications": published,
        "cluster_id": str(project.cluster_id),
        "provenance": project_provenance(project, publications),
        "fictional": project.fictional,
        "updated_at": project.updated_at.isoformat(),
    }


def project_iter_dicts(*, chunk_size: int = 1000) -> Iterator[dict[str, Any]]:
    """All published projects in the common schema, streamed in id order."""
    yield from (project_to_dict(p) for p in project_queryset().order_by("id").iterator(chunk_size=chunk_size))
