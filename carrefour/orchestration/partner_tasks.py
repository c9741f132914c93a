"""Background tasks a partner starts from its space: re-apply a vocabulary mapping, harvest now.

Both write to the database as the pipeline does, so they run under the run guard; when another run holds
it they wait their turn rather than fail (a saved mapping must be applied): queued again a minute later,
then twice as long each time up to a quarter of an hour, so a long harvest leaves a few waiting tasks, not
one a minute.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks import task
from django_tasks.base import Task

from carrefour.harvest.models import RawRecord
from carrefour.harvest.selectors import harvest_skipped_text
from carrefour.harvest.services import HarvestProgress, harvest_run
from carrefour.normalize.selectors import source_raw_ids_remapped
from carrefour.orchestration.commands import STAGES
from carrefour.orchestration.jobs import job_finish, job_progress
from carrefour.orchestration.models import Job
from carrefour.orchestration.pipeline import pipeline_process, raw_records_pending
from carrefour.orchestration.runs import RunBusyError, run_guard
from carrefour.sources.models import Source

RETRY_AFTER = timedelta(minutes=1)
RETRY_MAX = timedelta(minutes=15)


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


def _wait_turn(job_id: int, again: Task[Any, Any], *args: Any, waits: int) -> str:
    """Queue the task again later: another run holds the lock. The job follows the new task.

    `waits`: how many times the job already waited; each wait doubles the delay, up to RETRY_MAX.
    """
    delay = min(RETRY_AFTER * 2**waits, RETRY_MAX)
    result = again.using(run_after=timezone.now() + delay).enqueue(job_id, *args, waits=waits + 1)
    Job.objects.filter(pk=job_id).update(
        task_id=str(result.id), stage="en attente : une autre moisson ou un traitement est en cours"
    )
    return "reporté"


@task()
def source_mapping_reapply(job_id: int, source_id: int, legacy: Any = None, *, waits: int = 0) -> str:
    """Normalize again the stored records of a source with its current vocabularies; the job's summary.

    Only the records with a term that maps otherwise than under `Source.vocabularies_applied` (what they
    were normalized with) are processed, and only those whose result differs are written; on success
    the current vocabularies become that baseline. Saves made while this task waited were coalesced
    into it: it reads the source's definition when it starts.

    `legacy`: the third argument of tasks queued before the baseline was stored, a `vocabularies` block
    (used as the baseline) or a list of terms (every record of the source is processed again).
    """
    with transaction.atomic():
        # Waits for a save that is deciding, source row locked, to coalesce into this queued task.
        source = Source.objects.select_for_update().get(pk=source_id)
    vocabularies = source.definition.get("vocabularies") or {}
    baseline = source.vocabularies_applied if source.vocabularies_applied is not None else legacy
    if _is_vocabularies(baseline):
        raw_ids = source_raw_ids_remapped(source_id, baseline, vocabularies)
    else:
        raw_ids = list(
            RawRecord.objects.filter(source_id=source_id).order_by("pk").values_list("pk", flat=True)
        )
    report = _Report(job_id, "application des correspondances")
    report.progress(0, len(raw_ids))
    try:
        with run_guard():
            summary = pipeline_process(raw_ids, force=True, progress=report.progress, stage=report.stage)
    except RunBusyError:
        return _wait_turn(job_id, source_mapping_reapply, source_id, legacy, waits=waits)
    Source.objects.filter(pk=source_id).update(vocabularies_applied=vocabularies)
    text = f"Correspondances appliquées : {summary.as_text()}"
    job_finish(job_id, text)
    return text


def _is_vocabularies(value: Any) -> bool:
    """Whether a value is a `vocabularies` block ({name: {term: code}}), not an older task's terms."""
    return isinstance(value, dict) and all(isinstance(mapping, dict) for mapping in value.values())


@task()
def source_harvest_now(job_id: int, source_id: int, *, waits: int = 0) -> str:
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
        return _wait_turn(job_id, source_harvest_now, source_id, waits=waits)
    skipped = harvest_skipped_text(run.records_skipped)
    text = (
        f"Moisson ({run.get_status_display().lower()}) : {run.records_seen} fiches vues, "
        f"{run.records_created} nouvelles, {run.records_updated} modifiées, {run.records_rejected} "
        f"rejetées, {run.records_gone} disparues{', ' + skipped if skipped else ''}"
        f"{' (' + run.message + ')' if run.message else ''}. Traitement : {summary.as_text()}"
    )
    job_finish(job_id, text)
    return text
