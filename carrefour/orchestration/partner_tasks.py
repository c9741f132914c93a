"""Background tasks a partner starts from its space: re-apply a vocabulary mapping, harvest now.

Both write to the database as the pipeline does, so they run under the run guard; when another run holds
it they wait their turn (queued again a minute later) rather than fail: a saved mapping must be applied.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks import task
from django_tasks.base import Task

from carrefour.harvest.models import RawRecord
from carrefour.harvest.services import HarvestProgress, harvest_run
from carrefour.normalize.selectors import source_raw_ids_unmapped
from carrefour.orchestration.commands import STAGES
from carrefour.orchestration.jobs import job_finish, job_progress
from carrefour.orchestration.models import Job
from carrefour.orchestration.pipeline import pipeline_process, raw_records_pending
from carrefour.orchestration.runs import RunBusyError, run_guard
from carrefour.sources.models import Source

RETRY_AFTER = timedelta(minutes=1)


class _Report:
    """Progress callbacks of the pipeline writing to a job: counts and stage kept together."""

    def __init__(self, job_id: int, stage: str) -> None:
        self.job_id = job_id
        self.done = self.total = 0
        self.stage_name = stage

    def progress(self, done: int, total: int) -> None:
        """Records processed so far."""
        self.done, self.total = done, total
        job_progress(self.job_id, done, total, self.stage_name)

    def stage(self, name: str) -> None:
        """A stage after normalization began."""
        self.stage_name = STAGES.get(name, name)
        job_progress(self.job_id, self.done, self.total, self.stage_name)


def _wait_turn(job_id: int, again: Task[Any, Any], *args: Any) -> str:
    """Queue the task again a little later: another run holds the lock. The job follows the new task."""
    result = again.using(run_after=timezone.now() + RETRY_AFTER).enqueue(job_id, *args)
    Job.objects.filter(pk=job_id).update(
        task_id=str(result.id), stage="en attente : une autre moisson ou un traitement est en cours"
    )
    return "reporté"


@task()
def source_mapping_reapply(job_id: int, source_id: int, terms: dict[str, list[str]] | None = None) -> str:
    """Normalize again the stored records of a source with its current vocabularies; the job's summary.

    `terms` ({field: [term]}): only terms that were unmapped got a mapping, so only the records where they
    are unmapped can change. None: every record of the source (a mapping changed or removed).

    Saves made while this task waited were coalesced into it: it reads the source's definition when it
    starts, and with `terms` also looks at every term that definition maps now.
    """
    with transaction.atomic():
        # Waits for a save that is deciding, source row locked, to coalesce into this queued task.
        source = Source.objects.select_for_update().get(pk=source_id)
    if terms is None:
        raw_ids = list(RawRecord.objects.filter(source_id=source_id).values_list("pk", flat=True))
    else:
        mapped = source.definition.get("vocabularies") or {}
        wanted = {name: [*values, *(mapped.get(name) or {})] for name, values in terms.items()}
        for name, values in mapped.items():
            wanted.setdefault(name, list(values or {}))
        raw_ids = source_raw_ids_unmapped(source_id, wanted)
    report = _Report(job_id, "application des correspondances")
    report.progress(0, len(raw_ids))
    try:
        with run_guard():
            summary = pipeline_process(raw_ids, force=True, progress=report.progress, stage=report.stage)
    except RunBusyError:
        return _wait_turn(job_id, source_mapping_reapply, source_id, terms)
    text = f"Correspondances appliquées : {summary.as_text()}"
    job_finish(job_id, text)
    return text


@task()
def source_harvest_now(job_id: int, source_id: int) -> str:
    """Harvest one validated source, then run the pipeline on what it stored; the job's summary."""
    source = Source.objects.get(pk=source_id)
    if source.review_status != Source.Review.VALIDATED or not source.enabled:
        raise ValueError("cette source n'est pas validée ou est désactivée : elle n'est pas moissonnée")
    report = _Report(job_id, "traitement des fiches")

    def harvested(state: HarvestProgress) -> None:
        job_progress(job_id, state.records, 0, f"moisson : {state.pages} page(s) lue(s)")

    try:
        with run_guard():
            run = harvest_run(source, progress=harvested)
            # What this run stored, and anything an interrupted run left pending.
            summary = pipeline_process(raw_records_pending(), progress=report.progress, stage=report.stage)
    except RunBusyError:
        return _wait_turn(job_id, source_harvest_now, source_id)
    text = (
        f"Moisson ({run.get_status_display().lower()}) : {run.records_seen} fiches vues, "
        f"{run.records_created} nouvelles, {run.records_updated} modifiées, {run.records_rejected} "
        f"rejetées, {run.records_gone} disparues{' (' + run.message + ')' if run.message else ''}. "
        f"Traitement : {summary.as_text()}"
    )
    job_finish(job_id, text)
    return text
