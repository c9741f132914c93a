"""Projects proposed on the Carrefour itself: records of a built-in source, run through the whole pipeline.

A contributed project is stored as a raw record of the "contributions" source, its payload already in
the common schema, so that it is located, de-duplicated, merged, indexed and exported like a
harvested one, with that source's provenance and licence.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from carrefour.harvest.models import RawRecord
from carrefour.harvest.store import payload_hash
from carrefour.orchestration.pipeline import pipeline_process
from carrefour.projects.models import Project, ProjectChange, ProjectSource
from carrefour.search.services import index_update
from carrefour.sources.models import Source

SOURCE_SLUG = "contributions"
SOURCE_KIND = "contribution"
SOURCE_NAME = "Contributions au Carrefour"
SOURCE_LICENCE = "Licence Ouverte / Etalab 2.0"
SOURCE_ATTRIBUTION = "Contributeurs du Carrefour des innovations sociales"


def contributions_source() -> Source:
    """The built-in source of contributed projects, created on first use.

    Not enabled: nothing harvests it (the harvest command and scheduling only take enabled sources),
    and no definition file declares it, so a sync of the definitions leaves it alone.
    """
    source, _ = Source.objects.get_or_create(
        slug=SOURCE_SLUG,
        defaults={
            "name": SOURCE_NAME,
            "kind": SOURCE_KIND,
            "licence": SOURCE_LICENCE,
            "attribution": SOURCE_ATTRIBUTION,
            "enabled": False,
            "definition": {"slug": SOURCE_SLUG, "kind": SOURCE_KIND, "name": SOURCE_NAME},
        },
    )
    return source


def _raw_store(key: str, payload: dict[str, Any], state: str) -> RawRecord:
    """Create or update the raw record of a contributed project."""
    now = timezone.now()
    raw, _ = RawRecord.objects.update_or_create(
        source=contributions_source(),
        source_record_id=key,
        defaults={
            "payload": payload,
            "content_hash": payload_hash(payload),
            "fetched_at": now,
            "last_seen_at": now,
            "state": state,
        },
        create_defaults={
            "payload": payload,
            "content_hash": payload_hash(payload),
            "fetched_at": now,
            "first_seen_at": now,
            "last_seen_at": now,
            "state": state,
        },
    )
    return raw


@transaction.atomic
def contributed_project_publish(key: str, payload: dict[str, Any], author: Any, reason: str) -> Project:
    """Store the project's record, run the pipeline on it, re-index; the project it became part of.

    The history rows the pipeline wrote are attributed to the author. Raises ValueError (French
    message) when the pipeline refuses the record.
    """
    started = timezone.now()
    raw = _raw_store(key, payload, RawRecord.State.ACTIVE)
    pipeline_process([raw.pk], update_index=False)
    link = ProjectSource.objects.filter(raw=raw).select_related("project").first()
    if link is None:
        raise ValueError("Le projet proposé n'a pas pu être publié (titre absent ou inutilisable).")
    project = link.project
    written = ProjectChange.objects.filter(project=project, at__gte=started, actor__isnull=True)
    if not written.update(actor=author, reason=reason):
        # Merged into an existing project without changing what it shows: still in its history.
        ProjectChange.objects.create(
            project=project,
            kind=ProjectChange.Kind.CONTRIBUTION,
            at=timezone.now(),
            actor=author,
            source_slug=SOURCE_SLUG,
            reason=reason,
        )
    index_update([project.pk])
    return project


@transaction.atomic
def contributed_project_withdraw(key: str) -> None:
    """Take a contributed project's record back: emptied, it leaves its project (unpublished if alone).

    A record marked gone would keep publishing the project (as a partner's withdrawn page does); an
    empty one is invalid, so the pipeline takes it out of its cluster.
    """
    link = ProjectSource.objects.filter(raw__source__slug=SOURCE_SLUG, raw__source_record_id=key).first()
    raw = _raw_store(key, {}, RawRecord.State.GONE)
    pipeline_process([raw.pk], update_index=False)
    if link is not None:
        index_update([link.project_id])
