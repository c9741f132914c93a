"""Re-applying a source's vocabulary mapping to its stored records: queued once, whoever changed it.

The baseline is what the stored records were last all normalized with (`Source.vocabularies_applied`),
set by the first re-apply queued and moved on by each that succeeds: a failed or crashed one leaves it
where it was, so the next save, import or harvest queues the work again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from carrefour.harvest.models import RawRecord
from carrefour.orchestration.jobs import job_start, source_job_queued
from carrefour.orchestration.models import Job
from carrefour.orchestration.partner_tasks import source_mapping_reapply
from carrefour.sources.models import Source


def source_mapping_changes_reapply(
    source: Source, before_definition: dict[str, Any], *, user: Any = None
) -> Job | None:
    """Queue the re-application of the source's definition in service, if its records need one.

    `before_definition`: the definition in service before the change, the baseline of a source whose
    records were never re-normalized. None when the vocabularies are those the records were normalized
    with, or the source stores no record yet.
    """
    with transaction.atomic():
        # The source row locked, as a mapping save does: a queued task cannot start between the check
        # and the decision.
        source = Source.objects.select_for_update().get(pk=source.pk)
        applied = _applied(source, before_definition)
        if applied == (source.definition.get("vocabularies") or {}):
            return None
        if not RawRecord.objects.filter(source=source).exists():
            return None
        return source_reapply_queue(source, before_definition, user=user)


def source_reapply_queue(source: Source, before_definition: dict[str, Any], *, user: Any) -> Job:
    """Queue the re-application of the definition in service to the source's stored records; the job.

    Call it with the source row locked, in the transaction of the change it applies: the task cannot be
    queued without the change, nor the change saved without its task.
    """
    if source.vocabularies_applied is None:
        source.vocabularies_applied = _applied(source, before_definition)
        source.save(update_fields=["vocabularies_applied"])
    # A queued one compares the records' baseline with the vocabularies it finds when it starts: it
    # covers this change too.
    queued = source_job_queued(source, Job.Kind.MAPPING_REAPPLY)
    if queued is not None:
        return queued
    return job_start(
        Job.Kind.MAPPING_REAPPLY, source_mapping_reapply, source.pk, source=source, started_by=user
    )


def sources_reapply_pending(before: Mapping[str, dict[str, Any]]) -> list[str]:
    """Queue the re-applications the sources' stored records need; the slugs of the sources concerned.

    `before`: definitions in service by slug before the caller changed some (files imported). A source
    needs one when a file changed its vocabularies, or when a re-apply failed or crashed.
    """
    return [
        source.slug
        for source in Source.objects.order_by("slug")
        if source_mapping_changes_reapply(source, before.get(source.slug, source.definition))
    ]


def sources_definitions() -> dict[str, dict[str, Any]]:
    """The definition in service of each source, by slug: the `before` of sources_reapply_pending."""
    return dict(Source.objects.values_list("slug", "definition"))


def _applied(source: Source, before_definition: dict[str, Any]) -> dict[str, Any]:
    """The vocabularies the source's stored records were normalized with, as best known."""
    if source.vocabularies_applied is not None:
        return dict(source.vocabularies_applied)
    return dict(before_definition.get("vocabularies") or {})
