"""Re-applying a source's vocabulary mapping to its stored records: queued once, whoever changed it."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from carrefour.harvest.models import RawRecord
from carrefour.orchestration.jobs import job_start, source_job_queued
from carrefour.orchestration.models import Job
from carrefour.orchestration.partner_tasks import source_mapping_reapply
from carrefour.sources.models import Source


def source_mapping_changes_reapply(
    source: Source, before_definition: dict[str, Any], after_definition: dict[str, Any], *, user: Any
) -> Job | None:
    """Queue the re-application of a definition change to the source's stored records, if it needs one.

    None when the change leaves the vocabularies as they were or the source stores no record yet.
    """
    before = before_definition.get("vocabularies") or {}
    if before == (after_definition.get("vocabularies") or {}):
        return None
    if not RawRecord.objects.filter(source=source).exists():
        return None
    with transaction.atomic():
        # The source row locked, as a mapping save does: a queued task cannot start between the check
        # and the decision.
        source = Source.objects.select_for_update().get(pk=source.pk)
        return source_reapply_queue(source, before_definition, user=user)


def source_reapply_queue(source: Source, before_definition: dict[str, Any], *, user: Any) -> Job:
    """Queue the re-application of the definition in service, compared with `before_definition`; the job."""
    # A queued one compares the vocabularies it was queued with to those it finds when it starts: it
    # covers this change too.
    queued = source_job_queued(source, Job.Kind.MAPPING_REAPPLY)
    if queued is not None:
        return queued
    before = before_definition.get("vocabularies") or {}
    return job_start(
        Job.Kind.MAPPING_REAPPLY, source_mapping_reapply, source.pk, before, source=source, started_by=user
    )
